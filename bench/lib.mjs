// What the bench sections share: the emulator binary, load runs with a warm-up, and the result line format.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import autocannon from 'autocannon'

export const CLI = fileURLToPath(new URL('../dist/bundle/cli.cjs', import.meta.url))
export const DURATION = Number(process.env.BENCH_SECONDS ?? 5)

function run(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 10, duration: DURATION, ...opts }, (err, result) => (err ? reject(err) : resolve(result)))
  })
}

/** A measured run after a 2-second warm-up of the same requests, so both servers are compared with their JIT warm. */
export async function cannon(opts) {
  await run({ ...opts, duration: 2 })
  return run(opts)
}

/** One result beside its target. */
export const line = (name, value, target, ok) => console.log(`${name.padEnd(44)} ${value.padStart(14)}   target ${target.padEnd(12)} ${ok ? 'ok' : 'MISSED'}`)

/** Starts the bundled CLI with `args` on a random loopback port and waits for its health check. */
export async function startEmulator(args) {
  const port = 20000 + Math.floor(Math.random() * 20000)
  const child = spawn(process.execPath, [CLI, 'start', '--port', String(port), '--log-level', 'silent', ...args], { stdio: 'ignore' })
  const origin = `http://127.0.0.1:${port}`
  for (let i = 0; i < 1000; i++) {
    try {
      if ((await fetch(`${origin}/_emulator/health`)).status === 200) return { child, origin }
    } catch {}
    await new Promise((r) => setTimeout(r, 5))
  }
  child.kill()
  throw new Error('emulator did not start')
}

// /proc/<pid>/stat counts CPU time in clock ticks; Linux's USER_HZ is 100.
const TICK_US = 10_000

/** CPU time (user + system) a process has used so far, in µs; null off Linux. */
export function cpuMicros(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) * TICK_US
  } catch {
    return null
  }
}

/** A process's resident memory in MB (VmRSS); NaN off Linux. */
export function rssMb(pid) {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
  } catch {
    return NaN
  }
}

/** Like `cannon`, and also the CPU µs per request the process `pid` spent during the measured run. */
export async function cannonCpu(opts, pid) {
  await run({ ...opts, duration: 2 })
  const before = cpuMicros(pid)
  const result = await run(opts)
  const after = cpuMicros(pid)
  result.cpuPerRequest = before === null || after === null || !result.requests.total ? null : (after - before) / result.requests.total
  return result
}

/** Captures the emulator's answers to `requests` ({url, headers}) as the bare server replays them. */
export async function capture(origin, requests) {
  const routes = []
  for (const { url, headers } of requests) {
    const res = await fetch(`${origin}${url}`, { headers })
    routes.push({ url, status: res.status, headers: Object.fromEntries(res.headers), body: Buffer.from(await res.arrayBuffer()).toString('base64') })
  }
  return routes
}

/** Starts bench/bare-server.mjs with the captured `routes`; returns its origin, pid and a stop function. */
export async function startBare(routes) {
  const bare = spawn(process.execPath, [fileURLToPath(new URL('./bare-server.mjs', import.meta.url))], { stdio: ['pipe', 'pipe', 'inherit'] })
  bare.stdin.end(JSON.stringify({ routes }))
  const port = await new Promise((resolve) => bare.stdout.once('data', (d) => resolve(String(d).trim())))
  return { origin: `http://127.0.0.1:${port}`, pid: bare.pid, stop: () => bare.kill() }
}

/**
 * One route, emulator then bare server, each warmed then measured in the same run; prints req/s, CPU µs per
 * request for both and their throughput ratio beside `target` (a fraction of bare); `load` adds autocannon options
 * (method, body, requests). Returns the ratio.
 */
export async function compareToBare({ name, url, bareUrl = url, headers = {}, emulator, bare, target, load = {} }) {
  const emu = await cannonCpu({ url: `${emulator.origin}${url}`, headers, ...load }, emulator.pid)
  const base = await cannonCpu({ url: `${bare.origin}${bareUrl}`, headers, ...load }, bare.pid)
  const ratio = emu.requests.average / base.requests.average
  const cpu = (r) => (r.cpuPerRequest === null ? '?' : r.cpuPerRequest.toFixed(0))
  const ok = emu.non2xx === 0 && base.non2xx === 0 && ratio >= target
  line(name, `${(ratio * 100).toFixed(0)} % of bare`, `>= ${(target * 100).toFixed(0)} %`, ok)
  console.log(`    ${emu.requests.average.toFixed(0)} vs ${base.requests.average.toFixed(0)} req/s, CPU ${cpu(emu)} vs ${cpu(base)} µs/req, p99 ${emu.latency.p99} vs ${base.latency.p99} ms${emu.non2xx || base.non2xx ? `, non-2xx ${emu.non2xx}/${base.non2xx}` : ''}`)
  return ratio
}

// `node bench/run.mjs [section …] [--only=word,…]`: `--only` (or BENCH_ONLY) keeps the measured routes whose
// name contains one of the words, so a shared machine runs just what is being worked on.
const only = (process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? process.env.BENCH_ONLY ?? '').split(',').filter(Boolean)

/** Whether the route called `name` is to be measured in this run. */
export const wanted = (name) => only.length === 0 || only.some((word) => name.toLowerCase().includes(word.toLowerCase()))
