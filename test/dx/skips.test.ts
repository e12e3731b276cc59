import { appendFileSync, existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import SummaryReporter from '../harness/summary-reporter.js'
import { defaultSharedDir, sharedDirFrom, SKIP_LOG_ENV } from '../harness/shared.js'

describe('APPWRITE_SPEC_DIR', () => {
  it('names the shared folder, or its appwrite-1.5 folder; unset means ../shared', () => {
    expect(sharedDirFrom(undefined)).toBe(defaultSharedDir)
    expect(sharedDirFrom('/copies/shared')).toBe('/copies/shared')
    expect(sharedDirFrom('/copies/shared/appwrite-1.5')).toBe('/copies/shared')
    expect(sharedDirFrom('relative/shared')).toBe(resolve('relative/shared'))
  })
})

describe('the closing summary', () => {
  it('counts the spec checks not run, by kind, before the plain totals line', () => {
    const saved = process.env[SKIP_LOG_ENV]
    const reporter = new SummaryReporter()
    const out = vi.spyOn(process.stdout, 'write').mockImplementation(() => true)
    try {
      reporter.onInit()
      const log = process.env[SKIP_LOG_ENV]!
      for (const what of ['the e2e check', 'the e2e check', 'the errors check']) appendFileSync(log, `${JSON.stringify({ what, dir: '/x/shared' })}\n`)
      reporter.onTestRunEnd([], [])
      const printed = out.mock.calls.map((c) => String(c[0])).join('')
      expect(printed).toBe(
        '\n3 spec checks not run: 2 × the e2e check, 1 × the errors check; /x/shared is missing (set APPWRITE_SPEC_DIR to another copy; with CI=true these fail)\n\n0 passed, 0 failed, 0 skipped\n',
      )
      expect(existsSync(log)).toBe(false)
      out.mockClear()
      reporter.onInit()
      reporter.onTestRunEnd([], [])
      expect(out.mock.calls.map((c) => String(c[0])).join('')).toBe('\n0 passed, 0 failed, 0 skipped\n')
    } finally {
      out.mockRestore()
      if (saved === undefined) delete process.env[SKIP_LOG_ENV]
      else process.env[SKIP_LOG_ENV] = saved
    }
  })
})
