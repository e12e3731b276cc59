// `npm run start:cluster` (scripts/start-cluster.mjs): it creates the missing database, starts two processes on two
// ports, prints both endpoints, a session made on one works on the other, and SIGTERM stops both and then itself.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildCli, call, clusterConfig, freePort, sessionCookie } from './cluster.js'
import { describeWith, namedDatabase, REDIS_URL, type FreshDatabase } from './pg-harness.js'

const SCRIPT = resolve(import.meta.dirname, '../../scripts/start-cluster.mjs')

describeWith(['postgres', 'redis'], 'npm run start:cluster', () => {
  let db: FreshDatabase
  let script: ChildProcess
  let output = ''
  let exited: Promise<number | null>
  const ports: number[] = []

  /** Waits until `pattern` shows in the script's output; fails after `ms` with what it printed. */
  async function printed(pattern: RegExp, ms: number): Promise<void> {
    const deadline = Date.now() + ms
    while (!pattern.test(output)) {
      if (script.exitCode !== null) throw new Error(`start-cluster exited with ${script.exitCode}:\n${output}`)
      if (Date.now() > deadline) throw new Error(`start-cluster printed no ${pattern} within ${ms} ms:\n${output}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  beforeAll(async () => {
    // A database nobody made yet: the script must create it.
    db = namedDatabase()
    const cli = await buildCli()
    ports.push(await freePort(), await freePort())
    const work = mkdtempSync(join(tmpdir(), 'awe-start-cluster-'))
    script = spawn(process.execPath, [SCRIPT, '--cli', cli, '--ports', ports.join(','), '--store', db.url, '--bus', REDIS_URL, '--files', join(work, 'files'), '--', '--config', clusterConfig(), '--log-level', 'warn', '--log-format', 'json'], {
      cwd: work, env: { ...process.env, CI: '' }, stdio: ['ignore', 'pipe', 'pipe'],
    })
    script.stdout!.on('data', (chunk) => (output += chunk))
    script.stderr!.on('data', (chunk) => (output += chunk))
    exited = new Promise((done) => script.once('exit', (code) => done(code)))
    await printed(/start-cluster: ready/, 60_000)
  }, 90_000)
  afterAll(async () => {
    if (script?.exitCode === null) {
      script.kill('SIGKILL')
      await exited
    }
    await db?.drop()
  })

  it('created the database and printed both endpoints', () => {
    expect(output).toContain(`start-cluster: created the database ${db.name}`)
    for (const port of ports) expect(output).toContain(`  http://127.0.0.1:${port}\n`)
  })

  it('a session made on one port works on the other', async () => {
    const [a, b] = ports.map((p) => `http://127.0.0.1:${p}`) as [string, string]
    const project = `start-cluster-${Date.now().toString(36)}`
    expect((await call(a, 'POST', '/v1/account', { project, body: { userId: 'erin', email: 'erin@example.test', password: 'erin-password-1' } })).status).toBe(201)
    const signIn = await call(a, 'POST', '/v1/account/sessions/email', { project, body: { email: 'erin@example.test', password: 'erin-password-1' } })
    expect(signIn.status).toBe(201)
    const me = await call(b, 'GET', '/v1/account', { project, cookie: sessionCookie(signIn.headers) })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ $id: 'erin', email: 'erin@example.test' })
  })

  it('SIGTERM stops both processes, then the script exits 0', async () => {
    script.kill('SIGTERM')
    const code = await Promise.race([exited, new Promise<'late'>((done) => setTimeout(() => done('late'), 20_000))])
    expect(code, output).toBe(0)
    for (const port of ports) {
      expect(await fetch(`http://127.0.0.1:${port}/_emulator/health`).then(() => 'answered', () => 'refused')).toBe('refused')
    }
    expect(output).not.toMatch(/"level":(50|60)/)
  }, 30_000)
})
