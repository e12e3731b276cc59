// npm run bench, functions section (issue 12): a trivial Node function executed synchronously through the web
// SDK, warm (p50, p99); the first execution after its files change; 100 concurrent sync executions; start-up
// with functions in the config. Run alone with `BENCH_SECTIONS=functions npm run bench`.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Client, Functions } from 'appwrite'
import { line, startEmulator } from './lib.mjs'

const SAMPLES = Number(process.env.BENCH_FUNCTION_SAMPLES ?? 500)
const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]

export async function benchFunctions() {
  const dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-bench-functions-'))
  const fnDir = join(dir, 'hello')
  const source = (n) => `module.exports = async (context) => context.res.send('hello ${n}')\n`
  writeFileSync(join(dir, 'package.json'), '{"type":"commonjs"}')
  await import('node:fs').then((fs) => fs.mkdirSync(fnDir))
  writeFileSync(join(fnDir, 'index.js'), source(0))
  writeFileSync(join(dir, 'appwrite.json'), JSON.stringify({ projectId: 'bench', functions: [{ $id: 'hello', name: 'Hello', runtime: 'node-18.0', execute: ['any'], path: 'hello', entrypoint: 'index.js', logging: true }] }))
  // Start-up with functions in the config: no runtime work happens before the first execution (median of 3).
  const starts = []
  for (let i = 0; i < 3; i++) {
    const t = performance.now()
    const started = await startEmulator(['--in-memory', '--config', join(dir, 'appwrite.json')])
    starts.push(performance.now() - t)
    started.child.kill()
    await new Promise((r) => started.child.on('exit', r))
  }
  const startMs = starts.sort((a, b) => a - b)[1]
  const { child, origin } = await startEmulator(['--in-memory', '--config', join(dir, 'appwrite.json')])
  try {
    const functions = new Functions(new Client().setEndpoint(`${origin}/v1`).setProject('bench'))
    const run = async () => {
      const t = performance.now()
      const execution = await functions.createExecution('hello')
      if (execution.status !== 'completed') throw new Error(`execution ${execution.status}: ${JSON.stringify(execution)}`)
      return { ms: performance.now() - t, body: execution.responseBody }
    }
    const cold = await run()
    for (let i = 0; i < 20; i++) await run()
    const warm = []
    for (let i = 0; i < SAMPLES; i++) warm.push((await run()).ms)
    warm.sort((a, b) => a - b)

    // A change of the function's files: the next execution gets a fresh process with the new code.
    await new Promise((r) => setTimeout(r, 20))
    writeFileSync(join(fnDir, 'index.js'), source(1))
    const changed = await run()
    if (changed.body !== 'hello 1') throw new Error(`edited function answered ${changed.body}`)

    const t1 = performance.now()
    const results = await Promise.allSettled(Array.from({ length: 100 }, () => run()))
    const concurrentMs = performance.now() - t1
    const failures = results.filter((r) => r.status === 'rejected')

    console.log('\nfunctions')
    line('start-up with functions configured', `${startMs.toFixed(0)} ms`, '<= 300 ms', startMs <= 300)
    line('first execution (cold process)', `${cold.ms.toFixed(0)} ms`, '', true)
    line('warm sync execution p50 (SDK)', `${pct(warm, 50).toFixed(1)} ms`, '<= 10 ms', pct(warm, 50) <= 10)
    line('warm sync execution p99 (SDK)', `${pct(warm, 99).toFixed(1)} ms`, '<= 30 ms', pct(warm, 99) <= 30)
    line('first execution after a file change', `${changed.ms.toFixed(0)} ms`, '<= 300 ms', changed.ms <= 300)
    line('100 concurrent sync executions: errors', `${failures.length}`, '0', failures.length === 0)
    line('  all 100 done in', `${concurrentMs.toFixed(0)} ms`, '', true)
    if (failures.length) console.log(String(failures[0].reason))
  } finally {
    child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}
