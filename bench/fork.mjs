// The fork section (issue 17): how long `POST /_emulator/projects/{id}/fork` takes for a project of 10,000
// documents (with permissions and a fulltext index) and 100 files on disk, as `--data` keeps them.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { buildApp } from '../dist/app.js'
import { parseAppwriteJson } from '../dist/config/appwrite-json.js'
import { DiskBlobStore } from '../dist/files/disk-blob-store.js'
import { buildSchemas } from '../dist/store/documents/schema.js'
import { SqliteStore } from '../dist/store/sqlite/sqlite-store.js'
import { line } from './lib.mjs'

/**
 * This thread's time on a CPU, in ms (Linux's schedstat; null elsewhere): on a shared machine a request's wall
 * time includes waiting for a CPU, so the CPU it used says more about the code.
 */
const SCHEDSTAT = `/proc/self/task/${process.pid}/schedstat`
const cpuMs = existsSync(SCHEDSTAT) ? () => Number(readFileSync(SCHEDSTAT, 'utf8').split(' ')[0]) / 1e6 : () => null
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]
const ms = (value) => (value === null ? 'n/a' : `${value.toFixed(1)} ms`)

const DOCS = 10_000
const FILES = 100
const config = {
  projectId: 'seed',
  databases: [{ $id: 'main', name: 'Main', enabled: true }],
  collections: [{
    $id: 'notes', databaseId: 'main', name: 'Notes', enabled: true, documentSecurity: true, $permissions: ['create("users")'],
    attributes: [{ key: 'title', type: 'string', size: 64, required: true }, { key: 'body', type: 'string', size: 1000, required: false }, { key: 'n', type: 'integer', required: false }],
    indexes: [{ key: 'ft_body', type: 'fulltext', attributes: ['body'], orders: [] }],
  }],
  buckets: [{ $id: 'plain', name: 'Plain', enabled: true, $permissions: ['read("any")'], fileSecurity: false, maximumFileSize: 30_000_000, allowedFileExtensions: [], compression: 'none', encryption: false, antivirus: true }],
}

export async function benchFork() {
  const dir = mkdtempSync(join(tmpdir(), 'awe-bench-fork-'))
  const template = parseAppwriteJson(config, join(dir, 'appwrite.json'))
  const store = SqliteStore.open(join(dir, 'emulator.sqlite'))
  const app = await buildApp({ store, template, blobs: new DiskBlobStore(join(dir, 'files')) })
  try {
    await app.server.ready()
    await app.services.projects.get('seed')
    const notes = buildSchemas(template).get('main/notes')
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
      const record = {
        id: `plain/f${i}`, bucketId: 'plain', fileId: `f${i}`, createdAt: now, updatedAt: now, permissions: [], name: `f${i}.txt`,
        signature: '', mimeType: 'text/plain', sizeOriginal: bytes.length, sizeActual: bytes.length, chunksTotal: 1, chunksUploaded: 1,
        chunkSize: 0, chunksReceived: [], algorithm: 'none', encrypted: false, antivirus: true, blob,
      }
      await store.transaction(() => store.files.insert('seed', record))
    }
    const timings = []
    const cpu = []
    for (let round = 0; round < 7; round++) {
      const started = performance.now()
      const cpuStarted = cpuMs()
      const res = await app.server.inject({ method: 'POST', url: '/_emulator/projects/seed/fork', payload: { projectId: `copy${round}` }, remoteAddress: '127.0.0.1' })
      timings.push(performance.now() - started)
      if (cpuStarted !== null) cpu.push(cpuMs() - cpuStarted)
      if (res.statusCode !== 201) throw new Error(`fork answered ${res.statusCode}: ${res.body}`)
    }
    // The SQL copy alone (rows of every table, no bytes, no HTTP), and its commit, in isolation.
    const copies = []
    const commits = []
    for (let round = 0; round < 7; round++) {
      const started = performance.now()
      let copied = 0
      await store.transaction(async () => {
        await store.copyProject('seed', `sql${round}`, { blobPrefixes: [['files/seed/', `files/sql${round}/`], ['uploads/seed/', `uploads/sql${round}/`]] })
        copied = performance.now()
      })
      copies.push(copied - started)
      commits.push(performance.now() - copied)
    }
    const sorted = [...timings].sort((a, b) => a - b)
    console.log(`\nfork (${DOCS.toLocaleString('en')} documents + ${FILES} files on disk)\n`)
    line('fork, best of 7', `${sorted[0].toFixed(1)} ms`, '<= 100 ms', sorted[0] <= 100)
    line('fork, median of 7', `${sorted[3].toFixed(1)} ms`, '', true)
    line('  main thread CPU per fork, median', ms(cpu.length ? median(cpu) : null), '', true)
    line('  SQL copy alone (copyProject), median', ms(median(copies)), '', true)
    line('  its commit, median', ms(median(commits)), '', true)
  } finally {
    await app.server.close()
    await store.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
