import { writeFile, rename } from 'node:fs/promises'
import { ControllableClock, parseClockAdvance, type ClockState } from '../domain/dates.js'
import type { Services } from '../services/index.js'
import type { ProjectArchives } from './archive.js'
import { invalid } from './body.js'
import { coverageTable, type CoverageReport } from './coverage.js'
import type { FaultRule } from './faults.js'
import type { ProjectStates, SnapshotInfo } from './project-states.js'
import type { LoggedRequest, RequestFilter } from './request-log.js'
import type { TestFeatures } from './test-features.js'
import type { EmulatorTestFeatures } from './public-types.js'
export type { EmulatorTestFeatures }

/** What the control API registered for one app, so `startEmulator()` can offer the same features as functions. */
export interface ControlParts {
  features: TestFeatures
  states: ProjectStates
  archives: ProjectArchives
}

const parts = new WeakMap<Services, ControlParts>()

/** Called by the control routes once they are registered. */
export function attachControlParts(services: Services, control: ControlParts): void {
  parts.set(services, control)
}


/** The test features of an app built by `buildApp` (with its control routes). */
export function emulatorTestFeatures(services: Services): EmulatorTestFeatures {
  const control = parts.get(services)
  if (!control) throw new Error('the control routes are not registered on this app')
  const clock = services.clock as ControllableClock
  const { features, states, archives } = control
  return {
    clock: {
      state: () => clock.state(),
      advance(by) {
        const ms = parseClockAdvance(by)
        if (ms === null) throw invalid(`advance must be seconds or a duration such as "90m", got ${JSON.stringify(by)}`)
        clock.advance(ms)
        return clock.state()
      },
      set(to) {
        const ms = to instanceof Date ? to.getTime() : Date.parse(to)
        if (!Number.isFinite(ms)) throw invalid(`set needs an ISO 8601 date, got ${JSON.stringify(to)}`)
        clock.set(ms)
        return clock.state()
      },
      freeze(frozen = true) {
        clock.freeze(frozen)
        return clock.state()
      },
      reset() {
        clock.reset()
        return clock.state()
      },
    },
    faults: {
      add: (projectId, rules) => features.faults.add(projectId, rules),
      list: (projectId) => features.faults.list(projectId),
      clear: (projectId) => features.faults.clear(projectId),
    },
    requests: (projectId, filter) => features.requests.list(projectId, filter),
    coverage: (projectId) => features.coverage.report(projectId),
    resetCoverage: (projectId) => features.coverage.reset(projectId),
    snapshot: (projectId) => states.snapshot(projectId),
    restore: (projectId, snapshotId) => states.restore(projectId, snapshotId),
    fork: (projectId, newProjectId) => states.fork(projectId, newProjectId),
    exportProject: (projectId, file) => archives.exportToFile(projectId, file),
    importProject: (file, projectId) => archives.importFile(file, projectId),
  }
}

/** Writes the coverage report: JSON to `file`, the readable table to `<file>.txt` (each through a renamed temporary file). */
export async function writeCoverageReport(report: CoverageReport, file: string): Promise<string> {
  const table = coverageTable(report)
  for (const [path, text] of [[file, `${JSON.stringify(report, null, 2)}\n`], [`${file}.txt`, table]] as const) {
    const temporary = `${path}.${process.pid}.partial`
    await writeFile(temporary, text)
    await rename(temporary, path)
  }
  return table
}
