import { Readable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { extract } from 'tar-stream'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError, type SdkUser } from '../harness/sdk.js'
import { control, expectControl, writeTestFeaturesConfig } from './support.js'

/**
 * The test features (issue 17) end to end: the official web SDK `appwrite@14.0.1` acts, the control API
 * moves the clock, injects faults, explains refusals, reports coverage, snapshots, forks, exports and imports.
 */

const PASSWORD = 'password123'
const suite = useSdkSuite({ emulator: { config: writeTestFeaturesConfig() } })
let count = 0
const fresh = (label: string) => `${label}${++count}`
const origin = () => suite.emulator.origin

async function signedIn(projectId: string, name: string, create = true): Promise<SdkUser> {
  const user = suite.browser(name, projectId)
  if (create) await user.account.create(name, `${name}@example.test`, PASSWORD, name)
  await user.account.createEmailPasswordSession(`${name}@example.test`, PASSWORD)
  return user
}

const databases = (u: SdkUser) => new u.sdk.Databases(u.client)
const storage = (u: SdkUser) => new u.sdk.Storage(u.client)
async function download(user: SdkUser, url: URL | string): Promise<{ status: number; bytes: Buffer }> {
  const u = new URL(String(url))
  const res = await fetch(u, { headers: { cookie: user.cookies.header(u) } })
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()) }
}

afterEach(async () => {
  await expectControl(origin(), 'POST', '/clock', { reset: true }, 200)
})

describe('the clock', () => {
  it('a 1-year session expires on its next use once the clock passes a year, and dates follow the clock', async () => {
    const projectId = fresh('Clock')
    await expectControl(origin(), 'POST', '/clock', { freeze: true }, 200)
    const alice = await signedIn(projectId, 'alice')
    const session = await alice.account.getSession('current')
    expect(Date.parse(session.expire) - Date.parse(session.$createdAt)).toBe(31_536_000_000)

    const almost = await expectControl(origin(), 'POST', '/clock', { advance: 31_536_000 - 1 }, 200)
    expect(almost.frozen).toBe(true)
    expect((await alice.account.get()).$id).toBe('alice')

    await expectControl(origin(), 'POST', '/clock', { advance: '2s' }, 200)
    const expired = await appwriteError(alice.account.get())
    expect([expired.code, expired.type]).toEqual([401, 'general_unauthorized_scope'])

    const set = await expectControl(origin(), 'POST', '/clock', { set: '2030-01-02T03:04:05.678+00:00' }, 200)
    expect(set).toMatchObject({ now: '2030-01-02T03:04:05.678+00:00', frozen: true })
    const bob = await signedIn(projectId, 'bob')
    expect((await bob.account.get()).$createdAt).toBe('2030-01-02T03:04:05.678+00:00')
    expect((await control(origin(), 'GET', '/clock')).body.now).toBe('2030-01-02T03:04:05.678+00:00')
  })

  it('refuses bad clock bodies with a JSON error and leaves the clock alone', async () => {
    const before = (await control(origin(), 'GET', '/clock')).body
    for (const body of [{ advance: 'soon' }, { set: 'tomorrow' }, { freeze: 'yes' }, { reset: false }, { advance: 1, set: '2030-01-01' }, {}, { speed: 2 }, [1]]) {
      const res = await control(origin(), 'POST', '/clock', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body).toMatchObject({ code: 400, type: 'general_argument_invalid', version: '1.5.11' })
    }
    const after = (await control(origin(), 'GET', '/clock')).body
    expect(after.frozen).toBe(before.frozen)
    expect(Math.abs(Date.parse(after.now) - Date.parse(before.now))).toBeLessThan(5000)
  })
})

describe('fault injection', () => {
  it('an injected fault reaches the SDK as an AppwriteException of the injected type, `times` times', async () => {
    const projectId = fresh('Faults')
    const alice = await signedIn(projectId, 'alice')
    const added = await expectControl(origin(), 'POST', `/projects/${projectId}/faults`, { operation: 'databases.createDocument', error: 'general_rate_limit_exceeded', times: 2 }, 201)
    expect(added.rules[0]).toMatchObject({ operation: 'databases.createDocument', error: 'general_rate_limit_exceeded', times: 2, hits: 0 })

    for (let i = 0; i < 2; i++) {
      const error = await appwriteError(databases(alice).createDocument('main', 'notes', alice.sdk.ID.unique(), { title: 'x' }))
      expect([error.code, error.type, error.message]).toEqual([429, 'general_rate_limit_exceeded', 'Rate limit for the current endpoint has been exceeded. Please try again after some time.'])
    }
    expect((await databases(alice).createDocument('main', 'notes', 'ok', { title: 'x' })).$id).toBe('ok')
    const listed = await expectControl(origin(), 'GET', `/projects/${projectId}/faults`, undefined, 200)
    expect(listed.rules[0]).toMatchObject({ hits: 2, misses: 1 })

    // A server error renders as Appwrite's: 500 "Server Error" with the type kept.
    await expectControl(origin(), 'POST', `/projects/${projectId}/faults`, { operation: 'account.*', error: 'general_server_error' }, 201)
    const serverError = await appwriteError(alice.account.get())
    expect([serverError.code, serverError.type, serverError.message]).toEqual([500, 'general_server_error', 'Server Error'])
    await expectControl(origin(), 'DELETE', `/projects/${projectId}/faults`, undefined, 204)
    expect((await alice.account.get()).$id).toBe('alice')
  })

  it('delays, seeded probabilities, and bad rules refused with a clear error', async () => {
    const projectId = fresh('Delay')
    const alice = await signedIn(projectId, 'alice')
    await expectControl(origin(), 'POST', `/projects/${projectId}/faults`, { operation: 'account.get', delayMs: 300, times: 1 }, 201)
    const started = performance.now()
    await alice.account.get()
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    await expectControl(origin(), 'DELETE', `/projects/${projectId}/faults`, undefined, 204)

    const run = async () => {
      await expectControl(origin(), 'DELETE', `/projects/${projectId}/faults`, undefined, 204)
      await expectControl(origin(), 'POST', `/projects/${projectId}/faults`, { seed: 42, rules: [{ operation: '*', probability: 0.5, error: 'general_server_error' }] }, 201)
      const outcomes: boolean[] = []
      for (let i = 0; i < 12; i++) outcomes.push(await alice.account.get().then(() => true, () => false))
      return outcomes
    }
    const first = await run()
    expect(first).toEqual(await run())
    expect(first.some((ok) => ok) && first.some((ok) => !ok)).toBe(true)
    await expectControl(origin(), 'DELETE', `/projects/${projectId}/faults`, undefined, 204)

    for (const rule of [{ operation: 'databases.nope', error: 'general_server_error' }, { operation: '*', error: 'no_such_type' }, { operation: '*' }, { operation: '*', delayMs: -1 }, { operation: '*', error: 'general_server_error', probability: 2 }, { operation: '*', error: 'general_server_error', times: 0 }, { operation: '*', error: 'general_server_error', delay: 5 }, { rules: [] }]) {
      const res = await control(origin(), 'POST', `/projects/${projectId}/faults`, rule)
      expect(res.status, JSON.stringify(rule)).toBe(400)
      expect(res.body.type).toBe('general_argument_invalid')
    }
    expect((await control(origin(), 'GET', `/projects/${projectId}/faults`)).body.total).toBe(0)
  })
})

describe('the decision log', () => {
  it('a denied read names the missing role; a write lists the events it published', async () => {
    const projectId = fresh('Log')
    const [alice, bob] = await Promise.all([signedIn(projectId, 'alice'), signedIn(projectId, 'bob')])
    const doc = await databases(alice).createDocument('main', 'staffonly', 'memo', { title: 'Staff memo' })
    const denied = await appwriteError(databases(bob).getDocument('main', 'staffonly', doc.$id))
    expect(denied.type).toBe('document_not_found')

    const log = await expectControl(origin(), 'GET', `/projects/${projectId}/requests?operation=databases.getDocument&user=bob&status=404`, undefined, 200)
    expect(log.total).toBe(1)
    const [entry] = log.requests
    expect(entry).toMatchObject({
      operation: 'databases.getDocument', status: 404,
      caller: { userId: 'bob', authenticatedBy: 'session' },
      decision: { check: 'permission', type: 'document_not_found' },
    })
    expect(entry.caller.roles).toContain('user:bob')
    expect(entry.permissions).toEqual([{
      resource: 'databases/main/collections/staffonly', action: 'read', permissions: ['create("users")', 'read("team:staff")'],
      granted: false, grantedBy: null, wouldGrant: ['team:staff'],
    }])

    const writes = await expectControl(origin(), 'GET', `/projects/${projectId}/requests?operation=databases.createDocument`, undefined, 200)
    expect(writes.requests[0].decision).toBeNull()
    expect(writes.requests[0].permissions[0]).toMatchObject({ action: 'create', granted: true, grantedBy: 'users' })
    expect(writes.requests[0].events).toContain('databases.main.collections.staffonly.documents.memo.create')

    const all = await expectControl(origin(), 'GET', `/projects/${projectId}/requests`, undefined, 200)
    expect(all.requests[0].operation).toBe('databases.getDocument') // newest first
    expect(all.requests.every((r: { durationMs: number }) => r.durationMs >= 0)).toBe(true)
    const scope = await appwriteError(suite.browser('guest', projectId).account.get())
    expect(scope.type).toBe('general_unauthorized_scope')
    const guest = await expectControl(origin(), 'GET', `/projects/${projectId}/requests?limit=1`, undefined, 200)
    expect(guest.requests[0]).toMatchObject({ operation: 'account.get', decision: { check: 'scope' }, caller: { userId: null, roles: ['any', 'guests'] } })
    expect((await control(origin(), 'GET', `/projects/${projectId}/requests?status=abc`)).status).toBe(400)
  })
})

describe('coverage', () => {
  it('lists exactly the operations a sample test made, its error types and channels', async () => {
    const projectId = fresh('Coverage')
    await expectControl(origin(), 'DELETE', `/coverage?projectId=${projectId}`, undefined, 204)
    const alice = await signedIn(projectId, 'alice')
    await alice.account.get()
    await appwriteError(databases(alice).getDocument('main', 'notes', 'missing'))
    const received = new Promise<void>((resolve) => {
      const stop = alice.client.subscribe('account', () => {
        stop()
        resolve()
      })
    })
    await new Promise((r) => setTimeout(r, 300))
    await alice.account.updatePrefs({ theme: 'dark' })
    await received

    const report = await expectControl(origin(), 'GET', `/coverage?projectId=${projectId}`, undefined, 200)
    expect(report.operations.total).toBe(95)
    expect(report.operations.exercised.map((e: { operation: string }) => e.operation).sort()).toEqual(
      ['account.create', 'account.createEmailPasswordSession', 'account.get', 'account.updatePrefs', 'databases.getDocument'].sort(),
    )
    expect(report.operations.missing).toHaveLength(90)
    expect(report.errors.exercised).toEqual([{ type: 'document_not_found', count: 1 }])
    expect(report.channels.exercised).toEqual([{ channel: 'account', subscriptions: 1 }])
    const overall = await expectControl(origin(), 'GET', '/coverage', undefined, 200)
    expect(overall.operations.covered).toBeGreaterThanOrEqual(5)
    expect((await control(origin(), 'GET', '/coverage?projectId=bad%20id')).status).toBe(404)
  })
})

/** Every entry of a tar as name → bytes. */
async function untar(bytes: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>()
  const reader = extract()
  Readable.from([bytes]).pipe(reader as unknown as NodeJS.WritableStream)
  for await (const entry of reader) {
    const parts: Buffer[] = []
    for await (const chunk of entry) parts.push(chunk as Buffer)
    out.set(entry.header.name, Buffer.concat(parts))
  }
  return out
}

async function exportOf(projectId: string): Promise<Map<string, Buffer>> {
  const res = await fetch(`${origin()}/_emulator/projects/${projectId}/export`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toContain('application/x-tar')
  return untar(Buffer.from(await res.arrayBuffer()))
}

const tablesOf = (archive: Map<string, Buffer>) => new Map([...archive].filter(([name]) => name.startsWith('tables/')))

async function seed(projectId: string) {
  const alice = await signedIn(projectId, 'alice')
  const { Permission, Role } = alice.sdk
  await databases(alice).createDocument('main', 'notes', 'n1', { title: 'First', body: 'hello world', n: 1 })
  await databases(alice).createDocument('main', 'notes', 'n2', { title: 'Shared', body: 'for everyone', n: 2 }, [Permission.read(Role.users())])
  const secret = Buffer.from('a secret photo, compressed and encrypted at rest '.repeat(20))
  await storage(alice).createFile('photos', 'p1', new File([secret], 'p1.txt'))
  await storage(alice).createFile('plain', 'f1', new File([Buffer.from('plain bytes')], 'f1.txt'))
  return { alice, secret }
}

describe('snapshots and forks', () => {
  it('a fork sees the seed, its changes stay out of the original, and a snapshot restores the state', async () => {
    const original = fresh('Seed')
    const { alice, secret } = await seed(original)
    const forkId = fresh('Fork')
    expect(await expectControl(origin(), 'POST', `/projects/${original}/fork`, { projectId: forkId }, 201)).toEqual({ $id: forkId, from: original })

    const aliceInFork = await signedIn(forkId, 'alice', false)
    expect((await databases(aliceInFork).listDocuments('main', 'notes')).documents.map((d) => d.$id)).toEqual(['n1', 'n2'])
    expect((await databases(aliceInFork).listDocuments('main', 'notes', [aliceInFork.sdk.Query.search('body', 'hello')])).total).toBe(1)
    expect((await download(aliceInFork, storage(aliceInFork).getFileDownload('photos', 'p1'))).bytes.equals(secret)).toBe(true)
    await databases(aliceInFork).createDocument('main', 'notes', 'only-in-fork', { title: 'Fork' })
    await storage(aliceInFork).deleteFile('photos', 'p1')
    expect((await databases(alice).listDocuments('main', 'notes')).total).toBe(2)
    expect((await download(alice, storage(alice).getFileDownload('photos', 'p1'))).bytes.equals(secret)).toBe(true)

    const refused = await control(origin(), 'POST', `/projects/${original}/fork`, { projectId: forkId })
    expect([refused.status, refused.body.type]).toEqual([400, 'general_argument_invalid'])
    for (const body of [{}, { projectId: 'bad id!' }, { projectId: 'console' }, { projectId: 'x', extra: 1 }]) {
      expect((await control(origin(), 'POST', `/projects/${original}/fork`, body)).status, JSON.stringify(body)).toBe(400)
    }

    const snap = await expectControl(origin(), 'POST', `/projects/${original}/snapshots`, undefined, 201)
    expect(snap).toMatchObject({ projectId: original, $id: expect.any(String) })
    await databases(alice).createDocument('main', 'notes', 'after', { title: 'After the snapshot' })
    await storage(alice).deleteFile('photos', 'p1')
    await alice.account.updateName('Changed')

    const bad = await control(origin(), 'POST', `/projects/${original}/snapshots/nosuchsnapshot/restore`)
    expect([bad.status, bad.body.type]).toEqual([400, 'general_argument_invalid'])
    expect((await databases(alice).listDocuments('main', 'notes')).total).toBe(3)

    await expectControl(origin(), 'POST', `/projects/${original}/snapshots/${snap.$id}/restore`, undefined, 204)
    expect((await databases(alice).listDocuments('main', 'notes')).documents.map((d) => d.$id)).toEqual(['n1', 'n2'])
    expect((await download(alice, storage(alice).getFileDownload('photos', 'p1'))).bytes.equals(secret)).toBe(true)
    expect((await alice.account.get()).name).toBe('alice')
    expect((await control(origin(), 'GET', `/projects/${original}/snapshots`)).body.total).toBe(1)
  })
})

describe('export and import', () => {
  it('export → import round-trips every record byte for byte, into the same project or another', async () => {
    const projectId = fresh('Archive')
    const { alice, secret } = await seed(projectId)
    const first = await exportOf(projectId)
    expect([...first.keys()].slice(0, 2)).toEqual(['manifest.json', 'appwrite.json'])
    expect(JSON.parse(first.get('appwrite.json')!.toString()).collections.map((c: { $id: string }) => c.$id)).toEqual(['staffonly', 'notes'])

    await databases(alice).createDocument('main', 'notes', 'later', { title: 'Later' })
    await storage(alice).deleteFile('plain', 'f1')
    const archive = await fetch(`${origin()}/_emulator/projects/${projectId}/export`)
    const later = Buffer.from(await archive.arrayBuffer())

    // Import the first state back: every table equal to the first export's, byte for byte.
    const tarOfFirst = await tarFrom(first)
    const imported = await fetch(`${origin()}/_emulator/projects/${projectId}/import`, { method: 'POST', body: new Uint8Array(tarOfFirst), headers: { 'content-type': 'application/x-tar' } })
    expect(imported.status, await imported.clone().text()).toBe(200)
    const again = await exportOf(projectId)
    expect(tablesOf(again)).toEqual(tablesOf(first))
    expect((await databases(alice).listDocuments('main', 'notes')).total).toBe(2)
    expect((await download(alice, storage(alice).getFileDownload('plain', 'f1'))).bytes.toString()).toBe('plain bytes')
    expect((await download(alice, storage(alice).getFileDownload('photos', 'p1'))).bytes.equals(secret)).toBe(true)

    // Into another project: alice signs in there and reads her encrypted file.
    const copyId = fresh('Imported')
    const other = await fetch(`${origin()}/_emulator/projects/${copyId}/import`, { method: 'POST', body: new Uint8Array(later) })
    expect(other.status).toBe(200)
    const aliceThere = await signedIn(copyId, 'alice', false)
    expect((await databases(aliceThere).listDocuments('main', 'notes')).total).toBe(3)
    expect((await download(aliceThere, storage(aliceThere).getFileDownload('photos', 'p1'))).bytes.equals(secret)).toBe(true)

    // A bad archive changes nothing.
    for (const body of [Buffer.from('not a tar at all'), await tarFrom(new Map([['manifest.json', Buffer.from('{}')]])), await tarFrom(new Map([...first, ['tables/docs%3Amain%3Anope.jsonl', Buffer.from('["_uid"]\n["x"]\n')]]))]) {
      const res = await fetch(`${origin()}/_emulator/projects/${projectId}/import`, { method: 'POST', body: new Uint8Array(body) })
      expect(res.status).toBe(400)
      expect((await res.json()).type).toBe('general_argument_invalid')
    }
    expect(tablesOf(await exportOf(projectId))).toEqual(tablesOf(first))
  })
})

async function tarFrom(entries: Map<string, Buffer>): Promise<Buffer> {
  const { pack } = await import('tar-stream')
  const tar = pack()
  for (const [name, bytes] of entries) tar.entry({ name, size: bytes.length }, bytes)
  tar.finalize()
  const parts: Buffer[] = []
  for await (const chunk of tar as unknown as AsyncIterable<Buffer>) parts.push(chunk)
  return Buffer.concat(parts)
}
