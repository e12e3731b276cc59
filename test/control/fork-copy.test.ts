import { mkdtempSync, rmSync } from 'node:fs'
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
let dir: string
let app: App

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-fork-'))
  const template = parseAppwriteJson(testFeaturesConfig, join(dir, 'appwrite.json'))
  const store = SqliteStore.open(join(dir, 'emulator.sqlite'))
  app = await buildApp({ store, template, blobs: new DiskBlobStore(join(dir, 'files')) })
  await app.server.ready()
  await app.services.projects.get('seed')
  const notes = buildSchemas(template).get('main/notes')!
  const now = '2024-05-01T10:20:30.123+00:00'
  await store.transaction(async () => {
    for (let i = 0; i < DOCS; i++) {
      await app.services.documents.insert({ projectId: 'seed', schema: notes }, {
        $id: `d${i}`, $createdAt: now, $updatedAt: now, $permissions: [`read("user:u${i % 50}")`, 'read("users")'],
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

it(`a fork of ${DOCS} documents and ${FILES} files copies rows, permissions, the fulltext index and the bytes`, async () => {
  const res = await app.server.inject({ method: 'POST', url: '/_emulator/projects/seed/fork', payload: { projectId: 'copy0' }, remoteAddress: '127.0.0.1' })
  expect(res.statusCode, res.body).toBe(201)
  // A user of the fork finds the seed's documents through the fulltext index, by their `read("users")` permission.
  const headers = { 'x-appwrite-project': 'copy0', 'content-type': 'application/json' }
  await app.server.inject({ method: 'POST', url: '/v1/account', headers, payload: { userId: 'reader', email: 'r@example.test', password: 'password123' } })
  const session = await app.server.inject({ method: 'POST', url: '/v1/account/sessions/email', headers, payload: { email: 'r@example.test', password: 'password123' } })
  const cookie = String(session.headers['set-cookie']).split(';')[0]!
  const search = encodeURIComponent(JSON.stringify({ method: 'search', attribute: 'body', values: ['needle'] }))
  const list = await app.server.inject({ method: 'GET', url: `/v1/databases/main/collections/notes/documents?queries[]=${search}`, headers: { ...headers, cookie } })
  expect([list.statusCode, JSON.parse(list.body).total]).toEqual([200, DOCS / 100])
  const counted = await app.store.dumpProject('copy0')
  const docs = counted.tables.find((t) => t.name === 'docs:main:notes')!
  const perms = counted.tables.find((t) => t.name === 'docs:main:notes:perms')!
  expect([docs.rows.length, perms.rows.length]).toEqual([DOCS, DOCS * 2])
  expect((await app.store.files.list('copy0')).map((f) => f.blob).slice(0, 2)).toEqual(['files/copy0/plain/f0/v1', 'files/copy0/plain/f1/v1'])
  expect(await app.services.blobs.size('files/copy0/plain/f99/v1')).toBe(Buffer.from('file number 99 '.repeat(100)).length)
})
