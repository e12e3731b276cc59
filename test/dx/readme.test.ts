import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { repoRoot } from '../harness/shared.js'
import { readmeBlocks } from './readme-blocks.js'

/**
 * Runs every README block marked `<!-- runnable -->` as a user would: a file of its own in a folder whose
 * node_modules has `appwrite-emulator` (this repository, built) and `appwrite`, against a started emulator.
 * The only change to the text: the README's `http://127.0.0.1:8080` becomes the test emulator's origin.
 */
const blocks = readmeBlocks().filter((b) => b.runnable)
let emulator: RunningEmulator
let dir: string

beforeAll(async () => {
  if (!existsSync(resolve(repoRoot, 'dist/bundle/node.mjs'))) throw new Error('dist/bundle is missing: run `npm run build` first (npm test does)')
  emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent' })
  dir = mkdtempSync(join(tmpdir(), 'awe-readme-'))
  mkdirSync(join(dir, 'node_modules'))
  symlinkSync(repoRoot, join(dir, 'node_modules', 'appwrite-emulator'), 'dir')
  symlinkSync(resolve(repoRoot, 'node_modules', 'appwrite'), join(dir, 'node_modules', 'appwrite'), 'dir')
})
afterAll(async () => {
  await emulator?.stop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

function runNode(file: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, [file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000)
  return new Promise((res) => child.on('exit', (code) => (clearTimeout(timer), res({ code, output }))))
}

describe('README', () => {
  it('marks its first SDK example and the other self-contained examples runnable', () => {
    const firstJs = readmeBlocks().find((b) => b.language === 'js')!
    expect(firstJs.runnable).toBe(true)
    expect(firstJs.code).toContain("import 'appwrite-emulator/node'")
    expect(blocks.length).toBeGreaterThanOrEqual(3)
  })

  it.each(blocks.map((b) => [b.line, b] as const))('runs the block at line %i', async (line, block) => {
    const file = join(dir, `readme-${line}.mjs`)
    writeFileSync(file, block.code.replaceAll('http://127.0.0.1:8080', emulator.origin))
    const { code, output } = await runNode(file)
    expect({ code, output }).toMatchObject({ code: 0 })
    expect(output).not.toMatch(/AppwriteException|Error:/)
  })
})
