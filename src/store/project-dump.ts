import { ProjectDumpMismatch, type ProjectDump } from './types.js'

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

/** A dump whose rows of `table` break one of the store's constraints (an ID twice): it cannot be a project's state. */
export function clashingRows(table: string, error: unknown): ProjectDumpMismatch {
  return new ProjectDumpMismatch(`rows of "${table}" do not fit together (${(error as Error).message})`)
}
