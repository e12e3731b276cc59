import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/shared.js'

/**
 * The package as a user gets it: `npm pack`, the tarball installed into a new Vitest project with appwrite@14.0.1
 * (`npm install --prefer-offline`: with a warm npm cache nothing is downloaded; in CI the registry is there for
 * what the cache lacks), a sign-up-and-read-the-email test run there, `npx appwrite-emulator start`, and the type
 * declarations compiled without @types/node. Every step is bounded in time.
 */
const pkg = JSON.parse(readFileSync(resolve(repoRoot, 'package.json'), 'utf8'))
const INSTALL_MS = 300_000
let work: string
let project: string
let tarball: string

function run(command: string, args: string[], cwd: string, timeoutMs: number, env: Record<string, string> = {}) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
  return new Promise<{ code: number | null; output: string }>((res) => child.on('exit', (code) => (clearTimeout(timer), res({ code, output }))))
}

const npm = (args: string[], cwd: string, timeoutMs: number) =>
  // The suite's own npm settings (npm_config_* from `npm test`) must not leak into the user's project.
  run('npm', args, cwd, timeoutMs, Object.fromEntries(Object.keys(process.env).filter((k) => k.startsWith('npm_')).map((k) => [k, ''])))

beforeAll(async () => {
  if (!existsSync(resolve(repoRoot, 'dist/bundle/index.cjs'))) throw new Error('dist/bundle is missing: run `npm run build` first (npm test does)')
  work = mkdtempSync(join(tmpdir(), 'awe-pack-'))
  // --ignore-scripts: dist is built already (npm test builds first); `prepare` would build it again.
  const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', work], repoRoot, 60_000)
  expect(packed.code, packed.output).toBe(0)
  tarball = join(work, JSON.parse(packed.output.slice(packed.output.indexOf('[')))[0].filename)
  project = join(work, 'project')
  mkdirSync(join(project, 'test'), { recursive: true })
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'consumer', private: true, type: 'module', devDependencies: { 'appwrite-emulator': `file:${tarball}`, appwrite: '14.0.1', vitest: pkg.devDependencies.vitest } }, null, 2),
  )
  writeFileSync(join(project, 'vitest.config.js'), "import { defineConfig } from 'vitest/config'\nexport default defineConfig({ test: { globalSetup: ['appwrite-emulator/vitest/setup'] } })\n")
  writeFileSync(
    join(project, 'test', 'signup.test.js'),
    `import 'appwrite-emulator/node'
import { Client, Account, ID } from 'appwrite'
import { expect, it } from 'vitest'
import { useEmulator, useProject } from 'appwrite-emulator/vitest'

const emulator = useEmulator()
const project = useProject()

it('signs up, reads the verification email and verifies', async () => {
  const account = new Account(new Client().setEndpoint(emulator.url).setProject(project.id))
  await account.create(ID.unique(), 'ada@example.com', 'correct horse battery')
  await account.createEmailPasswordSession('ada@example.com', 'correct horse battery')
  await account.createVerification('http://localhost/verify')
  const [mail] = await emulator.messages(project.id)
  expect(mail.to).toBe('ada@example.com')
  await account.updateVerification(mail.data.userId, mail.data.secret)
  expect((await account.get()).emailVerification).toBe(true)
})

it('gets a project of its own, and reaches the control API', async () => {
  expect(await emulator.messages(project.id)).toEqual([])
  expect(await emulator.control('GET', '/_emulator/health')).toMatchObject({ status: 'pass' })
})
`,
  )
  // Install scripts stay off (npm 11 would ask to approve better-sqlite3's, which downloads or compiles its binary);
  // the binary this repository already has is the same version's, for the same machine.
  const installed = await npm(['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts'], project, INSTALL_MS)
  expect(installed.code, installed.output).toBe(0)
  const sqlite = join(project, 'node_modules', 'better-sqlite3')
  if (!existsSync(join(sqlite, 'build'))) cpSync(resolve(repoRoot, 'node_modules', 'better-sqlite3', 'build'), join(sqlite, 'build'), { recursive: true })
}, INSTALL_MS + 90_000)

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true })
})

describe('the packed package', () => {
  it('holds the bundles, the types, README, LICENSE and CHANGELOG, and no tests or source maps', async () => {
    const listed = await run('tar', ['tzf', tarball], work, 30_000)
    const files = listed.output.split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''))
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md', 'package.json', 'dist/bundle/cli.cjs', 'dist/bundle/index.cjs', 'dist/bundle/node.mjs', 'dist/bundle/node.cjs', 'dist/bundle/vitest.mjs', 'dist/bundle/vitest-setup.mjs', 'dist/bundle/jest.cjs', 'dist/bundle/jest-setup.cjs', 'dist/bundle/jest-teardown.cjs', 'dist/index.d.ts', 'dist/node/register.d.ts', 'dist/testing/vitest.d.ts']) {
      expect(files).toContain(f)
    }
    // Test fixtures live in testing/ folders below a service or store (dist/testing/ is the test-runner entries).
    expect(files.filter((f) => /\.map$|\.test\.|\.case\.|^test\/|^src\/|^dist\/[^/]+\/(?:.+\/)?testing\//.test(f))).toEqual([])
    expect(files.filter((f) => !/^dist\/bundle\/[\w-]+\.(cjs|mjs)$|\.d\.ts$|^(LICENSE|README\.md|CHANGELOG\.md|package\.json)$/.test(f))).toEqual([])
    // Only the vitest entries may load vitest.
    for (const f of files.filter((f) => f.startsWith('dist/bundle/') && !f.includes('vitest'))) {
      expect(readFileSync(join(project, 'node_modules', 'appwrite-emulator', f), 'utf8'), f).not.toMatch(/require\("vitest"\)|from "vitest"/)
    }
  })

  it('runs a sign-up-and-read-the-email test in a Vitest project that installed it', async () => {
    const { code, output } = await run(process.execPath, [join(project, 'node_modules', 'vitest', 'vitest.mjs'), 'run'], project, 120_000, { CI: '', NO_COLOR: '1', FORCE_COLOR: '0' })
    expect(output.replace(/\x1b\[[0-9;]*m/g, '')).toMatch(/Tests\s+2 passed \(2\)/)
    expect(code, output).toBe(0)
  }, 150_000)

  it('serves with `npx appwrite-emulator start` and prints --version', async () => {
    const version = await run('npx', ['--no-install', 'appwrite-emulator', '--version'], project, 60_000)
    expect(version.output).toContain(`appwrite-emulator ${pkg.version}`)
    const child = spawn('npx', ['--no-install', 'appwrite-emulator', 'start', '--port', '0', '--in-memory'], { cwd: project, stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    let output = ''
    child.stdout.on('data', (d) => (output += d))
    child.stderr.on('data', (d) => (output += d))
    try {
      for (let i = 0; i < 200 && !/API:\s+http/.test(output); i++) await new Promise((r) => setTimeout(r, 50))
      const url = /API:\s+(http:\/\/\S+)/.exec(output)?.[1]
      expect(url, output).toBeDefined()
      const health = await fetch(url!.replace('/v1', '/_emulator/health'))
      expect(health.status).toBe(200)
    } finally {
      process.kill(-child.pid!, 'SIGTERM')
    }
  }, 90_000)

  it('has type declarations that compile without @types/node', async () => {
    const dir = join(project, 'types-check')
    mkdirSync(dir)
    writeFileSync(join(dir, 'package.json'), '{ "type": "module" }')
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, skipLibCheck: false, types: [], lib: ['ES2022', 'DOM'] }, include: ['check.ts'] }),
    )
    writeFileSync(
      join(dir, 'check.ts'),
      `import { startEmulator, ConfigError, OptionsError, StartError, type EmulatorOptions, type RunningEmulator } from 'appwrite-emulator'
import { browserOf } from 'appwrite-emulator/node'
import { Client } from 'appwrite'

const options: Partial<EmulatorOptions> = { port: 0, inMemory: true, logLevel: 'silent' }
const emulator: RunningEmulator = await startEmulator(options)
const problems: number = emulator.loaded.warnings.length
const names: string[] = browserOf(new Client()).cookies.names()
const stored: string | null = browserOf(new Client()).localStorage.getItem('cookieFallback')
console.log(problems, names, stored, ConfigError, OptionsError, StartError)
await emulator.stop()
`,
    )
    expect(existsSync(join(project, 'node_modules', '@types', 'node')), 'the consumer has no @types/node').toBe(false)
    const { code, output } = await run(process.execPath, [resolve(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], dir, 90_000)
    expect(output.split('\n').slice(0, 20).join('\n')).toBe('')
    expect(code).toBe(0)
  }, 100_000)
})

/** What the tarball's bundle folder holds, for a failure message. */
export const bundleFiles = () => readdirSync(resolve(repoRoot, 'dist/bundle'))
