import type { ProjectDump } from './types.js'

/** A table of project rows as a dump names it: its columns without row sequence and project. */
export interface DumpShape {
  name: string
  columns: string[]
}

/**
 * Why a dump cannot be loaded into a database whose project tables are `shapes`: a table it has rows for is
 * missing, or its columns differ (name or order). The same rule on every backend.
 */
export function dumpMismatchOf(shapes: DumpShape[], dump: ProjectDump): string | null {
  const byName = new Map(shapes.map((s) => [s.name, s]))
  for (const table of dump.tables) {
    const shape = byName.get(table.name)
    if (!shape) return `the archive has rows for "${table.name}", which this emulator's appwrite.json does not define`
    if (shape.columns.join(',') !== table.columns.join(',')) return `"${table.name}" has columns (${table.columns.join(', ')}) in the archive but (${shape.columns.join(', ')}) here`
  }
  return null
}
