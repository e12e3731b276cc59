// npm run bench, first section (issue 15): the first sign-up and sign-in after start, in the CLI and through
// `startEmulator()` in a process of its own, for a desktop Chrome and for Node's fetch; start-up; RSS after start
// and after those first requests. Run alone with `node bench/run.mjs first`.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { cpuMicros, line, rssMb, startEmulator } from './lib.mjs'

const INDEX = fileURLToPath(new URL('../dist/bundle/index.cjs', import.meta.url))
const CHROME = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36'

/** Times a sign-up then a sign-in against a server that has just answered its first health check. */
async function firstRequests(origin, userAgent) {
  const headers = { 'content-type': 'application/json', 'x-appwrite-project': 'first', ...(userAgent && { 'user-agent': userAgent }) }
  const post = async (path, body) => {
    const t = performance.now()
    const res = await fetch(`${origin}/v1${path}`, { method: 'POST', headers, body: JSON.stringify(body) })
    await res.arrayBuffer()
    if (res.status !== 201) throw new Error(`${path}: ${res.status}`)
    return performance.now() - t
  }
  const signUpMs = await post('/account', { userId: 'first', email: 'first@example.test', password: 'first-password' })
  const signInMs = await post('/account/sessions/email', { email: 'first@example.test', password: 'first-password' })
  return { signUpMs, signInMs }
}

// The library door: startEmulator() in a child process, which reports its origin and stays up until killed.
const LIBRARY_SCRIPT = `
const { startEmulator } = require(${JSON.stringify(INDEX)})
startEmulator({ port: 0, inMemory: true, logLevel: 'silent' }).then((e) => process.stdout.write(e.origin + '\\n'))
`

async function startLibrary() {
  const t0 = performance.now()
  const child = spawn(process.execPath, ['-e', LIBRARY_SCRIPT], { stdio: ['ignore', 'pipe', 'inherit'] })
  const origin = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())))
  return { child, origin, startupMs: performance.now() - t0 }
}

export async function benchFirstRequest() {
  console.log('\nfirst requests after start (fresh process each)\n')
  for (const [door, start] of [['CLI', () => startEmulator(['--in-memory'])], ['startEmulator()', startLibrary]]) {
    for (const [agent, userAgent] of [['Chrome', CHROME], ['Node fetch', undefined]]) {
      // Three fresh processes each; the median, since a shared machine makes single first requests noisy.
      const runs = []
      for (let i = 0; i < 3; i++) {
        const { child, origin } = await start()
        try {
          const rssStart = rssMb(child.pid)
          const cpu0 = cpuMicros(child.pid)
          const times = await firstRequests(origin, userAgent)
          runs.push({ ...times, cpuMs: (cpuMicros(child.pid) - cpu0) / 1000, rssStart, rssAfter: rssMb(child.pid) })
        } finally {
          child.kill()
          await new Promise((r) => child.on('exit', r))
        }
      }
      const mid = (key) => runs.map((r) => r[key]).sort((a, b) => a - b)[1]
      line(`${door}, ${agent}: first sign-up`, `${mid('signUpMs').toFixed(1)} ms`, '<= 50 ms', mid('signUpMs') <= 50)
      line(`${door}, ${agent}: first sign-in`, `${mid('signInMs').toFixed(1)} ms`, '<= 50 ms', mid('signInMs') <= 50)
      console.log(`    CPU for both ${mid('cpuMs').toFixed(0)} ms; RSS after start ${mid('rssStart').toFixed(0)} MB, after both ${mid('rssAfter').toFixed(0)} MB`)
      if (agent === 'Chrome') line(`${door}: RSS after start`, `${mid('rssStart').toFixed(0)} MB`, '<= 100 MB', mid('rssStart') <= 100)
    }
  }
}
