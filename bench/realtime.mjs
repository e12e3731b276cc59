// The realtime section (issue 13): fan-out latency to 1,000 subscribers, the RSS of 5,000 idle sockets, and
// createDocument throughput with 1,000 subscribers against none, in one run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { WebSocket } from 'ws'
import { cannon, line, startEmulator } from './lib.mjs'

const PROJECT = 'bench-rt'
const SUBSCRIBERS = fileURLToPath(new URL('./realtime-subscribers.mjs', import.meta.url))
const CHANNEL = 'databases.main.collections.open.documents'

const rssMb = (pid) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024
const percentile = (values, p) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.ceil((p / 100) * values.length) - 1)]

/** Opens `count` sockets on `channel`, a few hundred at a time, and resolves when every one is connected. */
async function openSockets(origin, count, onEvent) {
  const sockets = []
  for (let start = 0; start < count; start += 250) {
    const batch = Array.from({ length: Math.min(250, count - start) }, () =>
      new Promise((resolve, reject) => {
        const ws = new WebSocket(`${origin.replace('http', 'ws')}/v1/realtime?project=${PROJECT}&channels[]=${CHANNEL}`)
        ws.once('error', reject)
        ws.once('message', () => {
          if (onEvent) ws.on('message', onEvent)
          resolve(ws)
        })
      }),
    )
    sockets.push(...(await Promise.all(batch)))
  }
  return sockets
}

export async function benchRealtime() {
  const dir = mkdtempSync(join(tmpdir(), 'awe-bench-rt-'))
  const config = join(dir, 'appwrite.json')
  writeFileSync(
    config,
    JSON.stringify({
      databases: [{ $id: 'main', name: 'Main' }],
      collections: [{ $id: 'open', databaseId: 'main', name: 'Open', $permissions: ['read("any")', 'create("any")'], attributes: [{ key: 'title', type: 'string', size: 64 }], indexes: [] }],
    }),
  )
  const { child, origin } = await startEmulator(['--in-memory', '--config', config])
  const headers = { 'content-type': 'application/json', 'x-appwrite-project': PROJECT }
  const create = { url: `${origin}/v1/databases/main/collections/open/documents`, method: 'POST', headers, body: JSON.stringify({ documentId: 'unique()', data: { title: 'bench' } }) }
  try {
    // Throughput with nobody listening first, then with 1,000 subscribers, in the same process.
    const alone = await cannon(create)

    // The 1,000 subscribers live in a process of their own, so their parsing does not slow the load generator.
    // They run twice: offering permessage-deflate as browsers and `ws` clients do, then without it.
    const crowd = async (compression) => {
      const subscribers = fork(SUBSCRIBERS, [origin, '1000', PROJECT, CHANNEL, compression])
      const ask = (message) => new Promise((resolve) => { subscribers.once('message', resolve); subscribers.send(message) })
      await new Promise((resolve) => subscribers.once('message', resolve))
      const latencies = []
      const fromRequest = []
      for (let i = 0; i < 30; i++) {
        subscribers.send('reset')
        const sentAt = performance.timeOrigin + performance.now()
        const res = await fetch(create.url, { method: 'POST', headers, body: create.body })
        const answeredAt = performance.timeOrigin + performance.now()
        if (res.status !== 201) throw new Error(`createDocument answered ${res.status}`)
        let report = { received: 0, lastAt: 0 }
        for (let w = 0; w < 500 && report.received < 1000; w++) {
          report = await ask('report')
          if (report.received < 1000) await new Promise((r) => setTimeout(r, 2))
        }
        if (report.received < 1000) throw new Error(`only ${report.received} of 1000 deliveries arrived`)
        // Deliveries can beat the response to this process: then the write's response came last, and the wait is 0.
        latencies.push(Math.max(0, report.lastAt - answeredAt))
        fromRequest.push(report.lastAt - sentAt)
      }
      subscribers.send('reset')
      const crowded = await cannon(create)
      // Let the fan-out of the load drain before the sockets go; what arrived says how many bytes the load meant.
      await new Promise((r) => setTimeout(r, 1000))
      const delivered = await ask('report')
      subscribers.send('close')
      await new Promise((r) => subscribers.once('exit', r))
      return { latencies, fromRequest, crowded, delivered }
    }
    const deflated = await crowd('deflate')
    const plain = await crowd('plain')
    const before = rssMb(child.pid)
    const idle = await openSockets(origin, 5000)
    await new Promise((r) => setTimeout(r, 1000))
    const after = rssMb(child.pid)
    for (const ws of idle) ws.terminate()

    console.log(`\nrealtime (1,000 subscribers of ${CHANNEL})\n`)
    for (const [label, run] of [['permessage-deflate', deflated], ['no compression', plain]]) {
      const { latencies, fromRequest, crowded, delivered } = run
      const p99 = percentile(latencies, 99)
      const ratio = crowded.requests.average / alone.requests.average
      const target = run === deflated
      console.log(`  subscribers offering ${label}${target ? ' (as browsers do)' : ''}`)
      line('request sent → last of 1,000 deliveries p99', `${percentile(fromRequest, 99).toFixed(1)} ms`, '', true)
      line('write response → last of 1,000 deliveries p50', `${percentile(latencies, 50).toFixed(1)} ms`, '', true)
      line('write response → last of 1,000 deliveries p99', `${p99.toFixed(1)} ms`, '<= 100 ms', p99 <= 100)
      line('createDocument, no subscribers', `${alone.requests.average.toFixed(0)} req/s`, '', alone.non2xx === 0)
      line('createDocument, 1,000 subscribers', `${crowded.requests.average.toFixed(0)} req/s`, '', crowded.non2xx === 0)
      line('  ratio', `${(ratio * 100).toFixed(0)} %`, target ? '>= 50 %' : '', target ? ratio >= 0.5 : true)
      // The fan-out's volume: every write is ~1.5 KB (the event names of a document write) times 1,000 sockets.
      const perWrite = delivered.bytes / Math.max(1, delivered.received / 1000)
      line('  bytes delivered per write (all sockets)', `${(perWrite / 1e6).toFixed(2)} MB`, '', true)
      line('  loopback volume under load', `${((perWrite * crowded.requests.average) / 1e6).toFixed(0)} MB/s`, '', true)
    }
    line('RSS added by 5,000 idle connections', `${(after - before).toFixed(0)} MB`, '<= 150 MB', after - before <= 150)
  } finally {
    child.kill()
    rmSync(dir, { recursive: true, force: true })
  }
}
