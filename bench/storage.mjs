// Storage bench (issue 6): a 100 MB upload through the web SDK's chunked path and its download, each against
// plain fs streams on the same bytes in the same run, and a 1000×1000 JPEG previewed at 200×200 (p50, warm).
// Run alone with `node bench/storage.mjs` after `npm run build`, or through `npm run bench`.
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createReadStream, createWriteStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { finished } from 'node:stream/promises'
import { fileURLToPath } from 'node:url'
import vm from 'node:vm'
import sharp from 'sharp'
import { line, startEmulator } from './lib.mjs'

const SIZE = Number(process.env.BENCH_STORAGE_MB ?? 100) * 1024 * 1024
const PREVIEWS = Number(process.env.BENCH_PREVIEWS ?? 60)
const PROJECT = 'bench-storage'

const mbps = (bytes, ms) => bytes / 1024 / 1024 / (ms / 1000)
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]

/** The SDK's browser build in a vm, as the e2e harness runs it: Node's fetch, FormData and File. */
function loadSdk(cookieJar) {
  const require = createRequire(import.meta.url)
  const file = join(dirname(require.resolve('appwrite/package.json')), 'dist', 'iife', 'sdk.js')
  const browserFetch = async (input, init = {}) => {
    const headers = new Headers(init.headers)
    if (cookieJar.value) headers.set('cookie', cookieJar.value)
    const res = await fetch(input, { ...init, headers })
    const set = res.headers.getSetCookie()
    if (set.length) cookieJar.value = set.map((c) => c.split(';')[0]).join('; ')
    return res
  }
  const context = vm.createContext({ fetch: browserFetch, FormData, File, Blob, Headers, Request, Response, URL, URLSearchParams, TextEncoder, TextDecoder, AbortController, setTimeout, clearTimeout, console, localStorage: { getItem: () => null, setItem() {}, removeItem() {} }, location: { href: 'http://localhost/' }, navigator: { userAgent: 'bench' } })
  vm.runInContext('globalThis.window = globalThis', context)
  new vm.Script(readFileSync(file, 'utf8'), { filename: file }).runInContext(context)
  return context.Appwrite
}

async function start(dir) {
  const config = join(dir, 'appwrite.json')
  writeFileSync(config, JSON.stringify({
    projectId: PROJECT,
    buckets: [{ $id: 'bench', name: 'Bench', $permissions: ['create("users")', 'read("users")'], maximumFileSize: 2 * SIZE, compression: 'none', encryption: false }],
  }))
  return startEmulator(['--data', join(dir, 'data'), '--config', config])
}

async function fsBaseline(dir, bytes) {
  const file = join(dir, 'baseline.bin')
  const t0 = performance.now()
  const out = createWriteStream(file)
  for (let at = 0; at < bytes.length; at += 5 * 1024 * 1024) {
    if (!out.write(bytes.subarray(at, at + 5 * 1024 * 1024))) await new Promise((r) => out.once('drain', r))
  }
  out.end()
  await finished(out)
  const writeMs = performance.now() - t0
  const t1 = performance.now()
  let n = 0
  for await (const chunk of createReadStream(file)) n += chunk.length
  const readMs = performance.now() - t1
  if (n !== bytes.length) throw new Error('baseline read short')
  rmSync(file)
  return { writeMs, readMs }
}

/** A bare Node server that writes each request body to a file: what HTTP on this machine allows at best. */
async function bareUploadFloor(dir, bytes) {
  const script = `const http=require('node:http'),fs=require('node:fs'),{pipeline}=require('node:stream/promises');let i=0;` +
    `const s=http.createServer(async(q,r)=>{await pipeline(q,fs.createWriteStream(process.argv[1]+'/floor-'+(i++)));r.end('ok')});` +
    `s.listen(0,'127.0.0.1',()=>console.log(s.address().port))`
  const child = spawn(process.execPath, ['-e', script, dir], { stdio: ['ignore', 'pipe', 'inherit'] })
  const port = await new Promise((r) => child.stdout.once('data', (d) => r(String(d).trim())))
  try {
    const send = async () => {
      const t = performance.now()
      for (let at = 0; at < bytes.length; at += 5 * 1024 * 1024) await (await fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body: bytes.subarray(at, at + 5 * 1024 * 1024) })).text()
      return performance.now() - t
    }
    await send()
    return await send()
  } finally {
    child.kill()
  }
}

export async function runStorageBench() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-storage-'))
  const { child, origin } = await start(dir)
  try {
    const jar = { value: '' }
    const sdk = loadSdk(jar)
    const client = new sdk.Client().setEndpoint(`${origin}/v1`).setProject(PROJECT)
    const account = new sdk.Account(client)
    await account.create('bench', 'bench@example.test', 'bench-password')
    await account.createEmailPasswordSession('bench@example.test', 'bench-password')
    const storage = new sdk.Storage(client)
    const bytes = randomBytes(SIZE)

    // Warm both paths once on a small file so neither side pays first-use costs.
    await storage.createFile('bench', 'warm', new File([bytes.subarray(0, 6 * 1024 * 1024)], 'warm.bin'))
    await fsBaseline(dir, bytes.subarray(0, 6 * 1024 * 1024))

    const base = await fsBaseline(dir, bytes)
    const timeUpload = async (s, id) => {
      const t = performance.now()
      const uploaded = await s.createFile('bench', id, new File([bytes], 'big.bin'))
      const ms = performance.now() - t
      if (uploaded.sizeOriginal !== SIZE || uploaded.chunksUploaded !== uploaded.chunksTotal) throw new Error(`upload incomplete: ${JSON.stringify(uploaded)}`)
      return ms
    }
    const uploadMs = await timeUpload(storage, 'big')
    const floorMs = await bareUploadFloor(dir, bytes)

    const t1 = performance.now()
    const res = await fetch(storage.getFileDownload('bench', 'big'), { headers: { cookie: jar.value } })
    let n = 0
    for await (const chunk of res.body) n += chunk.length
    const downloadMs = performance.now() - t1
    if (res.status !== 200 || n !== SIZE) throw new Error(`download failed: ${res.status} ${n}`)

    const jpeg = await sharp({ create: { width: 1000, height: 1000, channels: 3, noise: { type: 'gaussian', mean: 128, sigma: 40 } } }).jpeg({ quality: 90 }).toBuffer()
    await storage.createFile('bench', 'photo', new File([jpeg], 'photo.jpg'))
    const timePreview = async (quality) => {
      const t = performance.now()
      const r = await fetch(storage.getFilePreview('bench', 'photo', 200, 200, undefined, quality), { headers: { cookie: jar.value } })
      await r.arrayBuffer()
      if (r.status !== 200) throw new Error(`preview failed: ${r.status}`)
      return { ms: performance.now() - t, cache: r.headers.get('x-appwrite-cache') }
    }
    for (let i = 0; i < 5; i++) await timePreview(1 + i)
    // Each quality is a new cache key, so these are rendered; then the same one again is served from the cache.
    const misses = []
    for (let i = 0; i < PREVIEWS; i++) misses.push(await timePreview(10 + (i % 90)))
    const hits = []
    for (let i = 0; i < PREVIEWS; i++) hits.push(await timePreview(10))
    if (misses.some((m) => m.cache !== 'miss') || hits.some((h) => h.cache !== 'hit')) throw new Error('unexpected cache results')

    const upRate = mbps(SIZE, uploadMs)
    const fsWriteRate = mbps(SIZE, base.writeMs)
    const downRate = mbps(SIZE, downloadMs)
    const fsReadRate = mbps(SIZE, base.readMs)
    const missP50 = median(misses.map((m) => m.ms))
    const hitP50 = median(hits.map((h) => h.ms))
    console.log(`\nstorage bench (${SIZE / 1024 / 1024} MB, disk data folder, node ${process.version})\n`)
    line('fs write stream', `${fsWriteRate.toFixed(0)} MB/s`, '', true)
    line('upload through the SDK (5 MB chunks)', `${upRate.toFixed(0)} MB/s`, '', true)
    line('  ratio to fs write', `${((upRate / fsWriteRate) * 100).toFixed(0)} %`, '>= 50 %', upRate / fsWriteRate >= 0.5)
    // Context for the line above: the same 5 MB POSTs to a bare Node server that only writes them to disk.
    line('  bare Node http + fs, same chunks (ceiling)', `${mbps(SIZE, floorMs).toFixed(0)} MB/s`, '', true)
    line('  ratio to that ceiling', `${((upRate / mbps(SIZE, floorMs)) * 100).toFixed(0)} %`, '', true)
    line('fs read stream', `${fsReadRate.toFixed(0)} MB/s`, '', true)
    line('download (GET …/download)', `${downRate.toFixed(0)} MB/s`, '', true)
    line('  ratio to fs read', `${((downRate / fsReadRate) * 100).toFixed(0)} %`, '>= 50 %', downRate / fsReadRate >= 0.5)
    line('preview 1000×1000 JPEG → 200×200, p50 (miss)', `${missP50.toFixed(1)} ms`, '<= 50 ms', missP50 <= 50)
    line('  same preview from the cache, p50 (hit)', `${hitP50.toFixed(1)} ms`, '', true)
  } finally {
    child.kill()
    await new Promise((r) => child.on('exit', r))
    rmSync(dir, { recursive: true, force: true })
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await runStorageBench()
