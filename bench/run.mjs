// npm run bench: the emulator against a bare Fastify server returning the same bytes, in one run.
// Prints requests/s and p99 for each, their ratio, and start-up time, each beside its target.
import { spawn } from 'node:child_process'
import { CLI, DURATION, cannon, compareToBare, line, startBare, wanted } from './lib.mjs'

// `node bench/run.mjs static databases` or BENCH_SECTIONS=account,static,databases,storage,graphql,functions,realtime,postgres
// (the default: all) runs only some sections; `--only=word,…` narrows the routes measured (bench/lib.mjs).
const named = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const SECTIONS = named.length ? named : (process.env.BENCH_SECTIONS ?? 'account,first,static,databases,storage-view,storage,graphql,functions,realtime,fork,postgres').split(',')
const PROJECT = 'bench'


/** Starts the compiled CLI and measures the time until /_emulator/health first answers 200. */
async function startTimed() {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const t0 = performance.now()
  const child = spawn(process.execPath, [CLI, 'start', '--in-memory', '--port', String(port), '--log-level', 'silent'], { stdio: 'ignore' })
  const origin = `http://127.0.0.1:${port}`
  for (let i = 0; i < 500; i++) {
    try {
      const res = await fetch(`${origin}/_emulator/health`)
      if (res.status === 200) return { child, origin, startupMs: performance.now() - t0 }
    } catch {}
    await new Promise((r) => setTimeout(r, 2))
  }
  child.kill()
  throw new Error('emulator did not start')
}


if (SECTIONS.includes('account')) {
  const startups = []
  for (let i = 0; i < 3; i++) {
    const { child, startupMs } = await startTimed()
    startups.push(startupMs)
    child.kill()
    await new Promise((r) => child.on('exit', r))
  }
  const { child, origin } = await startTimed()
  try {
    const headers = { 'content-type': 'application/json', 'x-appwrite-project': PROJECT }
    await fetch(`${origin}/v1/account`, { method: 'POST', headers, body: JSON.stringify({ userId: 'bench', email: 'bench@example.test', password: 'bench-password' }) })
    const login = await fetch(`${origin}/v1/account/sessions/email`, { method: 'POST', headers, body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password' }) })
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const account = await fetch(`${origin}/v1/account`, { headers: { ...headers, cookie } })
    const accountBytes = Buffer.from(await account.arrayBuffer())
    const bare = await startBare([{ url: '/v1/account', status: account.status, headers: Object.fromEntries(account.headers), body: accountBytes.toString('base64') }])
    const median = [...startups].sort((a, b) => a - b)[1]
    console.log(`\nappwrite-emulator bench (${DURATION}s per run, 10 connections, node ${process.version})\n`)
    line('start-up to first 200 (median of 3)', `${median.toFixed(0)} ms`, '<= 300 ms', median <= 300)
    try {
      if (wanted('GET /v1/account')) await compareToBare({ name: 'GET /v1/account (cookie)', url: '/v1/account', headers: { ...headers, cookie }, emulator: { origin, pid: child.pid }, bare, target: 0.5 })
    } finally {
      bare.stop()
    }
    if (wanted('sessions/email')) {
      const emuLogin = await cannon({
        url: `${origin}/v1/account/sessions/email`,
        method: 'POST',
        headers,
        body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password' }),
      })
      // argon2id with Appwrite's parameters: bounded by the hash, no target.
      line('emulator POST /v1/account/sessions/email', `${emuLogin.requests.average.toFixed(0)} req/s`, '', emuLogin.non2xx === 0)
      line('  p99', `${emuLogin.latency.p99} ms`, '', true)
    }
  } finally {
    child.kill()
  }
}

// The first section: the first sign-up and sign-in after start, CLI and startEmulator().
if (SECTIONS.includes('first')) {
  const { benchFirstRequest } = await import('./first-request.mjs')
  await benchFirstRequest()
}

// The static section: locale lists and avatars, each against a bare server replaying the same bytes.
if (SECTIONS.includes('static')) {
  const { benchStatic } = await import('./static.mjs')
  await benchStatic()
}

// The databases section: its own emulator with a collection from an appwrite.json.
if (SECTIONS.includes('databases')) {
  const { benchDatabases } = await import('./databases.mjs')
  await benchDatabases()
}

// The storage-view section: an encrypted bucket's view against a plain one's, CPU per request.
if (SECTIONS.includes('storage-view')) {
  const { benchStorageView } = await import('./storage-view.mjs')
  await benchStorageView()
}

// The storage section (issue 6): its own emulator on a disk data folder.
if (SECTIONS.includes('storage')) {
  const { runStorageBench } = await import('./storage.mjs')
  await runStorageBench()
}

// The graphql section: a GraphQL query against the same REST read, and the schema's first build.
if (SECTIONS.includes('graphql')) {
  const { benchGraphql } = await import('./graphql.mjs')
  await benchGraphql()
}

// The functions section (issue 12): a trivial Node function through the SDK, warm and after a change.
if (SECTIONS.includes('functions')) {
  const { benchFunctions } = await import('./functions.mjs')
  await benchFunctions()
}

// The realtime section (issue 13): fan-out latency, idle sockets' memory, write throughput with subscribers.
if (SECTIONS.includes('realtime')) {
  const { benchRealtime } = await import('./realtime.mjs')
  await benchRealtime()
}

// The fork section (issue 17): a fork of 10,000 documents and 100 files.
if (SECTIONS.includes('fork')) {
  const { benchFork } = await import('./fork.mjs')
  await benchFork()
}

// The postgres section (issue 18): the PostgreSQL store with the Redis bus beside SQLite; skipped with the reason
// when PostgreSQL or Redis does not answer on 127.0.0.1.
if (SECTIONS.includes('postgres')) {
  const { benchPostgres } = await import('./postgres.mjs')
  await benchPostgres()
}
