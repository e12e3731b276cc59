import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp } from '../../src/app.js'
import { loadAppwriteJson } from '../../src/config/appwrite-json.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'

/**
 * The life of a function around its executions (BEHAVIORS §17, issue 12 §5–§7): `commands` builds, cron
 * schedules, `--no-function-builds` / `--no-function-triggers`, and the output and memory caps. Each emulator
 * listens on 127.0.0.1 with its log captured, so a test can read what the emulator printed. Functions whose
 * folders a test edits or a build writes into are copies in a temp folder.
 */

const FIXTURES = resolve(import.meta.dirname, '../fixtures/functions')
const base = JSON.parse(readFileSync(join(FIXTURES, 'appwrite.json'), 'utf8'))
const work = mkdtempSync(join(tmpdir(), 'appwrite-emulator-functions-lifecycle-'))
for (const name of ['build-a', 'build-broken', 'build-off', 'build-slow']) cpSync(join(FIXTURES, 'build'), join(work, name), { recursive: true })
// Copies too, so every process this file starts has its working directory under `work` (other files run the
// same fixtures at the same time).
for (const name of ['misbehave', 'echo', 'on-document', 'tick']) cpSync(join(FIXTURES, name), join(work, name), { recursive: true })
writeFileSync(join(work, 'build-broken', 'package.json'), JSON.stringify({ name: 'build-fixture', version: '2.0.0', private: true, type: 'commonjs', fail: true }))

const BUILD = { runtime: 'node-18.0', execute: ['any'], entrypoint: 'index.js', commands: 'node build.js', timeout: 5 }
const ON_NOTES = ['databases.*.collections.notes.documents.*.create']

interface Emulator {
  origin: string
  /** The `msg` of every line the emulator logged, oldest first. */
  logs: string[]
  stop(): Promise<void>
}

const running: Emulator[] = []

/**
 * An emulator built from the given functions (plus the fixture's database) as `startEmulator` builds it, but
 * through `buildApp`, whose logger takes a stream: `startEmulator`'s log goes straight to stdout.
 */
async function start(projectId: string, functions: object[], options: { builds: boolean; triggers: boolean }): Promise<Emulator> {
  const file = join(work, `${projectId}.json`)
  writeFileSync(file, JSON.stringify({ projectId, databases: base.databases, collections: base.collections, functions }))
  const logs: string[] = []
  const stream = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line).msg)
      done()
    },
  })
  const store = SqliteStore.open(':memory:')
  const { server, services } = await buildApp({ store, template: loadAppwriteJson(file), functionBuilds: options.builds, functionTriggers: options.triggers, logger: { level: 'info', stream } })
  await server.listen({ port: 0, host: '127.0.0.1' })
  const address = server.server.address()
  const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  services.functions.endpoint = `${origin}/v1`
  await services.functions.startSchedules()
  let stopped: Promise<void> | null = null
  const emulator = { origin, logs, stop: () => (stopped ??= server.close().then(() => store.close())) }
  running.push(emulator)
  return emulator
}

/** Processes (not yet reaped zombies aside) working in `folder`: the runtimes and builds of this file. */
function leftovers(folder = work): string[] {
  return readdirSync('/proc').filter((pid) => {
    if (!/^\d+$/.test(pid) || pid === String(process.pid)) return false
    try {
      const cwd = readlinkSync(`/proc/${pid}/cwd`)
      return (cwd === folder || cwd.startsWith(`${folder}/`)) && !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'))
    } catch {
      return false
    }
  })
}

afterAll(async () => {
  try {
    // Bounded, so the temp folder goes even when a stop hangs.
    await Promise.race([Promise.all(running.map((e) => e.stop())), new Promise((r) => setTimeout(r, 10_000))])
    if (!existsSync('/proc/self/cwd')) return
    // No runtime or build process outlives its emulator (SIGKILL takes a moment to land).
    let left = leftovers()
    for (let i = 0; i < 40 && left.length; i++) {
      await new Promise((r) => setTimeout(r, 50))
      left = leftovers()
    }
    expect(left, 'processes left running').toEqual([])
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})

interface Execution { $id: string; functionId: string; trigger: string; status: string; logs: string; errors: string; responseStatusCode: number; responseBody: string; requestMethod: string; requestPath: string }

async function execute(emulator: Emulator, projectId: string, functionId: string, input: { path?: string; method?: string } = {}): Promise<{ status: number; body: any }> {
  const res = await fetch(`${emulator.origin}/v1/functions/${functionId}/executions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-appwrite-project': projectId },
    body: JSON.stringify({ body: '', async: false, path: input.path ?? '/', method: input.method ?? 'GET' }),
  })
  return { status: res.status, body: await res.json() }
}

async function controlExecutions(emulator: Emulator, projectId: string): Promise<Execution[]> {
  const res = await fetch(`${emulator.origin}/_emulator/projects/${projectId}/executions`)
  expect(res.status).toBe(200)
  return (await res.json()).executions
}

/** Polls the control API until `pick` finds something (or `ms` pass); returns the last answer. */
async function waitFor(emulator: Emulator, projectId: string, pick: (e: Execution) => boolean, ms = 5000): Promise<Execution[]> {
  const until = Date.now() + ms
  for (;;) {
    const seen = (await controlExecutions(emulator, projectId)).filter(pick)
    if (seen.length || Date.now() > until) return seen
    await new Promise((r) => setTimeout(r, 50))
  }
}

async function createNote(emulator: Emulator, projectId: string): Promise<string> {
  const res = await fetch(`${emulator.origin}/v1/databases/main/collections/notes/documents`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-appwrite-project': projectId },
    body: JSON.stringify({ documentId: 'unique()', data: { title: 'Hi' } }),
  })
  expect(res.status).toBe(201)
  return (await res.json()).$id
}

const finished = (e: Execution) => e.status === 'completed' || e.status === 'failed'
const count = (logs: string[], text: string) => logs.filter((l) => l.includes(text)).length

describe('function builds (commands)', () => {
  let a: Emulator
  const projectId = 'lifecycle-builds'
  beforeAll(async () => {
    a = await start(projectId, [
      { ...BUILD, $id: 'build', name: 'Build', path: join(work, 'build-a') },
      { ...BUILD, $id: 'build-broken', name: 'Broken build', path: join(work, 'build-broken'), events: ON_NOTES },
    ], { builds: true, triggers: true })
  })

  it('commands run once before the first execution, with their output in the emulator log', async () => {
    const first = await execute(a, projectId, 'build')
    expect(first.status).toBe(201)
    expect(first.body.status).toBe('completed')
    expect(JSON.parse(first.body.responseBody)).toMatchObject({ built: 'built 1.0.0', builds: 1 })
    const again = await execute(a, projectId, 'build')
    expect(JSON.parse(again.body.responseBody)).toMatchObject({ built: 'built 1.0.0', builds: 1 })
    expect(count(a.logs, 'function build: building (node build.js)')).toBe(1)
    const ready = a.logs.find((l) => l.startsWith('function build: build ready'))
    expect(ready).toContain('build-fixture: built 1.0.0')
  })

  it('editing a file that is not a dependency file takes effect without a rebuild', async () => {
    writeFileSync(join(work, 'build-a', 'note.txt'), 'edited note')
    const res = await execute(a, projectId, 'build')
    expect(JSON.parse(res.body.responseBody)).toEqual({ built: 'built 1.0.0', builds: 1, note: 'edited note' })
    expect(count(a.logs, 'function build: building')).toBe(1)
  })

  it('a change of a dependency file rebuilds once before the next executions, even when they arrive together', async () => {
    writeFileSync(join(work, 'build-a', 'package.json'), JSON.stringify({ name: 'build-fixture', version: '1.1.0', private: true, type: 'commonjs' }))
    const results = await Promise.all([1, 2, 3].map(() => execute(a, projectId, 'build')))
    for (const res of results) {
      expect(res.body.status).toBe('completed')
      expect(JSON.parse(res.body.responseBody)).toMatchObject({ built: 'built 1.1.0', builds: 2 })
    }
    expect(count(a.logs, 'function build: building')).toBe(2)
  })

  it('a failed build answers build_not_ready to callers and fails triggered executions until its files change', async () => {
    const refused = await execute(a, projectId, 'build-broken')
    expect(refused).toMatchObject({ status: 400, body: { code: 400, type: 'build_not_ready' } })
    const failedLog = a.logs.find((l) => l.startsWith('function build-broken: build failed'))
    expect(failedLog).toContain('exit code 7')
    expect(failedLog).toContain('refusing to build 2.0.0')
    // The failed build is remembered: no second run while the files stay the same.
    expect((await execute(a, projectId, 'build-broken')).body.type).toBe('build_not_ready')
    expect(count(a.logs, 'function build-broken: building')).toBe(1)
    // An event-triggered execution is recorded as failed, as Appwrite's worker does for a build that is not ready.
    await createNote(a, projectId)
    const [triggered] = await waitFor(a, projectId, (e) => e.functionId === 'build-broken' && finished(e))
    expect(triggered).toMatchObject({ trigger: 'event', status: 'failed', responseStatusCode: 500 })
    expect(triggered!.errors).toMatch(/build not ready/i)
    writeFileSync(join(work, 'build-broken', 'package.json'), JSON.stringify({ name: 'build-fixture', version: '2.0.1', private: true, type: 'commonjs' }))
    const fixed = await execute(a, projectId, 'build-broken')
    expect(fixed.status).toBe(201)
    expect(JSON.parse(fixed.body.responseBody)).toMatchObject({ built: 'built 2.0.1', builds: 1 })
  })
})

describe('stopping during a build', () => {
  it('kills the running commands of a triggered execution', async () => {
    const projectId = 'lifecycle-slow-build'
    const e = await start(projectId, [{ ...BUILD, $id: 'slow', name: 'Slow build', path: join(work, 'build-slow'), commands: 'sleep 30', events: ON_NOTES }], { builds: true, triggers: true })
    await createNote(e, projectId)
    for (let i = 0; i < 100 && !count(e.logs, 'function slow: building'); i++) await new Promise((r) => setTimeout(r, 20))
    const folder = join(work, 'build-slow')
    expect(leftovers(folder).length, 'the build is running').toBeGreaterThan(0)
    const started = Date.now()
    await e.stop()
    expect(Date.now() - started).toBeLessThan(5000)
    for (let i = 0; i < 40 && leftovers(folder).length; i++) await new Promise((r) => setTimeout(r, 50))
    expect(leftovers(folder)).toEqual([])
  })
})

describe('cron schedules', () => {
  it('a schedule of every second runs the function with trigger schedule', async () => {
    const projectId = 'lifecycle-schedule'
    const s = await start(projectId, [
      { $id: 'tick', name: 'Tick', runtime: 'node-20.0', execute: [], path: join(work, 'tick'), entrypoint: 'index.js', schedule: '* * * * * *', timeout: 2 },
    ], { builds: true, triggers: true })
    const [tick] = await waitFor(s, projectId, (e) => e.functionId === 'tick' && finished(e))
    expect(tick).toMatchObject({ trigger: 'schedule', status: 'completed', responseStatusCode: 200, requestMethod: 'POST', requestPath: '/', logs: 'tick schedule' })
    expect(s.logs.some((l) => l.startsWith(`function tick (${projectId}): schedule execution ${tick!.$id} completed 200`))).toBe(true)
    await s.stop()
  })
})

describe('--no-function-builds and --no-function-triggers', () => {
  let b: Emulator
  const projectId = 'lifecycle-off'
  beforeAll(async () => {
    b = await start(projectId, [
      { ...BUILD, $id: 'build', name: 'Build', path: join(work, 'build-off') },
      { $id: 'tick', name: 'Tick', runtime: 'node-20.0', execute: [], path: join(work, 'tick'), entrypoint: 'index.js', schedule: '* * * * * *', timeout: 2 },
      { $id: 'on-document', name: 'On document', runtime: 'node-18.0', execute: [], events: ON_NOTES, path: join(work, 'on-document'), entrypoint: 'index.js' },
    ], { builds: false, triggers: false })
  })

  it('without builds the commands never run and the function runs as it is', async () => {
    const res = await execute(b, projectId, 'build')
    expect(res.body.status).toBe('completed')
    expect(JSON.parse(res.body.responseBody)).toMatchObject({ built: null, builds: 0 })
    expect(existsSync(join(work, 'build-off', 'build-count.txt'))).toBe(false)
    expect(count(b.logs, 'building')).toBe(0)
  })

  it('without triggers neither a schedule nor a document event runs a function', async () => {
    await createNote(b, projectId)
    // Long enough for two ticks of the every-second schedule and for an event's async execution.
    await new Promise((r) => setTimeout(r, 2200))
    const seen = await controlExecutions(b, projectId)
    expect(seen.filter((e) => e.trigger !== 'http')).toEqual([])
  })
})

describe('output and memory caps', () => {
  let a: Emulator
  const projectId = 'lifecycle-caps'
  beforeAll(async () => {
    a = await start(projectId, [
      { $id: 'misbehave', name: 'Misbehave', runtime: 'node-18.0', execute: ['any'], path: join(work, 'misbehave'), entrypoint: 'index.js', timeout: 5 },
      { $id: 'echo', name: 'Echo', runtime: 'node-18.0', execute: ['any'], path: join(work, 'echo'), entrypoint: 'index.js', timeout: 5 },
    ], { builds: true, triggers: true })
  })

  it('hundreds of MB of output fail with the output cap as the reason', async () => {
    const huge = await execute(a, projectId, 'misbehave', { path: '/huge' })
    expect(huge).toMatchObject({ status: 201, body: { status: 'failed', responseStatusCode: 500, responseBody: '' } })
    const [seen] = await controlExecutions(a, projectId)
    expect(seen!.errors).toContain('larger than 20 MB')
  })

  it('allocating past the memory cap fails with a memory reason while another function runs', async () => {
    const [memory, echo] = await Promise.all([execute(a, projectId, 'misbehave', { path: '/memory' }), execute(a, projectId, 'echo')])
    expect(memory.body).toMatchObject({ status: 'failed', responseStatusCode: 500 })
    expect(echo.body).toMatchObject({ status: 'completed', responseStatusCode: 200 })
    const seen = (await controlExecutions(a, projectId)).find((e) => e.$id === memory.body.$id)
    expect(seen!.errors).toMatch(/heap out of memory/i)
  })

  it('the emulator stays healthy and the same function runs again', async () => {
    expect((await fetch(`${a.origin}/_emulator/health`)).status).toBe(200)
    const ok = await execute(a, projectId, 'misbehave', { path: '/ok' })
    expect(ok.body).toMatchObject({ status: 'completed', responseBody: '{"ok":true}' })
  })
})
