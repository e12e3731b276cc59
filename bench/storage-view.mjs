// npm run bench, storage-view section (issue 15): CPU per request of viewing a 300 KB file from an encrypted
// bucket against the same file in a plain bucket, same run. Target: encrypted <= 3x plain.
// Run alone with `node bench/run.mjs storage-view`.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cannonCpu, line, startEmulator } from './lib.mjs'

const PROJECT = 'bench-view'
const SIZE = 300 * 1024

export async function benchStorageView() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-view-'))
  const config = join(dir, 'appwrite.json')
  const open = ['create("any")', 'read("any")']
  writeFileSync(config, JSON.stringify({
    projectId: PROJECT,
    buckets: [
      { $id: 'plain', name: 'Plain', $permissions: open, compression: 'none', encryption: false },
      { $id: 'sealed', name: 'Encrypted', $permissions: open, compression: 'none', encryption: true },
    ],
  }))
  const { child, origin } = await startEmulator(['--data', join(dir, 'data'), '--config', config])
  try {
    const headers = { 'x-appwrite-project': PROJECT }
    const bytes = randomBytes(SIZE)
    for (const bucket of ['plain', 'sealed']) {
      const form = new FormData()
      form.append('fileId', 'photo')
      form.append('file', new File([bytes], 'photo.bin'))
      const res = await fetch(`${origin}/v1/storage/buckets/${bucket}/files`, { method: 'POST', headers, body: form })
      if (res.status !== 201) throw new Error(`upload to ${bucket}: ${res.status} ${await res.text()}`)
    }
    const view = (bucket) => cannonCpu({ url: `${origin}/v1/storage/buckets/${bucket}/files/photo/view`, headers }, child.pid)
    const plain = await view('plain')
    const sealed = await view('sealed')
    const ratio = sealed.cpuPerRequest / plain.cpuPerRequest
    console.log('\nstorage view of a 300 KB file, encrypted bucket vs plain (CPU per request, same run)\n')
    line('view, plain bucket', `${plain.cpuPerRequest.toFixed(0)} µs/req`, '', plain.non2xx === 0)
    line('view, encrypted bucket', `${sealed.cpuPerRequest.toFixed(0)} µs/req`, '', sealed.non2xx === 0)
    line('  encrypted over plain', `${ratio.toFixed(2)}x`, '<= 3x', ratio <= 3 && sealed.non2xx === 0)
    console.log(`    ${sealed.requests.average.toFixed(0)} vs ${plain.requests.average.toFixed(0)} req/s`)
  } finally {
    child.kill()
    await new Promise((r) => child.on('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}
