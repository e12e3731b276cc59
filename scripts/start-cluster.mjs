// npm run start:cluster: two emulator processes on two ports sharing one PostgreSQL database, one Redis and one
// file folder (README, "Hosted and multi-process"). It creates the database when it is missing, prints both
// endpoints once both answer, forwards SIGINT/SIGTERM to both and exits when they have exited.
//
//   node scripts/start-cluster.mjs [--ports 8081,8082] [--store postgres://…] [--bus redis://…] [--files <dir>]
//                                  [--cli <cli.cjs>] [-- <more appwrite-emulator start options for both>]
//
// Defaults: ports 8081,8082 (APPWRITE_EMULATOR_CLUSTER_PORTS); store postgres://postgres@127.0.0.1:5432/
// appwrite_emulator_cluster (APPWRITE_EMULATOR_STORE); bus redis://127.0.0.1:6379 (APPWRITE_EMULATOR_BUS); files
// .appwrite-emulator-cluster/files (APPWRITE_EMULATOR_FILES); each process's --data is
// .appwrite-emulator-cluster/<port>. Exit code: 0 when both stopped cleanly after a signal, 1 otherwise.
import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'

const ROOT = resolve(import.meta.dirname, '..')
const require = createRequire(import.meta.url)
const READY_MS = 60_000
const STOP_MS = 10_000

const dashes = process.argv.indexOf('--', 2)
const own = dashes === -1 ? process.argv.slice(2) : process.argv.slice(2, dashes)
const passThrough = dashes === -1 ? [] : process.argv.slice(dashes + 1)

function fail(message) {
  process.stderr.write(`start-cluster: ${message}\n`)
  process.exit(1)
}

let values
try {
  ;({ values } = parseArgs({
    args: own,
    options: { ports: { type: 'string' }, store: { type: 'string' }, bus: { type: 'string' }, files: { type: 'string' }, cli: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  }))
} catch (error) {
  fail(`${error.message} (see the top of scripts/start-cluster.mjs)`)
}
if (values.help) {
  process.stdout.write('usage: node scripts/start-cluster.mjs [--ports 8081,8082] [--store postgres://…] [--bus redis://…] [--files <dir>] [--cli <cli.cjs>] [-- <start options>]\n')
  process.exit(0)
}

const ports = (values.ports ?? process.env.APPWRITE_EMULATOR_CLUSTER_PORTS ?? '8081,8082').split(',').map((p) => p.trim())
if (ports.length !== 2 || ports.some((p) => !/^\d+$/.test(p) || Number(p) < 1 || Number(p) > 65535) || ports[0] === ports[1]) {
  fail(`--ports must be two different ports such as 8081,8082, got "${ports.join(',')}"`)
}
const store = values.store ?? process.env.APPWRITE_EMULATOR_STORE ?? 'postgres://postgres@127.0.0.1:5432/appwrite_emulator_cluster'
const bus = values.bus ?? process.env.APPWRITE_EMULATOR_BUS ?? 'redis://127.0.0.1:6379'
const home = resolve('.appwrite-emulator-cluster')
const files = resolve(values.files ?? process.env.APPWRITE_EMULATOR_FILES ?? join(home, 'files'))
const cli = resolve(values.cli ?? join(ROOT, 'dist/bundle/cli.cjs'))

/** Creates the store's database on its server when it does not exist yet (through the server's `postgres` database). */
async function ensureDatabase(url) {
  let target
  try {
    target = new URL(url)
  } catch {
    fail(`--store must be a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/appwrite_emulator_cluster, got "${url}"`)
  }
  const name = decodeURIComponent(target.pathname.slice(1))
  if (!/^[A-Za-z_][A-Za-z0-9_$-]{0,62}$/.test(name)) fail(`the store URL must name a database (letters, digits, _, $ or -), got "${name}"`)
  const pg = require('pg')
  const admin = new URL(url)
  admin.pathname = '/postgres'
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])
    if (rowCount === 0) {
      await client.query(`CREATE DATABASE "${name}"`).catch((error) => {
        if (error.code !== '42P04') throw error // made meanwhile by someone else: fine
      })
      process.stdout.write(`start-cluster: created the database ${name}\n`)
    }
  } catch (error) {
    fail(`cannot prepare the database ${name} at ${admin.host}: ${error.message}`)
  } finally {
    await client.end().catch(() => {})
  }
}

/** Starts one emulator; its output goes to ours, each line prefixed with its port. */
function startOne(port) {
  const data = join(home, port)
  mkdirSync(data, { recursive: true })
  const args = [cli, 'start', '--port', port, '--store', store, '--bus', bus, '--files', files, '--data', data, ...passThrough]
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  for (const [from, to] of [[child.stdout, process.stdout], [child.stderr, process.stderr]]) {
    let rest = ''
    from.setEncoding('utf8')
    from.on('data', (chunk) => {
      const lines = (rest + chunk).split('\n')
      rest = lines.pop()
      for (const line of lines) to.write(`[${port}] ${line}\n`)
    })
    from.on('end', () => rest && to.write(`[${port}] ${rest}\n`))
  }
  const exited = new Promise((done) => child.once('exit', (code, signal) => done({ code, signal })))
  return { port, child, exited, origin: `http://127.0.0.1:${port}` }
}

/** Resolves when the process answers HTTP; rejects when it exits first or after READY_MS. */
async function answered(one) {
  let gone = null
  one.exited.then((how) => (gone = how))
  const deadline = Date.now() + READY_MS
  for (;;) {
    if (gone) throw new Error(`the emulator on port ${one.port} exited (${gone.signal ?? `code ${gone.code}`}) before answering`)
    const up = await fetch(`${one.origin}/_emulator/health`, { signal: AbortSignal.timeout(2000) }).then((r) => r.ok, () => false)
    if (up) return
    if (Date.now() > deadline) throw new Error(`the emulator on port ${one.port} did not answer within ${READY_MS / 1000} s`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

await ensureDatabase(store)
mkdirSync(files, { recursive: true })
const cluster = ports.map(startOne)
let stopping = false
let exitCode = 0

/** Sends `signal` to every process still running; kills them after STOP_MS. */
function stopAll(signal) {
  if (stopping) return
  stopping = true
  for (const one of cluster) if (one.child.exitCode === null && one.child.signalCode === null) one.child.kill(signal)
  setTimeout(() => {
    for (const one of cluster) if (one.child.exitCode === null && one.child.signalCode === null) one.child.kill('SIGKILL')
  }, STOP_MS).unref()
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(signal))
// One process ending on its own (a crash, a failed start) ends the cluster: the other is stopped too.
for (const one of cluster) {
  one.exited.then(({ code, signal }) => {
    if (!stopping || code !== 0) {
      if (!stopping) process.stderr.write(`start-cluster: the emulator on port ${one.port} exited (${signal ?? `code ${code}`}); stopping the other\n`)
      exitCode = 1
    }
    stopAll('SIGTERM')
  })
}

try {
  await Promise.all(cluster.map(answered))
  if (!stopping) {
    const redact = (url) => url.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@')
    process.stdout.write(`\nstart-cluster: ready\n${cluster.map((one) => `  ${one.origin}\n`).join('')}  store ${redact(store)}\n  bus   ${redact(bus)}\n  files ${files}\nCtrl-C stops both.\n`)
  }
} catch (error) {
  process.stderr.write(`start-cluster: ${error.message}\n`)
  exitCode = 1
  stopAll('SIGTERM')
}
await Promise.all(cluster.map((one) => one.exited))
process.exit(exitCode)
