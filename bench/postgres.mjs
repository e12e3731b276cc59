// npm run bench, hosted section (issue 18): the PostgreSQL store's figures beside their targets, with SQLite's
// beside them. Run alone with `node bench/postgres.mjs` after `npm run build`; it needs PostgreSQL at
// 127.0.0.1:5432 (BENCH_PG overrides the admin URL) and makes and drops its own database.
// Figures: listDocuments `equal` on an indexed attribute over 100,000 and 1,000 documents (p50), getDocument
// against a bare server returning the same bytes, and GET /v1/account on one process and on two at once.
import http from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { DURATION, cannonCpu, startBare, startEmulator } from './lib.mjs'

const require = createRequire(import.meta.url)
const pg = require('pg')
const Database = require('better-sqlite3')

const ADMIN = process.env.BENCH_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
const REDIS = process.env.BENCH_REDIS ?? 'redis://127.0.0.1:6379'
const BIG = Number(process.env.BENCH_DOCUMENTS ?? 100_000)
const SMALL = 1_000
const TABLE = 'docs:bench:items'
const config = {
  projectId: 'bench',
  databases: [{ $id: 'bench', name: 'Bench' }],
  collections: [{
    $id: 'items', databaseId: 'bench', name: 'Items', documentSecurity: false, $permissions: ['create("any")', 'read("any")'],
    attributes: [{ key: 'category', type: 'string', size: 32, required: true }, { key: 'n', type: 'integer', required: true }, { key: 'title', type: 'string', size: 64, required: false }],
    indexes: [{ key: 'by_category', type: 'key', attributes: ['category'], orders: ['ASC'] }],
  }],
}

/** Sequential GETs on one keep-alive connection: p50 and p99 in ms. */
async function latency(url, headers, count = 2000) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const once = () => new Promise((resolve, reject) => {
    const t0 = performance.now()
    http.get(url, { agent, headers }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`${url}: ${res.statusCode}`))))
    }).on('error', reject)
  })
  for (let i = 0; i < 200; i++) await once()
  const times = []
  for (let i = 0; i < count; i++) times.push(await once())
  agent.destroy()
  times.sort((a, b) => a - b)
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] }
}

const listUrl = (origin, project) => `${origin}/v1/databases/bench/collections/items/documents?queries[]=${encodeURIComponent(JSON.stringify({ method: 'equal', attribute: 'category', values: ['c7'] }))}`
const created = '2024-01-01T00:00:00.000+00:00'
const DOC_URL = '/v1/databases/bench/collections/items/documents/doc4242'

/** Rows straight into the documents table (the API would take minutes for 100k); the figures are about reads. */
async function seedPostgres(url, project, count) {
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  await client.query(`INSERT INTO "${TABLE}" (_project_id, _uid, "_createdAt", "_updatedAt", _permissions, category, n, title)
    SELECT $1, 'doc' || g, $2, $2, '[]', 'c' || (g % 100), g, 'Item ' || g FROM generate_series(0, $3 - 1) g`, [project, created, count])
  // As autovacuum leaves a table in steady state (visibility map set, so counts can read the index alone).
  await client.query(`VACUUM ANALYZE "${TABLE}"`)
  await client.end()
}

function seedSqlite(file, project, count) {
  const db = new Database(file)
  const insert = db.prepare(`INSERT INTO "${TABLE}" (_project_id, _uid, _createdAt, _updatedAt, _permissions, category, n, title) VALUES (?, ?, ?, ?, '[]', ?, ?, ?)`)
  db.transaction(() => {
    for (let g = 0; g < count; g++) insert.run(project, `doc${g}`, created, created, `c${g % 100}`, g, `Item ${g}`)
  })()
  db.exec(`ANALYZE`)
  db.close()
}

/** A user with a session in `project`; the Cookie header for GET /v1/account. */
async function signedIn(origin, project) {
  const headers = { 'content-type': 'application/json', 'x-appwrite-project': project }
  await fetch(`${origin}/v1/account`, { method: 'POST', headers, body: JSON.stringify({ userId: 'bench', email: 'bench@example.test', password: 'bench-password' }) })
  const login = await fetch(`${origin}/v1/account/sessions/email`, { method: 'POST', headers, body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password' }) })
  return { 'x-appwrite-project': project, cookie: login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ') }
}

const load = (opts) => new Promise((resolve, reject) => autocannon({ duration: DURATION, ...opts }, (err, res) => (err ? reject(err) : resolve(res))))

/** Figures for one backend: `args` start the emulator, `seed(project, count)` fills a project. Prints nothing. */
async function measure(args, seed) {
  const dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-bench-pg-'))
  const file = join(dir, 'appwrite.json')
  writeFileSync(file, JSON.stringify(config))
  const a = await startEmulator(['--config', file, ...args(dir)])
  try {
    // The projects exist (and their tables) before rows go in.
    for (const project of ['small', 'big']) await fetch(listUrl(a.origin, project), { headers: { 'x-appwrite-project': project } })
    await seed(dir, 'small', SMALL)
    await seed(dir, 'big', BIG)
    const small = await latency(listUrl(a.origin, 'small'), { 'x-appwrite-project': 'small' })
    const big = await latency(listUrl(a.origin, 'big'), { 'x-appwrite-project': 'big' })
    const headers = { 'x-appwrite-project': 'big' }
    const res = await fetch(`${a.origin}${DOC_URL}`, { headers })
    const bare = await startBare([{ url: DOC_URL, status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()).toString('base64') }])
    try {
      const emu = await cannonCpu({ url: `${a.origin}${DOC_URL}`, headers }, a.child.pid)
      const base = await cannonCpu({ url: `${bare.origin}${DOC_URL}`, headers }, bare.pid)
      return { a, args: args(dir), file, small, big, get: { emu, base, ratio: emu.requests.average / base.requests.average, ok: emu.non2xx === 0 && base.non2xx === 0 } }
    } finally {
      bare.stop()
    }
  } catch (error) {
    a.child.kill()
    throw error
  }
}

/**
 * GET /v1/account: 16 connections on one process, then 8 on each of two processes at once, in three alternating
 * rounds (the machine's other load moves between them; the median ratio is the figure). Each autocannon runs in
 * its own worker thread, so the load generator is not one event loop for both processes.
 */
async function twoProcesses(first, startSecond) {
  const headers = await signedIn(first.origin, 'account')
  const second = await startSecond()
  try {
    const url = (p) => `${p.origin}/v1/account`
    for (const p of [first, second]) await load({ url: url(p), headers, connections: 8, duration: 2, workers: 1 })
    const rounds = []
    for (let round = 0; round < 3; round++) {
      const one = await load({ url: url(first), headers, connections: 16, workers: 1 })
      const both = await Promise.all([first, second].map((p) => load({ url: url(p), headers, connections: 8, workers: 1 })))
      const sum = both[0].requests.average + both[1].requests.average
      rounds.push({ ratio: sum / one.requests.average, one: one.requests.average, both: both.map((r) => r.requests.average), ok: one.non2xx === 0 && both.every((r) => r.non2xx === 0) })
    }
    return { rounds, median: [...rounds].sort((a, b) => a.ratio - b.ratio)[1] }
  } finally {
    second.child.kill()
  }
}

export async function benchPostgres() {
  const admin = new pg.Client({ connectionString: ADMIN })
  try {
    await admin.connect()
  } catch (error) {
    console.log(`\npostgres: skipped, PostgreSQL does not answer at ${ADMIN}: ${error.message}`)
    return
  }
  const { Redis } = require('ioredis')
  const redis = new Redis(REDIS, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null })
  redis.on('error', () => {})
  const redisDown = await redis.connect().then(() => redis.ping()).then(() => null, (error) => error.message)
  redis.disconnect()
  if (redisDown) {
    await admin.end()
    console.log(`\npostgres: skipped, Redis does not answer at ${REDIS}: ${redisDown}`)
    return
  }
  const name = `appwrite_emulator_bench_${process.pid}`
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(ADMIN)
  url.pathname = `/${name}`
  try {
    // With --bus, as a cluster runs: Redis carries the read cache's invalidations.
    const onPg = await measure(() => ['--store', url.toString(), '--bus', REDIS, '--in-memory'], (_dir, project, count) => seedPostgres(url.toString(), project, count))
    let two
    try {
      two = await twoProcesses(onPg.a, () => startEmulator(['--config', onPg.file, ...onPg.args]))
    } finally {
      onPg.a.child.kill()
    }
    const onSqlite = await measure((dir) => ['--data', join(dir, 'data')], (dir, project, count) => seedSqlite(join(dir, 'data', 'emulator.sqlite'), project, count))
    onSqlite.a.child.kill()

    console.log(`\npostgres (--store, --bus) beside SQLite (${BIG.toLocaleString('en-US')} documents, ${DURATION}s per run)`)
    const row = (name, value, target, ok, sqlite) => console.log(`${name.padEnd(44)} ${value.padStart(14)}   target ${target.padEnd(12)} ${ok ? 'ok    ' : 'MISSED'}   SQLite ${sqlite}`)
    const ms = (n) => `${n.toFixed(2)} ms`
    const growth = (f) => f.big.p50 / Math.max(f.small.p50, 0.001)
    const share = (f) => `${(f.get.ratio * 100).toFixed(0)} % of bare`
    row(`listDocuments equal, ${SMALL.toLocaleString('en-US')} docs: p50`, ms(onPg.small.p50), '', true, ms(onSqlite.small.p50))
    row(`listDocuments equal, ${BIG.toLocaleString('en-US')} docs: p50`, ms(onPg.big.p50), '<= 3 ms', onPg.big.p50 <= 3, ms(onSqlite.big.p50))
    row('  p99', ms(onPg.big.p99), '', true, ms(onSqlite.big.p99))
    row(`  ${BIG / 1000}k p50 over ${SMALL / 1000}k p50`, `${growth(onPg).toFixed(2)}x`, '<= 2x', growth(onPg) <= 2, `${growth(onSqlite).toFixed(2)}x`)
    row('getDocument', share(onPg), '>= 30 %', onPg.get.ok && onPg.get.ratio >= 0.3, share(onSqlite))
    const detail = (f) => `${f.get.emu.requests.average.toFixed(0)} vs ${f.get.base.requests.average.toFixed(0)} req/s, CPU ${f.get.emu.cpuPerRequest?.toFixed(0) ?? '?'} vs ${f.get.base.cpuPerRequest?.toFixed(0) ?? '?'} µs/req`
    console.log(`    ${detail(onPg)}; SQLite ${detail(onSqlite)}`)
    row('GET /v1/account, two processes over one', `${two.median.ratio.toFixed(2)}x`, '>= 1.3x', two.median.ratio >= 1.3 && two.rounds.every((r) => r.ok), 'one process only')
    console.log(`    median of ${two.rounds.map((r) => `${r.ratio.toFixed(2)}x`).join(', ')}; its round: ${two.median.both.map((n) => n.toFixed(0)).join(' + ')} vs ${two.median.one.toFixed(0)} req/s`)
  } finally {
    await new Promise((r) => setTimeout(r, 300))
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPostgres()
