import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { build } from 'esbuild'

const ROOT = resolve(import.meta.dirname, '../..')
/** The test's own bundle of the CLI (the shared dist/ is left alone); inside node_modules so packages resolve. */
const BUNDLE = join(ROOT, 'node_modules/.cache/appwrite-emulator-hosted/cli.cjs')

let built: Promise<string> | null = null

/** Bundles src/cli.ts as scripts/bundle.mjs does, once per test file. */
export function buildCli(): Promise<string> {
  built ??= (async () => {
    mkdirSync(join(BUNDLE, '..'), { recursive: true })
    await build({
      entryPoints: [join(ROOT, 'src/cli.ts')], outfile: BUNDLE, bundle: true, platform: 'node', target: 'node20', format: 'cjs',
      packages: 'external', logLevel: 'error',
      define: { 'import.meta.url': '__importMetaUrl' },
      banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
    })
    return BUNDLE
  })()
  return built
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer()
    server.once('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => done(port))
    })
  })
}

export interface EmulatorProcess {
  origin: string
  child: ChildProcess
  output(): string
  stop(): Promise<void>
}

/** Starts `appwrite-emulator start` in its own process and waits until it answers HTTP. */
export async function startProcess(args: string[], env: Record<string, string> = {}): Promise<EmulatorProcess> {
  const cli = await buildCli()
  const port = await freePort()
  const child = spawn(process.execPath, [cli, 'start', '--port', String(port), '--log-level', 'warn', '--log-format', 'json', ...args], {
    cwd: mkdtempSync(join(tmpdir(), 'awe-cluster-cwd-')),
    env: { ...process.env, CI: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk) => (output += chunk))
  child.stderr!.on('data', (chunk) => (output += chunk))
  const origin = `http://127.0.0.1:${port}`
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const deadline = Date.now() + 30_000
  for (;;) {
    const early = await Promise.race([exited, new Promise<'running'>((done) => setTimeout(() => done('running'), 100))])
    if (early !== 'running') throw new Error(`the emulator exited with ${early} before answering:\n${output}`)
    const up = await fetch(`${origin}/v1/locale`, { headers: { 'x-appwrite-project': 'probe' } }).then(() => true, () => false)
    if (up) break
    if (Date.now() > deadline) {
      child.kill('SIGKILL')
      throw new Error(`the emulator did not answer within 30 s:\n${output}`)
    }
  }
  return {
    origin,
    child,
    output: () => output,
    async stop() {
      if (child.exitCode !== null) return
      child.kill('SIGTERM')
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000)
      await exited
      clearTimeout(timer)
    },
  }
}

/** An appwrite.json with one open collection and one bucket, written to a fresh folder. */
export function clusterConfig(): string {
  const dir = mkdtempSync(join(tmpdir(), 'awe-cluster-config-'))
  const file = join(dir, 'appwrite.json')
  writeFileSync(file, JSON.stringify({
    projectId: 'cluster',
    databases: [{ $id: 'main', name: 'main' }],
    collections: [{
      $id: 'notes', databaseId: 'main', name: 'notes', documentSecurity: false,
      $permissions: ['read("any")', 'create("users")', 'update("users")'],
      attributes: [{ key: 'title', type: 'string', size: 100, required: false }, { key: 'body', type: 'string', size: 2000, required: false }],
      indexes: [{ key: 'title', type: 'key', attributes: ['title'] }, { key: 'body', type: 'fulltext', attributes: ['body'] }],
    }],
    buckets: [{ $id: 'shared', name: 'shared', $permissions: ['read("any")', 'create("users")'], fileSecurity: false, encryption: true, compression: 'gzip' }],
  }))
  return file
}

/** A request with JSON in and out, the project header set. */
export async function call(origin: string, method: string, path: string, options: { project?: string; cookie?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${origin}${path}`, {
    method,
    headers: {
      'x-appwrite-project': options.project ?? 'cluster',
      ...(options.cookie && { cookie: options.cookie }),
      ...(options.body !== undefined && !(options.body instanceof FormData) && { 'content-type': 'application/json' }),
      ...options.headers,
    },
    body: options.body instanceof FormData ? options.body : options.body === undefined ? undefined : JSON.stringify(options.body),
  })
  const text = await res.text()
  let body: any = null
  try {
    body = JSON.parse(text)
  } catch {
    body = text
  }
  return { status: res.status, headers: res.headers, body, text }
}

/** The session cookie of a sign-in answer, as a Cookie header. */
export const sessionCookie = (headers: Headers) =>
  headers.getSetCookie().map((c) => c.split(';')[0]).filter((c) => c.startsWith('a_session_')).join('; ')
