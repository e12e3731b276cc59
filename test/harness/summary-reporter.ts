import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Reporter, TestModule } from 'vitest/node'
import { SKIP_LOG_ENV, SPEC_DIR_ENV } from './shared.js'

/**
 * Ends the run with one plain line, `N passed, N failed, N skipped`, that any CI can read, after vitest's
 * own coloured summary; before it, `N spec checks not run: …` when checks were skipped for a missing shared folder
 * (each skip is a line the test workers append to a file whose path this reporter puts in the environment).
 */
export default class SummaryReporter implements Reporter {
  private skipDir: string | undefined

  onInit() {
    this.skipDir = mkdtempSync(join(tmpdir(), 'awe-skips-'))
    process.env[SKIP_LOG_ENV] = join(this.skipDir, 'skips.jsonl')
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>) {
    let passed = 0
    let failed = 0
    let skipped = 0
    for (const module of testModules) {
      for (const test of module.children.allTests()) {
        const state = test.result().state
        if (state === 'passed') passed++
        else if (state === 'failed') failed++
        else skipped++
      }
      if (module.state() === 'failed' && [...module.children.allTests()].length === 0) failed++
    }
    failed += unhandledErrors.length
    const notRun = this.takeSkips()
    if (notRun) process.stdout.write(`\n${notRun}`)
    process.stdout.write(`\n${passed} passed, ${failed} failed, ${skipped} skipped\n`)
  }

  /** `24 spec checks not run: 20 × checking e2e responses…, 4 × …; /x/shared is missing (…)`, or '' for none. */
  private takeSkips(): string {
    if (!this.skipDir) return ''
    let lines: string[] = []
    try {
      lines = readFileSync(join(this.skipDir, 'skips.jsonl'), 'utf8').split('\n').filter(Boolean)
    } catch {
      // no file: nothing was skipped
    }
    rmSync(this.skipDir, { recursive: true, force: true })
    this.skipDir = undefined
    if (lines.length === 0) return ''
    const byWhat = new Map<string, number>()
    let dir = ''
    for (const line of lines) {
      const entry = JSON.parse(line) as { what: string; dir: string }
      byWhat.set(entry.what, (byWhat.get(entry.what) ?? 0) + 1)
      dir = entry.dir
    }
    const kinds = [...byWhat].sort((a, b) => b[1] - a[1]).map(([what, n]) => `${n} × ${what}`)
    return `${lines.length} spec checks not run: ${kinds.join(', ')}; ${dir} is missing (set ${SPEC_DIR_ENV} to another copy; with CI=true these fail)\n`
  }
}
