import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.js'
import { parseAppwriteJson } from '../../src/config/appwrite-json.js'
import { DiskBlobStore } from '../../src/files/disk-blob-store.js'
import { buildSchemas } from '../../src/store/documents/schema.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import type { FileRecord } from '../../src/store/types.js'
import { testFeaturesConfig } from './support.js'

/**
 * A fork of a project with 10,000 documents and 100 files (on disk, as `--data` keeps them) copies everything:
 * rows, permissions, the fulltext index and the bytes. How long it takes is measured by `npm run bench` (fork).
 */

const DOCS = 10_000
const FILES = 100
/** Documents the user `reader` (signed up in a fork) may update and delete. */
const EDITABLE = [0, 1, 200]
let dir: string
let app: App
let template: ReturnType<typeof parseAppwriteJson>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-fork-'))
  template = parseAppwriteJson(testFeaturesConfig, join(dir, 'appwrite.json'))
  const store = SqliteStore.open(join(dir, 'emulator.sqlite'))
  app = await buildApp({ store, template, blobs: new DiskBlobStore(join(dir, 'files')) })
  await app.server.ready()
  await app.services.projects.get('seed')
  const notes = buildSchemas(template).get('main/notes')!
  const now = '2024-05-01T10:20:30.123+00:00'
  await store.transaction(async () => {
    for (let i = 0; i < DOCS; i++) {
      await app.services.documents.insert({ projectId: 'seed', schema: notes }, {
        $id: `d${i}`, $createdAt: now, $updatedAt: now, $permissions: [`read("user:u${i % 50}")`, 'read("users")', ...(EDITABLE.includes(i) ? ['update("user:reader")', 'delete("user:reader")'] : [])],
        data: { title: `Note ${i}`, body: i % 100 === 0 ? 'needle in the hay' : `body ${i}`, n: i },
      })
    }
  })
  for (let i = 0; i < FILES; i++) {
    const blob = `files/seed/plain/f${i}/v1`
    const bytes = Buffer.from(`file number ${i} `.repeat(100))
    await app.services.blobs.write(blob, Readable.from([bytes]))
    const record: FileRecord = {
      id: `plain/f${i}`, bucketId: 'plain', fileId: `f${i}`, createdAt: now, updatedAt: now, permissions: [], name: `f${i}.txt`,
      signature: '', mimeType: 'text/plain', sizeOriginal: bytes.length, sizeActual: bytes.length, chunksTotal: 1, chunksUploaded: 1,
      chunkSize: 0, chunksReceived: [], algorithm: 'none', encrypted: false, antivirus: true, blob,
    }
    await store.transaction(() => store.files.insert('seed', record))
  }
})

afterAll(async () => {
  await app?.server.close()
  await app?.store.close()
  rmSync(dir, { recursive: true, force: true })
})

/** A session cookie of a user signed up in `project` (one per project). */
const readers = new Map<string, string>()
async function reader(project: string): Promise<string> {
  const known = readers.get(project)
  if (known) return known
  const headers = { 'x-appwrite-project': project, 'content-type': 'application/json' }
  await app.server.inject({ method: 'POST', url: '/v1/account', headers, payload: { userId: 'reader', email: 'r@example.test', password: 'password123' } })
  const session = await app.server.inject({ method: 'POST', url: '/v1/account/sessions/email', headers, payload: { email: 'r@example.test', password: 'password123' } })
  const cookie = String(session.headers['set-cookie']).split(';')[0]!
  readers.set(project, cookie)
  return cookie
}

/** The IDs of the notes a user of `project` finds by a fulltext search of `word` (by their `read("users")`). */
async function search(project: string, word: string): Promise<string[]> {
  const headers = { 'x-appwrite-project': project, cookie: await reader(project) }
  const ids: string[] = []
  for (let offset = 0; ; offset += 100) {
    const queries = [{ method: 'search', attribute: 'body', values: [word] }, { method: 'limit', values: [100] }, { method: 'offset', values: [offset] }]
    const list = await app.server.inject({ method: 'GET', url: `/v1/databases/main/collections/notes/documents?${queries.map((q) => `queries[]=${encodeURIComponent(JSON.stringify(q))}`).join('&')}`, headers })
    expect(list.statusCode, list.body).toBe(200)
    const page = (JSON.parse(list.body) as { documents: { $id: string }[] }).documents
    ids.push(...page.map((d) => d.$id))
    if (page.length < 100) return ids.sort()
  }
}

/** A project's dump with the project's own ID in file records' blob keys replaced by `seed`, to compare a fork with its source. */
async function dumpAs(project: string) {
  const dump = await app.store.dumpProject(project)
  return JSON.parse(JSON.stringify(dump).replaceAll(`files/${project}/`, 'files/seed/')) as typeof dump
}

const needles = Array.from({ length: DOCS / 100 }, (_, i) => `d${i * 100}`).sort()

it(`a fork of ${DOCS} documents and ${FILES} files copies rows, permissions, the fulltext index and the bytes`, async () => {
  const db = (app.store as SqliteStore).db
  const before = await app.store.dumpProject('seed')
  const fileSize = () => statSync(join(dir, 'emulator.sqlite')).size
  const sizeBefore = fileSize()
  const res = await app.server.inject({ method: 'POST', url: '/_emulator/projects/seed/fork', payload: { projectId: 'copy0' }, remoteAddress: '127.0.0.1' })
  expect(res.statusCode, res.body).toBe(201)
  // The source is as it was; the fork holds the same rows (file records pointing at the fork's own bytes).
  expect(await app.store.dumpProject('seed')).toEqual(before)
  const copied = await dumpAs('copy0')
  expect(copied).toEqual(before)
  const docs = copied.tables.find((t) => t.name === 'docs:main:notes')!
  const perms = copied.tables.find((t) => t.name === 'docs:main:notes:perms')!
  expect([docs.rows.length, perms.rows.length]).toEqual([DOCS, DOCS * 2 + EDITABLE.length * 2])
  // A user of the fork finds the seed's documents through the fulltext index, by their `read("users")` permission.
  expect(await search('copy0', 'needle')).toEqual(needles)
  expect((await app.store.files.list('copy0')).map((f) => f.blob).slice(0, 2)).toEqual(['files/copy0/plain/f0/v1', 'files/copy0/plain/f1/v1'])
  expect(await app.services.blobs.size('files/copy0/plain/f99/v1')).toBe(Buffer.from('file number 99 '.repeat(100)).length)
  // The copy's log is checkpointed off the request (the database file takes its pages), and SQLite's own
  // checkpoints come back.
  for (let i = 0; i < 500 && db.pragma('wal_autocheckpoint', { simple: true }) !== 1000; i++) await new Promise((r) => setTimeout(r, 20))
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  expect(fileSize()).toBeGreaterThan(sizeBefore + 1_000_000)
})

it("a fork's fulltext index follows the fork's own updates and deletes, and the source's stays as it was", async () => {
  const headers = { 'x-appwrite-project': 'copy0', 'content-type': 'application/json', cookie: await reader('copy0') }
  const url = (id: string) => `/v1/databases/main/collections/notes/documents/${id}`
  const writes = [
    await app.server.inject({ method: 'PATCH', url: url('d0'), headers, payload: { data: { body: 'nothing to find' } } }),
    await app.server.inject({ method: 'PATCH', url: url('d1'), headers, payload: { data: { body: 'a needle too' } } }),
    await app.server.inject({ method: 'DELETE', url: url('d200'), headers }),
  ]
  expect(writes.map((w) => w.statusCode)).toEqual([200, 200, 204])
  expect(await search('copy0', 'needle')).toEqual([...needles.filter((id) => id !== 'd0' && id !== 'd200'), 'd1'].sort())
  expect(await search('copy0', 'nothing')).toEqual(['d0'])
  expect(await search('seed', 'needle')).toEqual(needles)
  expect(await search('seed', 'nothing')).toEqual([])
  // The index agrees with every project's rows (FTS5's own check of an external-content table).
  const db = (app.store as SqliteStore).db
  expect(() => db.exec(`INSERT INTO "docs:main:notes:fts:ft_body"("docs:main:notes:fts:ft_body", rank) VALUES ('integrity-check', 1)`)).not.toThrow()
})

it.each([
  ['sparse', (i: number) => i % 4 === 0], // a quarter of its span: read by its index, then sorted
  ['dense', (i: number) => i % 4 !== 0], // three quarters: read by a range of sequences, others' rows skipped
] as const)("a project whose documents lie between another's (%s) forks alike", async (projectId, mine) => {
  const notes = buildSchemas(template).get('main/notes')!
  await app.services.projects.get(projectId)
  await app.services.projects.get('busy')
  const now = '2024-05-01T10:20:30.123+00:00'
  await app.store.transaction(async () => {
    for (let i = 0; i < 400; i++) {
      await app.services.documents.insert({ projectId: mine(i) ? projectId : 'busy', schema: notes }, {
        $id: `${projectId}${i}`, $createdAt: now, $updatedAt: now, $permissions: ['read("users")', `update("user:u${i % 7}")`],
        data: { title: `Mixed ${i}`, body: i % 8 === 0 || i % 8 === 1 ? 'needle' : `body ${i}`, n: i },
      })
    }
  })
  const before = await app.store.dumpProject(projectId)
  const res = await app.server.inject({ method: 'POST', url: `/_emulator/projects/${projectId}/fork`, payload: { projectId: `${projectId}Copy` }, remoteAddress: '127.0.0.1' })
  expect(res.statusCode, res.body).toBe(201)
  const same = (dump: typeof before, from: string) => JSON.parse(JSON.stringify(dump).replaceAll(`files/${from}/`, 'files/seed/'))
  expect(await dumpAs(`${projectId}Copy`)).toEqual(same(before, projectId))
  const mineCount = Array.from({ length: 400 }, (_, i) => i).filter(mine).length
  expect(before.tables.find((t) => t.name === 'docs:main:notes:perms')!.rows).toHaveLength(mineCount * 2)
  // No permission row of another project's document comes along (a dump shows only rows of the project's documents).
  const permissionRows = (app.store as SqliteStore).db.prepare(`SELECT count(*) FROM "docs:main:notes:perms" WHERE _project_id = ?`).pluck()
  expect(permissionRows.get(`${projectId}Copy`)).toBe(mineCount * 2)
  const found = Array.from({ length: 400 }, (_, i) => i).filter((i) => mine(i) && (i % 8 === 0 || i % 8 === 1)).map((i) => `${projectId}${i}`)
  expect(await search(`${projectId}Copy`, 'needle')).toEqual(found.sort())
  expect(await app.store.dumpProject(projectId)).toEqual(before)
})

it('a fork that fails after its rows and bytes were copied leaves no row, no byte and no held checkpoint behind', async () => {
  const store = app.store as SqliteStore
  const copy = store.copyProject.bind(store)
  store.copyProject = async (...args) => {
    await copy(...args)
    throw new Error('the copy failed after its rows')
  }
  try {
    const res = await app.server.inject({ method: 'POST', url: '/_emulator/projects/seed/fork', payload: { projectId: 'failed' }, remoteAddress: '127.0.0.1' })
    expect(res.statusCode).toBe(500)
  } finally {
    store.copyProject = copy
  }
  expect(await store.projects.get('failed', 'failed')).toBeNull()
  expect((await store.dumpProject('failed')).tables).toEqual([])
  expect(await app.services.blobs.list('files/failed')).toEqual([])
  for (let i = 0; i < 500 && store.db.pragma('wal_autocheckpoint', { simple: true }) !== 1000; i++) await new Promise((r) => setTimeout(r, 20))
  expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1000)
  expect(await search('seed', 'needle')).toEqual(needles)
})
