import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator } from '../../src/index.js'

const CLI = resolve(import.meta.dirname, '../../dist/bundle/cli.cjs')
const children: ChildProcess[] = []

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL')
})

/** Starts the compiled CLI and waits for its banner; resolves with the API URL and the output so far. */
function start(args: string[], env: Record<string, string> = {}): Promise<{ child: ChildProcess; url: string; output: () => string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no banner in 10 s:\n${out}`)), 10_000)
    const check = () => {
      const m = /API:\s+(http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res({ child, url: m[1], output: () => out })
      }
    }
    child.stdout!.on('data', check)
    child.on('exit', (code) => {
      clearTimeout(timer)
      rej(new Error(`exited ${code}:\n${out}`))
    })
  })
}

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let output = ''
  child.stdout!.on('data', (d) => (output += d))
  child.stderr!.on('data', (d) => (output += d))
  return new Promise((res) => child.on('exit', (code) => res({ code, output })))
}

const exited = (child: ChildProcess) => new Promise<number | null>((res) => child.on('exit', (code) => res(code)))

describe('appwrite-emulator start', () => {
  it('prints a banner, answers health, logs one line per request and stops on SIGTERM', async () => {
    const { child, url, output } = await start(['start', '--port', '0', '--in-memory'])
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/)
    expect(output()).toMatch(/Data:\s+in memory/)
    expect(output()).toMatch(/Config:\s+none/)
    const health = await fetch(url.replace('/v1', '/_emulator/health'))
    expect(health.status).toBe(200)
    expect(await health.json()).toMatchObject({ status: 'pass' })
    await fetch(`${url}/account?secret=hunter2`, { headers: { 'x-appwrite-project': 'p1' } })
    await new Promise((r) => setTimeout(r, 100))
    const lines = output().split('\n').filter((l) => l.includes('/v1/account'))
    expect(lines).toHaveLength(1)
    expect(lines[0]).toContain('"level":30')
    expect(lines[0]).toContain('GET /v1/account?secret=*** 401')
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)
  })

  it('registers --platform hosts, lists them in the banner and logs how to register a refused origin', async () => {
    const { child, url, output } = await start(['start', '--port', '0', '--in-memory', '--platform', 'app.example.com', '--platform', '*.example.dev'])
    expect(output()).toMatch(/Platforms: localhost, 127\.0\.0\.1, ::1, the API host, app\.example\.com, \*\.example\.dev/)
    const anonymous = (origin: string) =>
      fetch(`${url}/account/sessions/anonymous`, { method: 'POST', headers: { 'x-appwrite-project': 'p1', origin } })
    expect((await anonymous('https://app.example.com')).status).toBe(201)
    expect((await anonymous('https://preview.example.dev')).status).toBe(201)
    const refused = await anonymous('https://evil.example.org')
    expect(refused.status).toBe(403)
    expect(await refused.json()).toMatchObject({ type: 'general_unknown_origin', message: expect.stringContaining('(evil.example.org) as a new Web platform') })
    for (let i = 0; i < 50 && !output().includes('--platform evil.example.org'); i++) await new Promise((r) => setTimeout(r, 50))
    expect(output()).toContain('--platform evil.example.org')
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)

    const open = await start(['start', '--port', '0', '--in-memory', '--any-origin'])
    expect(open.output()).toMatch(/Platforms: any origin/)
    const res = await fetch(`${open.url}/account/sessions/anonymous`, { method: 'POST', headers: { 'x-appwrite-project': 'p1', origin: 'https://evil.example.org' } })
    expect(res.status).toBe(201)
    expect(res.headers.get('access-control-allow-origin')).toBe('https://evil.example.org')
    open.child.kill('SIGTERM')
    expect(await exited(open.child)).toBe(0)
  })

  it('keeps data on disk across restarts with --data, and reads flags from the environment', async () => {
    const data = mkdtempSync(join(tmpdir(), 'awe-data-'))
    const first = await start(['start'], { APPWRITE_EMULATOR_PORT: '0', APPWRITE_EMULATOR_DATA: data })
    expect(first.output()).toContain(`Data:     ${data}`)
    const created = await fetch(`${first.url}/account`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'persist' },
      body: JSON.stringify({ userId: 'keep', email: 'keep@example.test', password: 'password123' }),
    })
    expect(created.status).toBe(201)
    first.child.kill('SIGINT')
    expect(await exited(first.child)).toBe(0)
    const second = await start(['start', '--port', '0', '--data', data])
    const login = await fetch(`${second.url}/account/sessions/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'persist' },
      body: JSON.stringify({ email: 'keep@example.test', password: 'password123' }),
    })
    expect(login.status).toBe(201)
  })

  it('stops on an invalid config, naming the file, the JSON path and the problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-cfg-'))
    const file = join(dir, 'appwrite.json')
    writeFileSync(file, JSON.stringify({ projectId: 'ok', buckets: [{ $id: 'b', compression: 'brotli' }] }))
    const { code, output } = await run(['start', '--port', '0', '--in-memory', '--config', file])
    expect(code).toBe(1)
    expect(output).toContain(`${file}:1:55: $.buckets[0].compression: must be one of none, gzip, zstd`)
  })

  it('reports every config problem at once and warns about unknown keys with the nearest known one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-cfg-'))
    const file = join(dir, 'appwrite.json')
    writeFileSync(file, '{\n  "projectId": "_x",\n  "teams": [{ "$id": "t" }]\n}')
    const bad = await run(['start', '--port', '0', '--in-memory', '--config', file])
    expect(bad.code).toBe(1)
    expect(bad.output).toContain(`appwrite-emulator: invalid configuration\n  ${file}:2:16: $.projectId: "_x" is not a valid ID`)
    expect(bad.output).toContain(`\n  ${file}:3:13: $.teams[0].name: must be a string`)
    writeFileSync(
      file,
      JSON.stringify({ projectID: 'typo', projectId: 'app', databases: [{ $id: 'main' }], colections: [], buckets: [{ $id: 'pics' }], teams: [{ $id: 'admins', name: 'A' }], topics: [{ $id: 'news' }] }, null, 2),
    )
    const { child, output } = await start(['start', '--port', '0', '--in-memory', '--config', file])
    for (let i = 0; i < 50 && !output().includes('colections'); i++) await new Promise((r) => setTimeout(r, 20))
    expect(output()).toContain(`${file}:2:3: $.projectID: unknown key, ignored; did you mean \\"projectId\\"?`)
    expect(output()).toContain(`${file}:9:3: $.colections: unknown key, ignored; did you mean \\"collections\\"?`)
    expect(output()).toMatch(/project ID: +app\n/)
    expect(output()).toMatch(/databases: +1 \(main\)\n/)
    expect(output()).toMatch(/collections: +none\n/)
    expect(output()).toMatch(/buckets: +1 \(pics\)\n/)
    expect(output()).toMatch(/functions: +none\n/)
    expect(output()).toMatch(/teams: +1 \(admins\)\n/)
    expect(output()).toMatch(/topics: +1 \(news\)\n/)
    expect(output()).toMatch(/warnings: +2 \(unknown keys, each logged at warn\)/)
    child.kill('SIGTERM')
    expect(await exited(child)).toBe(0)
  })

  it('exits 2 for bad usage, naming the flag or environment variable, and prints --version and --help', async () => {
    const cases: [string[], Record<string, string>, RegExp][] = [
      [['start', '--port', 'abc'], {}, /--port must be a whole number from 0 to 65535, got "abc"/],
      [['start', '--port', '70000'], {}, /--port must be a whole number from 0 to 65535, got "70000"/],
      [['start'], { APPWRITE_EMULATOR_PORT: 'abc' }, /APPWRITE_EMULATOR_PORT must be a whole number from 0 to 65535, got "abc"/],
      [['start'], { APPWRITE_EMULATOR_LOG_FORMAT: 'xml' }, /APPWRITE_EMULATOR_LOG_FORMAT must be pretty or json, got "xml"/],
      [['start', '--log-format', 'xml'], {}, /--log-format must be pretty or json/],
      [['start', '--in-memory', '--port', '0', '--control-token', 'short'], {}, /--control-token must be at least 16 characters/],
      [['start'], { APPWRITE_EMULATOR_CONTROL_TOKEN: 'short' }, /APPWRITE_EMULATOR_CONTROL_TOKEN must be at least 16 characters/],
      [['start', '--max-projects', 'many'], {}, /--max-projects must be a whole number of at least 1, got "many"/],
      [['start', '--project-ttl', 'soon'], {}, /--project-ttl must be a duration/],
      [['start'], { APPWRITE_EMULATOR_PROJECT_TTL: 'soon' }, /APPWRITE_EMULATOR_PROJECT_TTL must be a duration/],
      [['start', '--prot', '1'], {}, /Unknown option '--prot'/],
      [['serve'], {}, /unknown command "serve" \(the command is "start"\)/],
      [[], {}, /missing command/],
      [['start', 'now'], {}, /unexpected argument "now"/],
    ]
    for (const [args, env, message] of cases) {
      const { code, output } = await run(args, env)
      expect({ args, env, code }).toEqual({ args, env, code: 2 })
      expect(output).toMatch(message)
      expect(output).toContain('Run `appwrite-emulator --help`')
      expect(output).not.toMatch(/\n\s+at /)
    }
    const help = await run(['--help'])
    expect(help.code).toBe(0)
    expect(help.output).toContain('--in-memory')
    expect(help.output).toContain('--log-format')
    const version = await run(['--version'])
    expect(version.code).toBe(0)
    const pkg = JSON.parse(readFileSync(resolve(import.meta.dirname, '../../package.json'), 'utf8'))
    expect(version.output).toBe(`appwrite-emulator ${pkg.version} (Appwrite client API 1.5.11)\n`)
    expect((await run(['-v'])).output).toBe(version.output)
  })

  it('exits 1 with one line for an unusable --data and for a busy port, suggesting --port 0', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-data-'))
    const file = join(dir, 'a-file')
    writeFileSync(file, 'x')
    for (const [args, env, source] of [
      [['start', '--port', '0', '--data', file], {}, '--data'],
      [['start', '--port', '0'], { APPWRITE_EMULATOR_DATA: join(file, 'below') }, 'APPWRITE_EMULATOR_DATA'],
    ] as const) {
      const { code, output } = await run([...args], env)
      expect(code).toBe(1)
      expect(output.trim().split('\n')).toHaveLength(1)
      expect(output).toContain(`(${source}): it (or a folder above it) is a file, not a folder; name another with --data, or use --in-memory`)
    }
    const first = await start(['start', '--port', '0', '--in-memory'])
    const port = new URL(first.url).port
    const busy = await run(['start', '--port', port, '--in-memory'])
    expect(busy.code).toBe(1)
    expect(busy.output.trim()).toBe(`appwrite-emulator: cannot listen on 127.0.0.1:${port} (--port): the port is in use; stop what holds it, or pass --port 0 for a free one`)
    const busyEnv = await run(['start', '--in-memory'], { APPWRITE_EMULATOR_PORT: port })
    expect(busyEnv.output).toContain(`(APPWRITE_EMULATOR_PORT): the port is in use`)
  })

  it('logs JSON lines when not on a terminal, and readable lines with --log-format pretty', async () => {
    const { url, output } = await start(['start', '--port', '0', '--in-memory', '--log-format', 'pretty'])
    await fetch(`${url}/account`, { headers: { 'x-appwrite-project': 'p1' } })
    for (let i = 0; i < 50 && !output().includes('/v1/account'); i++) await new Promise((r) => setTimeout(r, 20))
    const line = output().split('\n').find((l) => l.includes('/v1/account'))!
    expect(line).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/v1\/account 401 [\d.]+ms$/)
    expect(output()).not.toContain('"level"')
  })

  it('guards the control API with --control-token', async () => {
    const token = 'cli-control-token-0123456789'
    const { url, output } = await start(['start', '--port', '0', '--in-memory', '--control-token', token])
    expect(output()).toMatch(/needs the control token/)
    const messages = url.replace('/v1', '/_emulator/projects/p/messages')
    expect((await fetch(messages)).status).toBe(401)
    expect((await fetch(messages, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200)
  })
})

describe('startEmulator()', () => {
  it('gives url, stop, reset and messages for a test-suite global setup', async () => {
    const emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent' })
    const post = () =>
      fetch(`${emulator.url}/account`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-appwrite-project': 'suite' },
        body: JSON.stringify({ userId: 'u1', email: 'u1@example.test', password: 'password123' }),
      })
    expect((await post()).status).toBe(201)
    expect((await post()).status).toBe(409)
    await emulator.reset('suite')
    expect((await post()).status).toBe(201)
    expect(await emulator.messages('suite')).toEqual([])
    const control = await fetch(`${emulator.origin}/_emulator/projects/suite/messages`)
    expect(await control.json()).toEqual({ total: 0, messages: [] })
    const reset = await fetch(`${emulator.origin}/_emulator/projects/suite`, { method: 'DELETE' })
    expect(reset.status).toBe(204)
    expect((await post()).status).toBe(201)
    await emulator.stop()
  })

  it('loads the config: a project it does not name gets its settings on first use', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-cfg-'))
    writeFileSync(join(dir, 'appwrite.json'), JSON.stringify({ projectId: 'named', settings: { auth: { methods: { anonymous: false } } } }))
    const emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config: join(dir, 'appwrite.json') })
    for (const project of ['named', 'other-project']) {
      const res = await fetch(`${emulator.url}/account/sessions/anonymous`, { method: 'POST', headers: { 'x-appwrite-project': project } })
      expect((await res.json()).type).toBe('user_auth_method_unsupported')
    }
    await emulator.stop()
  })
})
