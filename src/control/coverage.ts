import { formatDate, type Clock } from '../domain/dates.js'
import type { CoverageReport } from './public-types.js'
export type { CoverageReport }

interface Counts {
  operations: Map<string, number>
  errors: Map<string, number>
  channels: Map<string, number>
}

const empty = (): Counts => ({ operations: new Map(), errors: new Map(), channels: new Map() })


/**
 * Counts which operations of the route table ran (whatever their answer), which error types were answered and
 * which realtime channels were subscribed to, per project and overall, since start or the last reset.
 */
export class Coverage {
  private overall = empty()
  private readonly byProject = new Map<string, Counts>()
  private since: number

  constructor(
    private readonly operations: readonly string[],
    private readonly clock: Clock,
  ) {
    this.since = clock.now()
  }

  operation(projectId: string, operation: string, errorType: string | null): void {
    const counts = this.project(projectId)
    bump(counts.operations, operation)
    bump(this.overall.operations, operation)
    if (errorType !== null) {
      bump(counts.errors, errorType)
      bump(this.overall.errors, errorType)
    }
  }

  channels(projectId: string, channels: Iterable<string>): void {
    const counts = this.project(projectId)
    for (const channel of channels) {
      bump(counts.channels, channel)
      bump(this.overall.channels, channel)
    }
  }

  /** Forgets everything (or one project's counts; the overall figures then keep what other projects did). */
  reset(projectId?: string): void {
    if (projectId === undefined) {
      this.overall = empty()
      this.byProject.clear()
      this.since = this.clock.now()
      return
    }
    const counts = this.byProject.get(projectId)
    if (!counts) return
    for (const [key, map] of Object.entries(counts) as [keyof Counts, Map<string, number>][]) {
      for (const [name, n] of map) {
        const left = (this.overall[key].get(name) ?? 0) - n
        if (left > 0) this.overall[key].set(name, left)
        else this.overall[key].delete(name)
      }
    }
    this.byProject.delete(projectId)
  }

  report(projectId?: string): CoverageReport {
    const counts = projectId === undefined ? this.overall : (this.byProject.get(projectId) ?? empty())
    const exercised = this.operations.filter((o) => counts.operations.has(o)).map((operation) => ({ operation, calls: counts.operations.get(operation)! }))
    return {
      since: formatDate(this.since),
      projectId: projectId ?? null,
      operations: {
        total: this.operations.length,
        covered: exercised.length,
        exercised,
        missing: this.operations.filter((o) => !counts.operations.has(o)),
      },
      errors: { exercised: sorted(counts.errors).map(([type, count]) => ({ type, count })) },
      channels: { exercised: sorted(counts.channels).map(([channel, subscriptions]) => ({ channel, subscriptions })) },
    }
  }

  private project(projectId: string): Counts {
    let counts = this.byProject.get(projectId)
    if (!counts) this.byProject.set(projectId, (counts = empty()))
    return counts
  }
}

function bump(map: Map<string, number>, key: string): void {
  map.set(key, (map.get(key) ?? 0) + 1)
}

const sorted = (map: Map<string, number>) => [...map].sort((a, b) => a[0].localeCompare(b[0]))

/** The report as a table for a terminal: one line per operation, ✓ or ·, then the error types and channels. */
export function coverageTable(report: CoverageReport): string {
  const lines = [`Appwrite API coverage since ${report.since}: ${report.operations.covered}/${report.operations.total} operations`]
  const calls = new Map(report.operations.exercised.map((e) => [e.operation, e.calls]))
  const all = [...report.operations.exercised.map((e) => e.operation), ...report.operations.missing].sort()
  const width = Math.max(...all.map((o) => o.length), 10)
  for (const operation of all) {
    const n = calls.get(operation)
    lines.push(`  ${n ? '✓' : '·'} ${operation.padEnd(width)} ${n ? `${n} call${n === 1 ? '' : 's'}` : 'never called'}`)
  }
  lines.push(`Error types answered: ${report.errors.exercised.length}`)
  for (const e of report.errors.exercised) lines.push(`    ${e.type} ×${e.count}`)
  lines.push(`Realtime channels subscribed: ${report.channels.exercised.length}`)
  for (const c of report.channels.exercised) lines.push(`    ${c.channel} ×${c.subscriptions}`)
  return `${lines.join('\n')}\n`
}
