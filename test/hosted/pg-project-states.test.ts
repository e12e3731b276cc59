// Snapshots, forks and export/import (issue 17's control API) on the PostgreSQL store (issue 18): the same
// semantics as on SQLite, and archives that move between the two backends.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { extract } from 'tar-stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp, type App } from '../../src/app.js'
import { parseAppwriteJson } from '../../src/config/appwrite-json.js'
import { DiskBlobStore } from '../../src/files/disk-blob-store.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import type { Store } from '../../src/store/types.js'
import { call, sessionCookie } from './cluster.js'
import { createDatabase, describeWith, type FreshDatabase } from './pg-harness.js'
import { expectControl, testFeaturesConfig } from '../control/support.js'

interface Running {
  app: App
  origin: string
}

async function start(store: Store, dir: string): Promise<Running> {
  const template = parseAppwriteJson(testFeaturesConfig, join(dir, 'appwrite.json'))
  const app = await buildApp({ store, template, blobs: new DiskBlobStore(join(dir, 'files')) })
  await app.server.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.server.address() as { port: number }
  return { app, origin: `http://127.0.0.1:${port}` }
}

const NOTES = '/v1/databases/main/collections/notes/documents'
const search = (word: string) => `?queries[]=${encodeURIComponent(JSON.stringify({ method: 'search', attribute: 'body', values: [word] }))}`

/** Signs up (or in) `userId` in `project` and returns its session cookie. */
async function signIn(origin: string, project: string, userId: string): Promise<string> {
  const email = `${userId}@example.test`
  await call(origin, 'POST', '/v1/account', { project, body: { userId, email, password: 'password-123' } })
  const res = await call(origin, 'POST', '/v1/account/sessions/email', { project, body: { email, password: 'password-123' } })
  expect(res.status, res.text).toBe(201)
  return sessionCookie(res.headers)
}

async function createNote(origin: string, project: string, cookie: string, id: string, body: string, permissions: string[]) {
  const res = await call(origin, 'POST', NOTES, { project, cookie, body: { documentId: id, data: { title: id, body, n: id.length }, permissions } })
  expect(res.status, res.text).toBe(201)
}

async function upload(origin: string, project: string, cookie: string, bucket: string, id: string, text: string) {
  const form = new FormData()
  form.set('fileId', id)
  form.set('file', new Blob([text], { type: 'text/plain' }), `${id}.txt`)
  const res = await call(origin, 'POST', `/v1/storage/buckets/${bucket}/files`, { project, cookie, body: form })
  expect(res.status, res.text).toBe(201)
}

/** What a user of the project sees: documents found by a search (IDs and permissions) and their file's bytes. */
async function view(origin: string, project: string, cookie: string) {
  const found = await call(origin, 'GET', NOTES + search('apple'), { project, cookie })
  const all = await call(origin, 'GET', NOTES, { project, cookie })
  const file = await call(origin, 'GET', '/v1/storage/buckets/photos/files/pic/view', { project, cookie })
  const plain = await call(origin, 'GET', '/v1/storage/buckets/plain/files/doc/view', { project, cookie })
  return {
    found: found.body.documents?.map((d: any) => d.$id),
    all: all.body.documents?.map((d: any) => [d.$id, d.$permissions, d.body]),
    file: [file.status, file.text],
    plain: [plain.status, plain.text],
  }
}

/** Seeds `project`: a user with private and shared notes (fulltext), an encrypted and a plain file. */
async function seed(origin: string, project: string): Promise<string> {
  const cookie = await signIn(origin, project, 'alice')
  await createNote(origin, project, cookie, 'n1', 'apple pie recipe', ['read("user:alice")', 'update("user:alice")'])
  await createNote(origin, project, cookie, 'n2', 'banana bread', ['read("users")'])
  await createNote(origin, project, cookie, 'n3', 'apple crumble', ['read("users")', 'delete("user:alice")'])
  await upload(origin, project, cookie, 'photos', 'pic', 'encrypted bytes '.repeat(50))
  await upload(origin, project, cookie, 'plain', 'doc', 'plain bytes')
  return cookie
}

/** Changes everything `seed` made. */
async function change(origin: string, project: string, cookie: string) {
  await createNote(origin, project, cookie, 'n4', 'apple tart', ['read("users")'])
  expect((await call(origin, 'DELETE', `${NOTES}/n3`, { project, cookie })).status).toBe(204)
  expect((await call(origin, 'PATCH', `${NOTES}/n1`, { project, cookie, body: { data: { body: 'pear' }, permissions: ['read("any")', 'update("user:alice")'] } })).status).toBe(200)
  expect((await call(origin, 'DELETE', '/v1/storage/buckets/plain/files/doc', { project, cookie })).status).toBe(204)
  await signIn(origin, project, 'bob')
}

async function exportTar(origin: string, project: string): Promise<Buffer> {
  const res = await fetch(`${origin}/_emulator/projects/${project}/export`)
  expect(res.status).toBe(200)
  return Buffer.from(await res.arrayBuffer())
}

async function importTar(origin: string, project: string, tar: Buffer) {
  const res = await fetch(`${origin}/_emulator/projects/${project}/import`, { method: 'POST', body: new Uint8Array(tar), headers: { 'content-type': 'application/x-tar' } })
  return { status: res.status, body: await res.json() }
}

/** An archive's entries by name (the manifest without its date). */
async function entries(tar: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>()
  const reader = extract()
  reader.end(tar)
  for await (const entry of reader) {
    const parts: Buffer[] = []
    for await (const chunk of entry) parts.push(chunk as Buffer)
    const text = Buffer.concat(parts).toString('latin1')
    out.set(entry.header.name, entry.header.name === 'manifest.json' ? text.replace(/"exportedAt": "[^"]*"/, '') : text)
  }
  return out
}

describeWith(['postgres'], 'snapshots, forks and archives on PostgreSQL', () => {
  let db: FreshDatabase
  let dir: string
  let pg: Running
  let sqlite: Running
  beforeAll(async () => {
    db = await createDatabase()
    dir = mkdtempSync(join(tmpdir(), 'awe-pg-states-'))
    pg = await start(await PostgresStore.connect(db.url), join(dir, 'pg'))
    sqlite = await start(SqliteStore.open(join(dir, 'sqlite', 'emulator.sqlite')), join(dir, 'sqlite'))
  })
  afterAll(async () => {
    for (const r of [pg, sqlite]) {
      await r?.app.server.close()
      await r?.app.store.close()
    }
    await db?.drop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('snapshot → change → restore puts back every row, permission, search hit and file', async () => {
    const { origin, app } = pg
    const cookie = await seed(origin, 'snap')
    const before = await app.store.dumpProject('snap')
    const seen = await view(origin, 'snap', cookie)
    expect(seen.found).toEqual(['n1', 'n3'])
    const { $id } = await expectControl(origin, 'POST', '/projects/snap/snapshots', undefined, 201)
    await change(origin, 'snap', cookie)
    expect((await view(origin, 'snap', cookie)).found).toEqual(['n4'])
    await expectControl(origin, 'POST', `/projects/snap/snapshots/${$id}/restore`, undefined, 204)
    expect(await app.store.dumpProject('snap')).toEqual(before)
    expect(await view(origin, 'snap', cookie)).toEqual(seen)
    // Restoring again (the snapshot stays) gives the same state once more.
    await change(origin, 'snap', cookie)
    await expectControl(origin, 'POST', `/projects/snap/snapshots/${$id}/restore`, undefined, 204)
    expect(await app.store.dumpProject('snap')).toEqual(before)
  })

  it("a fork sees the seed, and its changes stay out of the original", async () => {
    const { origin, app } = pg
    const cookie = await seed(origin, 'seed')
    const before = await app.store.dumpProject('seed')
    const seen = await view(origin, 'seed', cookie)
    await expectControl(origin, 'POST', '/projects/seed/fork', { projectId: 'forked' }, 201)
    const forkCookie = await signIn(origin, 'forked', 'alice')
    expect(await view(origin, 'forked', forkCookie)).toEqual(seen)
    // Another user of the fork sees only what `read("users")` grants.
    const bob = await signIn(origin, 'forked', 'bob')
    expect((await call(origin, 'GET', NOTES + search('apple'), { project: 'forked', cookie: bob })).body.documents.map((d: any) => d.$id)).toEqual(['n3'])
    await change(origin, 'forked', forkCookie)
    expect((await view(origin, 'forked', forkCookie)).found).toEqual(['n4'])
    expect((await view(origin, 'forked', forkCookie)).plain[0]).toBe(404)
    expect(await view(origin, 'seed', cookie)).toEqual(seen)
    expect(await app.store.dumpProject('seed')).toEqual(before)
    const files = await app.store.files.list('forked')
    expect(files.map((f) => f.blob.split('/').slice(0, 2).join('/'))).toEqual(['files/forked'])
  })

  it('export → import round-trips byte for byte, into the project and into another one', async () => {
    const { origin, app } = pg
    const cookie = await seed(origin, 'arch')
    const before = await app.store.dumpProject('arch')
    const seen = await view(origin, 'arch', cookie)
    const tar = await exportTar(origin, 'arch')
    await change(origin, 'arch', cookie)
    const imported = await importTar(origin, 'arch', tar)
    expect(imported).toMatchObject({ status: 200, body: { projectId: 'arch', files: 2 } })
    expect(await app.store.dumpProject('arch')).toEqual(before)
    expect(await view(origin, 'arch', cookie)).toEqual(seen)
    expect(await entries(await exportTar(origin, 'arch'))).toEqual(await entries(tar))
    // Into another project: the file records follow the bytes.
    expect((await importTar(origin, 'other', tar)).status).toBe(200)
    const otherCookie = await signIn(origin, 'other', 'alice')
    expect(await view(origin, 'other', otherCookie)).toEqual(seen)
  })

  it('a failed restore or import leaves the project as it was', async () => {
    const { origin, app } = pg
    const cookie = await seed(origin, 'fail')
    const { $id } = await expectControl(origin, 'POST', '/projects/fail/snapshots', undefined, 201)
    const tar = await exportTar(origin, 'fail')
    await change(origin, 'fail', cookie)
    const before = await app.store.dumpProject('fail')
    const seen = await view(origin, 'fail', cookie)
    // A restore failing after the rows were copied.
    const copy = app.store.copyProject.bind(app.store)
    app.store.copyProject = async (...args) => {
      await copy(...args)
      throw new Error('disk full')
    }
    try {
      expect((await call(origin, 'POST', `/_emulator/projects/fail/snapshots/${$id}/restore`)).status).toBe(500)
    } finally {
      app.store.copyProject = copy
    }
    expect(await app.store.dumpProject('fail')).toEqual(before)
    expect(await view(origin, 'fail', cookie)).toEqual(seen)
    // An archive of another schema (a table this config lacks), and one with a value PostgreSQL's column type refuses
    // (text for an integer), met part-way through the load.
    const foreign = await rewriteTar(tar, (name, text) => (name === 'tables/docs%3Amain%3Anotes.jsonl' ? [[name, text], ['tables/docs%3Amain%3Agone.jsonl', text]] : [[name, text]]))
    const refused = await importTar(origin, 'fail', foreign)
    expect([refused.status, refused.body.type, refused.body.message]).toEqual([400, 'general_argument_invalid', expect.stringMatching(/does not fit this emulator's schema: the archive has rows for "docs:main:gone"/)])
    const broken = await rewriteTar(tar, (name, text) => [[name, name === 'tables/docs%3Amain%3Anotes.jsonl' ? text.replace(/,(\d+)\]\n$/, ',"$1 as text"]\n') : text]])
    expect(broken.toString('latin1')).toMatch(/"\d+ as text"\]/)
    const typed = await importTar(origin, 'fail', broken)
    expect([typed.status, typed.body.type, typed.body.message]).toEqual([400, 'general_argument_invalid', expect.stringMatching(/a row of "docs:main:notes" does not fit its columns \(invalid input syntax for type bigint/)])
    expect(await app.store.dumpProject('fail')).toEqual(before)
    expect(await view(origin, 'fail', cookie)).toEqual(seen)
    // Rows that break a constraint of the store (a document ID twice), on both stores: 400, nothing changed.
    const twice = await rewriteTar(tar, (name, text) => [[name, name === 'tables/docs%3Amain%3Anotes.jsonl' ? text + text.split('\n').filter(Boolean).slice(1).join('\n') + '\n' : text]])
    for (const { origin: at, app: on, project } of [{ ...pg, project: 'fail' }, { ...sqlite, project: 'fail' }]) {
      await fetch(`${at}/_emulator/projects/${project}/users`) // provisioned from the config, as any first use does
      const kept = await on.store.dumpProject(project)
      const dup = await importTar(at, project, twice)
      expect([dup.status, dup.body.type, dup.body.message]).toEqual([400, 'general_argument_invalid', expect.stringMatching(/does not fit this emulator's schema: rows of "docs:main:notes" do not fit together/)])
      expect(await on.store.dumpProject(project)).toEqual(kept)
    }
  })

  it('an archive from SQLite loads into PostgreSQL and back, byte for byte', async () => {
    const cookie = await seed(sqlite.origin, 'moved')
    const seen = await view(sqlite.origin, 'moved', cookie)
    const fromSqlite = await exportTar(sqlite.origin, 'moved')
    expect((await importTar(pg.origin, 'moved', fromSqlite)).status).toBe(200)
    // The sessions moved with the rows: the same cookie works on PostgreSQL.
    expect(await view(pg.origin, 'moved', cookie)).toEqual(seen)
    const fromPg = await exportTar(pg.origin, 'moved')
    expect(await entries(fromPg)).toEqual(await entries(fromSqlite))
    await change(sqlite.origin, 'moved', cookie)
    expect((await importTar(sqlite.origin, 'moved', fromPg)).status).toBe(200)
    expect(await view(sqlite.origin, 'moved', cookie)).toEqual(seen)
    expect(await entries(await exportTar(sqlite.origin, 'moved'))).toEqual(await entries(fromSqlite))
  })
})

/** A copy of an archive with its entries mapped by `edit` (each to zero or more entries). */
async function rewriteTar(tar: Buffer, edit: (name: string, text: string) => [string, string][]): Promise<Buffer> {
  const { pack } = await import('tar-stream')
  const out = pack()
  const reader = extract()
  reader.end(tar)
  for await (const entry of reader) {
    const parts: Buffer[] = []
    for await (const chunk of entry) parts.push(chunk as Buffer)
    const bytes = Buffer.concat(parts)
    const mapped: [string, Buffer][] = entry.header.name.startsWith('tables/')
      ? edit(entry.header.name, bytes.toString('utf8')).map(([n, t]) => [n, Buffer.from(t)])
      : [[entry.header.name, bytes]]
    for (const [name, b] of mapped) out.entry({ name, size: b.length }, b)
  }
  out.finalize()
  const chunks: Buffer[] = []
  for await (const chunk of out as unknown as AsyncIterable<Buffer>) chunks.push(chunk)
  return Buffer.concat(chunks)
}
