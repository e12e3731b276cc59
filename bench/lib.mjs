// What the bench sections share: the emulator binary, load runs with a warm-up, and the result line format.
import { spawn } from 'node:child_process'
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
