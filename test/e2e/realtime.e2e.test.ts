import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { useSdkSuite } from '../harness/e2e.js'
import type { SdkUser } from '../harness/sdk.js'
import { sharedAvailable } from '../harness/shared.js'
import { modelProblems } from '../harness/spec.js'

/**
 * Realtime (issue 13) through appwrite@14.0.1's `client.subscribe`, with two or three simulated users at once:
 * every event a user receives is one they may read, on the channels they asked for, with a payload that is the
 * REST model of the resource (checked against the client spec).
 */

const PASSWORD = 'password123'
const dir = mkdtempSync(join(tmpdir(), 'awe-realtime-'))
const config = join(dir, 'appwrite.json')
const ANY = ['read("any")', 'create("any")', 'update("any")', 'delete("any")']
writeFileSync(
  config,
  JSON.stringify({
    projectId: 'live',
    databases: [{ $id: 'main', name: 'Main' }],
    collections: [
      { $id: 'open', databaseId: 'main', name: 'Open', $permissions: ANY, documentSecurity: false, attributes: [{ key: 'title', type: 'string', size: 100, required: false }], indexes: [] },
      { $id: 'notes', databaseId: 'main', name: 'Notes', $permissions: ['create("users")'], documentSecurity: true, attributes: [{ key: 'title', type: 'string', size: 100, required: false }], indexes: [] },
    ],
    functions: [{ $id: 'hello', name: 'Hello', runtime: 'node-18.0', execute: ['users'], path: join(import.meta.dirname, '../fixtures/functions/text'), entrypoint: 'index.cjs' }],
    buckets: [{ $id: 'pics', name: 'Pics', $permissions: ['create("users")', 'read("users")', 'delete("users")'], fileSecurity: false }],
  }),
)
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const suite = useSdkSuite({ emulator: { config } })
let projectCount = 0
let projectId = ''

interface Received {
  events: string[]
  channels: string[]
  timestamp: string
  payload: Record<string, any>
}

/** Subscribes `user` and resolves once the emulator lists the socket; `events` fills as messages arrive. */
async function subscribe(user: SdkUser, channels: string[]): Promise<{ events: Received[]; close: () => void }> {
  const events: Received[] = []
  const before = await connectionCount()
  const close = user.client.subscribe(channels, (message) => void events.push(message as unknown as Received))
  for (let i = 0; i < 200 && (await connectionCount()) <= before; i++) await new Promise((r) => setTimeout(r, 10))
  return { events, close }
}

async function connectionCount(): Promise<number> {
  const res = await fetch(`${suite.emulator.origin}/_emulator/projects/${projectId}/realtime`)
  return ((await res.json()) as { total: number }).total
}

/** Waits until `events` holds `count` messages (bounded), then a little longer to catch extras. */
async function settle(events: Received[], count: number): Promise<Received[]> {
  for (let i = 0; i < 300 && events.length < count; i++) await new Promise((r) => setTimeout(r, 10))
  await new Promise((r) => setTimeout(r, 150))
  return events
}

async function signedIn(name: string): Promise<SdkUser> {
  const user = suite.browser(name, projectId)
  await user.account.create(name, `${name}@example.test`, PASSWORD, name)
  await user.account.createEmailPasswordSession(`${name}@example.test`, PASSWORD)
  return user
}

/** Every payload holds against its REST model in the spec. */
function expectModel(schema: string, payloads: Record<string, unknown>[]) {
  if (!sharedAvailable('checking realtime payloads against client-openapi3.json')) return
  for (const payload of payloads) expect(modelProblems(schema, payload), JSON.stringify(payload).slice(0, 200)).toEqual([])
}

describe('realtime through client.subscribe', () => {
  it('document create, update and delete reach every channel form', async () => {
    projectId = `live${++projectCount}`
    const alice = await signedIn('alice')
    const db = new alice.sdk.Databases(alice.client)
    const all = await subscribe(alice, ['documents'])
    const collection = await subscribe(alice, ['databases.main.collections.open.documents'])
    const one = await subscribe(alice, ['databases.main.collections.open.documents.d1'])
    await db.createDocument('main', 'open', 'd1', { title: 'one' })
    await db.createDocument('main', 'open', 'd2', { title: 'two' })
    await db.updateDocument('main', 'open', 'd1', { title: 'uno' })
    await db.deleteDocument('main', 'open', 'd1')
    const names = (list: Received[]) => list.map((e) => e.events.find((n) => /^databases\.main\.collections\.open\.documents\.[^.*]+\.(create|update|delete)$/.test(n)))
    expect(names(await settle(all.events, 4))).toEqual([
      'databases.main.collections.open.documents.d1.create',
      'databases.main.collections.open.documents.d2.create',
      'databases.main.collections.open.documents.d1.update',
      'databases.main.collections.open.documents.d1.delete',
    ])
    expect(names(await settle(collection.events, 4))).toHaveLength(4)
    expect(names(await settle(one.events, 3))).toEqual([
      'databases.main.collections.open.documents.d1.create',
      'databases.main.collections.open.documents.d1.update',
      'databases.main.collections.open.documents.d1.delete',
    ])
    expect(all.events[2]!.payload).toMatchObject({ $id: 'd1', title: 'uno', $collectionId: 'open', $databaseId: 'main' })
    expect(all.events[0]!.events).toEqual(expect.arrayContaining(['databases.*.collections.*.documents.*.create', 'databases.main.collections.open.documents.d1', 'databases.main']))
    expectModel('document', all.events.map((e) => e.payload))
  })

  it("bob never receives alice's private documents, and a guest gets only public ones", async () => {
    projectId = `live${++projectCount}`
    const [alice, bob] = await Promise.all([signedIn('alice'), signedIn('bob')])
    const guest = suite.browser('guest', projectId)
    const bobs = await subscribe(bob, ['documents'])
    const guests = await subscribe(guest, ['documents'])
    const db = new alice.sdk.Databases(alice.client)
    const { Permission, Role } = alice.sdk
    await db.createDocument('main', 'notes', 'secret', { title: 'mine' })
    await db.createDocument('main', 'notes', 'shared', { title: 'ours' }, [Permission.read(Role.users()), Permission.update(Role.user('alice'))])
    await db.createDocument('main', 'open', 'public', { title: 'everyone' })
    expect((await settle(bobs.events, 2)).map((e) => e.payload.$id)).toEqual(['shared', 'public'])
    expect((await settle(guests.events, 1)).map((e) => e.payload.$id)).toEqual(['public'])
    // Alice takes bob's read away: the update that does it no longer reaches him.
    await db.updateDocument('main', 'notes', 'shared', { title: 'mine now' }, [Permission.read(Role.user('alice')), Permission.update(Role.user('alice'))])
    expect((await settle(bobs.events, 3)).map((e) => e.payload.$id)).toEqual(['shared', 'public'])
  })

  it('a team member receives team documents and team events, and stops when removed', async () => {
    projectId = `live${++projectCount}`
    const [alice, bob] = await Promise.all([signedIn('alice'), signedIn('bob')])
    const teams = new alice.sdk.Teams(alice.client)
    const db = new alice.sdk.Databases(alice.client)
    const { Permission, Role } = alice.sdk
    const aliceTeams = await subscribe(alice, ['teams', 'memberships'])
    await teams.create('crew', 'Crew')
    const invite = await teams.createMembership('crew', ['member'], undefined, 'bob', undefined, 'http://localhost/accept')
    const mail = (await suite.emulator.messages(projectId)).find((m) => m.data.membershipId === invite.$id)!
    await new bob.sdk.Teams(bob.client).updateMembershipStatus('crew', invite.$id, 'bob', mail.data.secret!)
    const bobs = await subscribe(bob, ['documents', 'memberships'])
    await db.createDocument('main', 'notes', 'crew1', { title: 'for the crew' }, [Permission.read(Role.team('crew'))])
    const got = await settle(bobs.events, 1)
    expect(got.map((e) => e.payload.$id)).toEqual(['crew1'])
    await teams.deleteMembership('crew', invite.$id)
    await db.createDocument('main', 'notes', 'crew2', { title: 'not for bob' }, [Permission.read(Role.team('crew'))])
    expect((await settle(bobs.events, 2)).map((e) => e.payload.$id)).toEqual(['crew1'])
    const aliceEvents = (await settle(aliceTeams.events, 4)).map((e) => e.events[0])
    expect(aliceEvents).toEqual(expect.arrayContaining(['teams.crew.create', `teams.crew.memberships.${invite.$id}.create`, `teams.crew.memberships.${invite.$id}.update.status`, `teams.crew.memberships.${invite.$id}.delete`]))
    expectModel('team', aliceTeams.events.filter((e) => e.channels.includes('teams')).map((e) => e.payload))
    expectModel('membership', aliceTeams.events.filter((e) => e.channels.includes('memberships')).map((e) => e.payload))
  })

  it('account events (name, prefs, sessions) and file events reach their owner only', async () => {
    projectId = `live${++projectCount}`
    const [alice, bob] = await Promise.all([signedIn('alice'), signedIn('bob')])
    const alices = await subscribe(alice, ['account', 'files'])
    const bobs = await subscribe(bob, ['account'])
    await alice.account.updateName('Alice A.')
    await alice.account.updatePrefs({ theme: 'dark' })
    const storage = new alice.sdk.Storage(alice.client)
    await storage.createFile('pics', 'f1', new File([new Uint8Array([1, 2, 3])], 'a.bin'))
    await storage.deleteFile('pics', 'f1')
    const events = await settle(alices.events, 4)
    expect(events.map((e) => e.events[0])).toEqual(['users.alice.update.name', 'users.alice.update.prefs', 'buckets.pics.files.f1.create', 'buckets.pics.files.f1.delete'])
    expect(events[0]!.channels).toEqual(['account', 'account.alice'])
    expectModel('user', [events[0]!.payload])
    expectModel('file', [events[2]!.payload])
    expect(await settle(bobs.events, 0)).toEqual([])
  })

  it("execution events reach the caller who may read the execution, and nobody else", async () => {
    projectId = `live${++projectCount}`
    const [alice, bob] = await Promise.all([signedIn('alice'), signedIn('bob')])
    const alices = await subscribe(alice, ['executions', 'functions.hello'])
    const bobs = await subscribe(bob, ['executions'])
    const functions = new alice.sdk.Functions(alice.client)
    // A synchronous execution is announced once, finished; an asynchronous one as it waits, runs and ends.
    const sync = await functions.createExecution('hello')
    expect(sync.status).toBe('completed')
    const queued = await functions.createExecution('hello', '', true)
    expect(queued.status).toBe('waiting')
    const events = await settle(alices.events, 4)
    expect(events.map((e) => [e.events[0], e.payload.status])).toEqual([
      [`functions.hello.executions.${sync.$id}.create`, 'completed'],
      [`functions.hello.executions.${queued.$id}.create`, 'waiting'],
      [`functions.hello.executions.${queued.$id}.update`, 'processing'],
      [`functions.hello.executions.${queued.$id}.update`, 'completed'],
    ])
    expect(events[0]!.channels).toEqual(['console', 'executions', `executions.${sync.$id}`, 'functions.hello'])
    expectModel('execution', events.map((e) => e.payload))
    expect(await settle(bobs.events, 0)).toEqual([])
  })

  it('a signed-out socket stops receiving account events', async () => {
    projectId = `live${++projectCount}`
    const alice = await signedIn('alice')
    const other = suite.browser('alice-phone', projectId)
    await other.account.createEmailPasswordSession('alice@example.test', PASSWORD)
    const sub = await subscribe(alice, ['account'])
    await other.account.updateName('Phone')
    expect((await settle(sub.events, 1)).map((e) => e.events[0])).toEqual(['users.alice.update.name'])
    await alice.account.deleteSession('current')
    await other.account.updateName('Phone again')
    expect((await settle(sub.events, 2)).map((e) => e.events[0])).toEqual(['users.alice.update.name'])
  })
})
