import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { Cron } from 'croner'
import { describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { ControllableClock, parseClockAdvance } from '../../src/domain/dates.js'
import { scheduleOnClock } from '../../src/functions/clock-schedule.js'
import { writeTestFeaturesConfig } from './support.js'

/**
 * The test features through `startEmulator()`'s return value and options (`importFile`, `exportOnExit`,
 * `coverageReport`, which the CLI's `--import`, `--export-on-exit` and `--coverage-report` set), and the clock's
 * pieces on their own: durations, freezing, and cron schedules that fire as the emulated clock passes them.
 */

async function signUp(emulator: RunningEmulator, projectId: string, email: string): Promise<number> {
  const res = await fetch(`${emulator.url}/account`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-appwrite-project': projectId },
    body: JSON.stringify({ userId: 'unique()', email, password: 'password123' }),
  })
  return res.status
}

describe('startEmulator() test features', () => {
  it('exports on stop through a renamed temporary file, imports on start, and writes the coverage report', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-api-'))
    const archive = join(dir, 'features.tar')
    const report = join(dir, 'coverage.json')
    writeFileSync(archive, 'the previous export')
    const config = writeTestFeaturesConfig()
    const first = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config, exportOnExit: archive, coverageReport: report })
    expect(await signUp(first, 'features', 'ada@example.test')).toBe(201)
    expect(first.clock.freeze().frozen).toBe(true)
    const moved = first.clock.advance('90m')
    expect(Date.parse(moved.now) - Date.parse(first.clock.reset().now)).toBeGreaterThan(89 * 60_000)
    expect(first.requests('features')[0]).toMatchObject({ operation: 'account.create', status: 201 })
    const snapshot = await first.snapshot('features')
    expect(await signUp(first, 'features', 'bob@example.test')).toBe(201)
    await first.restore('features', snapshot.$id)
    expect(await signUp(first, 'features', 'bob@example.test')).toBe(201) // bob was gone again
    await first.fork('features', 'featuresCopy')
    expect(await signUp(first, 'featuresCopy', 'ada@example.test')).toBe(409)
    await expect(first.exportProject('features', join(dir, 'missing-folder', 'x.tar'))).rejects.toThrow()
    await first.stop()

    expect(readFileSync(archive).subarray(0, 13).toString()).toBe('manifest.json')
    expect(readdirSync(dir).filter((f) => f.includes('.partial'))).toEqual([])
    const coverage = JSON.parse(readFileSync(report, 'utf8'))
    expect(coverage.operations.exercised.map((e: { operation: string }) => e.operation)).toEqual(['account.create'])
    expect(readFileSync(`${report}.txt`, 'utf8')).toMatch(/✓ account\.create +\d+ calls/)
    expect(first.coverageTable()).toContain('1/95 operations')

    const second = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config, importFile: archive })
    try {
      expect(await signUp(second, 'features', 'ada@example.test')).toBe(409)
      expect(await signUp(second, 'features', 'bob@example.test')).toBe(409)
      expect(await signUp(second, 'features', 'cy@example.test')).toBe(201)
    } finally {
      await second.stop()
    }
    writeFileSync(join(dir, 'bad.tar'), 'not an archive')
    await expect(startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config, importFile: join(dir, 'bad.tar') })).rejects.toThrow(/--import .*bad\.tar: The body is not a project archive/)
    await expect(startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config, importFile: join(dir, 'none.tar') })).rejects.toThrow(/--import: no such file/)
    expect(existsSync(join(dir, 'none.tar'))).toBe(false)
  })
})

describe('the controllable clock', () => {
  it('reads durations as the control API takes them', () => {
    expect(parseClockAdvance(90)).toBe(90_000)
    expect(parseClockAdvance('90m')).toBe(5_400_000)
    expect(parseClockAdvance('1h30m')).toBe(5_400_000)
    expect(parseClockAdvance('1y')).toBe(31_536_000_000)
    expect(parseClockAdvance('-2d')).toBe(-172_800_000)
    expect(parseClockAdvance('1.5s')).toBe(1500)
    for (const bad of ['soon', '', '5 minutes', 'm', null, {}, Number.NaN]) expect(parseClockAdvance(bad)).toBeNull()
  })

  it('runs from its base, freezes, jumps and resets', () => {
    let base = 1_000_000
    const clock = new ControllableClock({ now: () => base })
    clock.advance(500)
    base += 100
    expect(clock.now()).toBe(1_000_600)
    clock.freeze(true)
    base += 1000
    expect(clock.now()).toBe(1_000_600)
    clock.set(5_000_000)
    expect(clock.state()).toMatchObject({ frozen: true, now: '1970-01-01T01:23:20.000+00:00' })
    clock.freeze(false)
    base += 10
    expect(clock.now()).toBe(5_000_010)
    clock.reset()
    expect(clock.now()).toBe(base)
  })

  it('fires a cron schedule once each time the emulated clock passes it, and not while frozen', async () => {
    const clock = new ControllableClock()
    clock.set(Date.parse('2030-01-01T00:00:30Z'))
    clock.freeze(true)
    const fired: string[] = []
    const stop = scheduleOnClock(new Cron('* * * * *', { paused: true }), clock, () => fired.push(new Date(clock.now()).toISOString()))
    try {
      await new Promise((r) => setTimeout(r, 50))
      expect(fired).toEqual([])
      clock.advance(30_000) // 00:01:00, the next minute
      expect(fired).toEqual(['2030-01-01T00:01:00.000Z'])
      clock.advance(10 * 60_000) // ten minutes in one jump: one catch-up run
      expect(fired).toHaveLength(2)
      clock.set(Date.parse('2029-12-31T23:00:10Z')) // back in time: the next run is the first after it
      clock.advance(49_000)
      expect(fired).toHaveLength(2)
      clock.advance(1_000)
      expect(fired[2]).toBe('2029-12-31T23:01:00.000Z')
    } finally {
      stop()
    }
    clock.advance(3_600_000)
    expect(fired).toHaveLength(3)
  })
})

describe('function schedules on the emulated clock', () => {
  it('a yearly schedule runs once the clock is advanced past it, with trigger schedule', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-schedule-'))
    cpSync(resolve(import.meta.dirname, '../fixtures/functions/tick'), join(dir, 'tick'), { recursive: true })
    const config = join(dir, 'appwrite.json')
    writeFileSync(config, JSON.stringify({
      projectId: 'scheduled',
      functions: [{ $id: 'tick', name: 'Tick', runtime: 'node-20.0', execute: [], path: join(dir, 'tick'), entrypoint: 'index.js', schedule: '0 0 1 1 *', timeout: 5, logging: true }],
    }))
    const emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config })
    const executions = async () => (await (await fetch(`${emulator.origin}/_emulator/projects/scheduled/executions`)).json()).executions as { trigger: string; status: string }[]
    try {
      expect(await signUp(emulator, 'scheduled', 'ada@example.test')).toBe(201)
      await new Promise((r) => setTimeout(r, 300))
      expect(await executions()).toEqual([])
      const res = await fetch(`${emulator.origin}/_emulator/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance: '366d' }) })
      expect(res.status).toBe(200)
      let seen: { trigger: string; status: string }[] = []
      for (let i = 0; i < 100 && !seen.some((e) => e.status === 'completed'); i++) {
        await new Promise((r) => setTimeout(r, 100))
        seen = await executions()
      }
      expect(seen).toHaveLength(1)
      expect(seen[0]).toMatchObject({ trigger: 'schedule', status: 'completed' })
    } finally {
      await emulator.stop()
    }
  })
})
