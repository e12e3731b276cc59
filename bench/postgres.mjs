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
import { DURATION, compareToBare, line, startBare, startEmulator } from './lib.mjs'

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

/** Figures for one backend: `args` start the emulator, `seed(project, count)` fills a project. */
async function measure(name, args, seed) {
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
    const docUrl = '/v1/databases/bench/collections/items/documents/doc4242'
    const res = await fetch(`${a.origin}${docUrl}`, { headers })
    const bare = await startBare([{ url: docUrl, status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()).toString('base64') }])
    let getRatio
    try {
      console.log(`\n${name}`)
      line(`listDocuments equal, ${SMALL.toLocaleString('en-US')} docs: p50`, `${small.p50.toFixed(2)} ms`, '', true)
      line(`listDocuments equal, ${BIG.toLocaleString('en-US')} docs: p50`, `${big.p50.toFixed(2)} ms`, '<= 3 ms', big.p50 <= 3)
      line('  p99', `${big.p99.toFixed(2)} ms`, '', true)
      const ratio = big.p50 / Math.max(small.p50, 0.001)
      line(`  ${BIG / 1000}k p50 over ${SMALL / 1000}k p50`, `${ratio.toFixed(2)}x`, '<= 2x', ratio <= 2)
      getRatio = await compareToBare({ name: 'getDocument', url: docUrl, headers, emulator: { origin: a.origin, pid: a.child.pid }, bare, target: 0.3 })
    } finally {
      bare.stop()
    }
    return { a, args: args(dir), file, getRatio }
  } catch (error) {
    a.child.kill()
    throw error
  }
}

/** GET /v1/account: 16 connections on one process, then 8 on each of two processes at once. */
async function twoProcesses(first, startSecond) {
  const headers = await signedIn(first.origin, 'account')
  const one = await load({ url: `${first.origin}/v1/account`, headers, connections: 16, duration: 2 }).then(() => load({ url: `${first.origin}/v1/account`, headers, connections: 16 }))
  const second = await startSecond()
  try {
    await load({ url: `${second.origin}/v1/account`, headers, connections: 8, duration: 2 })
    const both = await Promise.all([first, second].map((p) => load({ url: `${p.origin}/v1/account`, headers, connections: 8 })))
    const sum = both[0].requests.average + both[1].requests.average
    const ratio = sum / one.requests.average
    line('GET /v1/account, two processes over one', `${ratio.toFixed(2)}x`, '>= 1.3x', ratio >= 1.3 && both.every((r) => r.non2xx === 0) && one.non2xx === 0)
    console.log(`    ${sum.toFixed(0)} vs ${one.requests.average.toFixed(0)} req/s (${both.map((r) => r.requests.average.toFixed(0)).join(' + ')})`)
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
  const name = `appwrite_emulator_bench_${process.pid}`
  await admin.query(`CREATE DATABASE ${name}`)
  const url = new URL(ADMIN)
  url.pathname = `/${name}`
  try {
    console.log(`\npostgres vs sqlite (${BIG.toLocaleString('en-US')} documents, ${DURATION}s per run)`)
    // With --bus, as a cluster runs: Redis carries the read cache's invalidations.
    const onPg = await measure('PostgreSQL (--store, --bus)', () => ['--store', url.toString(), '--bus', REDIS, '--in-memory'], (_dir, project, count) => seedPostgres(url.toString(), project, count))
    try {
      await twoProcesses(onPg.a, () => startEmulator(['--config', onPg.file, ...onPg.args]))
    } finally {
      onPg.a.child.kill()
    }
    const onSqlite = await measure('SQLite (default)', (dir) => ['--data', join(dir, 'data')], (dir, project, count) => seedSqlite(join(dir, 'data', 'emulator.sqlite'), project, count))
    onSqlite.a.child.kill()
    console.log(`\ngetDocument, PostgreSQL over SQLite: ${(onPg.getRatio / onSqlite.getRatio).toFixed(2)}x of SQLite's share of bare`)
  } finally {
    await new Promise((r) => setTimeout(r, 300))
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
    await admin.end()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchPostgres()
