// npm run bench, databases section: documents in real SQLite tables under load. Run alone with
// `node bench/databases.mjs` after `npm run build`; bench/run.mjs calls it too.
// Figures: listDocuments `equal` on an indexed attribute over 100,000 and 1,000 documents (p50), getDocument
// against a bare Fastify server returning the same bytes, and createDocument throughput while seeding.
import http from 'node:http'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'
import { DURATION, compareToBare, line, rssMb, startBare, startEmulator, wanted } from './lib.mjs'

const BIG = Number(process.env.BENCH_DOCUMENTS ?? 100_000)
const SMALL = 1_000
const CATEGORIES = 100
// The document getDocument reads: one of the big project's.
const DOC = `doc${Math.min(4242, BIG - 1)}`

const config = {
  projectId: 'bench',
  databases: [{ $id: 'bench', name: 'Bench' }],
  collections: [
    {
      $id: 'items', databaseId: 'bench', name: 'Items', documentSecurity: false,
      $permissions: ['create("any")', 'read("any")'],
      attributes: [
        { key: 'category', type: 'string', size: 32, required: true },
        { key: 'n', type: 'integer', required: true },
        { key: 'title', type: 'string', size: 64, required: false },
      ],
      indexes: [{ key: 'by_category', type: 'key', attributes: ['category'], orders: ['ASC'] }],
    },
  ],
}


async function start() {
  const dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-bench-'))
  const file = join(dir, 'appwrite.json')
  writeFileSync(file, JSON.stringify(config))
  return startEmulator(['--in-memory', '--config', file])
}

/** Creates `count` documents in `project` through the API with 16 connections; returns documents per second. */
async function seed(origin, project, count) {
  let i = 0
  const url = `${origin}/v1/databases/bench/collections/items/documents`
  const t0 = performance.now()
  const result = await new Promise((resolve, reject) =>
    autocannon(
      {
        url,
        connections: 16,
        amount: count,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': project },
        requests: [
          {
            setupRequest(req) {
              const n = i++
              req.body = JSON.stringify({ documentId: `doc${n}`, data: { category: `c${n % CATEGORIES}`, n, title: `Item ${n}` } })
              return req
            },
          },
        ],
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    ),
  )
  const seconds = (performance.now() - t0) / 1000
  if (result.non2xx) throw new Error(`seeding ${project}: ${result.non2xx} non-2xx answers`)
  return count / seconds
}

/** Latency percentiles of `count` sequential GETs on one keep-alive connection, in ms with µs resolution. */
async function latency(url, headers, count = 2000) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  const once = () =>
    new Promise((resolve, reject) => {
      const t0 = performance.now()
      http
        .get(url, { agent, headers }, (res) => {
          res.resume()
          res.on('end', () => (res.statusCode === 200 ? resolve(performance.now() - t0) : reject(new Error(`${url}: ${res.statusCode}`))))
        })
        .on('error', reject)
    })
  for (let i = 0; i < 200; i++) await once()
  const times = []
  for (let i = 0; i < count; i++) times.push(await once())
  agent.destroy()
  times.sort((a, b) => a - b)
  const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))]
  return { p50: at(0.5), p99: at(0.99) }
}

/** listDocuments with `equal` on the indexed attribute (one category of 100). */
function listLatency(origin, project) {
  const queries = encodeURIComponent(JSON.stringify({ method: 'equal', attribute: 'category', values: ['c7'] }))
  return latency(`${origin}/v1/databases/bench/collections/items/documents?queries[]=${queries}`, { 'x-appwrite-project': project })
}

export async function benchDatabases() {
  const { child, origin } = await start()
  try {
    await seed(origin, 'small', SMALL)
    const createRate = await seed(origin, 'big', BIG)
    const small = await listLatency(origin, 'small')
    const big = await listLatency(origin, 'big')

    const headers = { 'x-appwrite-project': 'big' }
    const emulator = { origin, pid: child.pid }
    const base = '/v1/databases/bench/collections/items/documents'
    const listUrl = `${base}?queries[]=${encodeURIComponent(JSON.stringify({ method: 'equal', attribute: 'category', values: ['c7'] }))}`
    // One document created to capture the answer's bytes; the measured creates each get an ID of their own.
    let created = 0
    const createBody = (n) => JSON.stringify({ documentId: `new${n}`, data: { category: 'c1', n, title: `New ${n}` } })
    const createHeaders = { ...headers, 'content-type': 'application/json' }
    const sample = await fetch(`${origin}${base}`, { method: 'POST', headers: createHeaders, body: createBody(created++) })
    const captured = [
      { url: `${base}/${DOC}`, res: await fetch(`${origin}${base}/${DOC}`, { headers }) },
      { url: listUrl, res: await fetch(`${origin}${listUrl}`, { headers }) },
      { url: base, method: 'POST', res: sample },
    ]
    const routes = []
    for (const c of captured) routes.push({ url: c.url, method: c.method, status: c.res.status, headers: Object.fromEntries(c.res.headers), body: Buffer.from(await c.res.arrayBuffer()).toString('base64') })
    const bare = await startBare(routes)
    console.log(`\ndatabases (${BIG.toLocaleString('en-US')} documents, ${DURATION}s per run)\n`)
    line(`createDocument while seeding ${BIG / 1000}k, 16 clients`, `${createRate.toFixed(0)} docs/s`, '>= 5000/s', createRate >= 5000)
    const p50Ratio = big.p50 / Math.max(small.p50, 0.001)
    line(`listDocuments equal, ${SMALL.toLocaleString('en-US')} docs: p50`, `${small.p50.toFixed(2)} ms`, '', true)
    line(`listDocuments equal, ${BIG.toLocaleString('en-US')} docs: p50`, `${big.p50.toFixed(2)} ms`, '<= 2 ms', big.p50 <= 2)
    line('  p99', `${big.p99.toFixed(2)} ms`, '', true)
    line(`  ${BIG / 1000}k p50 over ${SMALL / 1000}k p50`, `${p50Ratio.toFixed(2)}x`, '<= 2x', p50Ratio <= 2)
    try {
      if (wanted('getDocument')) await compareToBare({ name: 'getDocument', url: `${base}/${DOC}`, headers, emulator, bare, target: 0.5 })
      if (wanted('listDocuments')) await compareToBare({ name: 'listDocuments, 25 hits', url: listUrl, headers, emulator, bare, target: 0.3 })
      if (wanted('createDocument')) {
        const load = { method: 'POST', headers: createHeaders, requests: [{ setupRequest: (req) => ({ ...req, body: createBody(created++) }) }] }
        await compareToBare({ name: 'createDocument', url: base, headers: createHeaders, emulator, bare, target: 0.35, load })
      }
    } finally {
      bare.stop()
    }
    const rss = rssMb(child.pid)
    line(`RSS after ${BIG / 1000}k documents and the load`, `${rss.toFixed(0)} MB`, '<= 400 MB', rss <= 400)
  } finally {
    child.kill()
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await benchDatabases()
