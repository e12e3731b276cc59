import type Database from 'better-sqlite3'
import type { ProjectDump, ProjectCopyOptions } from '../types.js'
import { clashingRows, dumpMismatchOf } from '../project-dump.js'

/** How a table of the database holds a project's rows. */
interface TableShape {
  name: string
  kind: 'records' | 'documents' | 'permissions' | 'links'
  /** Every column but the row sequence and the project column, in table order. */
  columns: string[]
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`

/**
 * Every table that holds project rows, found from the schema itself so record tables, per-collection document
 * tables, their permission tables and many-to-many link tables added later are all copied: records
 * (`project_id`, `seq`), documents (`_project_id`, `_uid`), document permissions (`_document` = a document's
 * `_seq`) and links (`_parent`, `_child`). The `projects` table is left out: a project's own row is its caller's.
 * FTS tables and their shadows carry no project column; the documents tables' triggers keep them in step.
 */
export function projectTables(db: Database.Database): TableShape[] {
  const tables = db.prepare(`SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`).all() as { name: string; sql: string }[]
  const out: TableShape[] = []
  for (const { name, sql } of tables) {
    if (name === 'projects' || /^CREATE VIRTUAL/i.test(sql)) continue
    const all = (db.prepare(`PRAGMA table_info(${q(name)})`).all() as { name: string }[]).map((c) => c.name)
    if (all.includes('project_id') && all.includes('seq')) out.push({ name, kind: 'records', columns: all.filter((c) => c !== 'seq' && c !== 'project_id') })
    else if (all.includes('_project_id') && all.includes('_document')) out.push({ name, kind: 'permissions', columns: ['_uid', '_type', '_role'] })
    else if (all.includes('_project_id') && all.includes('_uid')) out.push({ name, kind: 'documents', columns: all.filter((c) => c !== '_seq' && c !== '_project_id') })
    else if (all.includes('_project_id') && all.includes('_parent')) out.push({ name, kind: 'links', columns: all.filter((c) => c !== '_seq' && c !== '_project_id') })
  }
  return out
}

const projectColumn = (shape: TableShape) => (shape.kind === 'records' ? 'project_id' : '_project_id')
const seqColumn = (shape: TableShape) => (shape.kind === 'records' ? 'seq' : shape.kind === 'permissions' ? 'rowid' : '_seq')
/** The documents table a permissions table belongs to (`<table>:perms`). */
const documentsOf = (shape: TableShape) => shape.name.replace(/:perms$/, '')

/** Deletes a project's rows from every project table (not its `projects` row). Synchronous; run it inside the open transaction. */
export function deleteProjectRows(db: Database.Database, shapes: TableShape[], projectId: string): void {
  // Permissions first: they point at documents by sequence.
  for (const shape of [...shapes].sort((a, b) => Number(b.kind === 'permissions') - Number(a.kind === 'permissions'))) {
    db.prepare(`DELETE FROM ${q(shape.name)} WHERE ${projectColumn(shape)} = ?`).run(projectId)
  }
}

/**
 * Replaces `to`'s rows with a copy of `from`'s with `INSERT … SELECT`, in insertion order, so new sequences keep
 * the order. File records' blob keys are rewritten by `options.blobPrefixes`. Synchronous; the caller holds the
 * transaction.
 */
export function copyProjectRows(db: Database.Database, from: string, to: string, options: ProjectCopyOptions = {}): void {
  // A copy touches every page of the project's tables and indexes: a larger page cache for its duration keeps
  // SQLite from spilling and re-reading them (about a third faster for 10,000 documents).
  const cache = db.pragma('cache_size', { simple: true }) as number
  if (cache > -COPY_CACHE_KIB && cache < COPY_CACHE_KIB / 4) db.pragma(`cache_size = -${COPY_CACHE_KIB}`)
  try {
    copyRows(db, from, to, options)
  } finally {
    db.pragma(`cache_size = ${cache}`)
  }
}

const COPY_CACHE_KIB = 65_536

function copyRows(db: Database.Database, from: string, to: string, options: ProjectCopyOptions): void {
  const shapes = projectTables(db)
  deleteProjectRows(db, shapes, to)
  const ordered = [...shapes].sort((a, b) => Number(a.kind === 'permissions') - Number(b.kind === 'permissions'))
  // Copied documents keep their sequences shifted past the table's last one: order and gaps stay, and their
  // permission rows follow by the same shift, with no lookup per row.
  const shifts = new Map<string, number>()
  for (const shape of ordered) {
    const t = q(shape.name)
    if (shape.kind === 'permissions') {
      const shift = shifts.get(documentsOf(shape))
      if (shift === undefined) continue
      db.prepare(`INSERT INTO ${t} (_project_id, _document, _type, _role) SELECT @to, _document + @shift, _type, _role FROM ${t} WHERE _project_id = @from`).run({ from, to, shift })
      continue
    }
    const cols = shape.columns.map(q)
    if (shape.kind === 'documents') {
      const { first } = db.prepare(`SELECT min(_seq) AS first FROM ${t} WHERE _project_id = ?`).get(from) as { first: number | null }
      if (first === null) continue
      const { last } = db.prepare(`SELECT max(_seq) AS last FROM ${t}`).get() as { last: number }
      const shift = last + 1 - first
      shifts.set(shape.name, shift)
      db.prepare(`INSERT INTO ${t} (_seq, _project_id, ${cols.join(', ')}) SELECT _seq + @shift, @to, ${cols.join(', ')} FROM ${t} WHERE _project_id = @from ORDER BY _seq`).run({ from, to, shift })
      continue
    }
    const values = shape.kind === 'records' && shape.name === 'files' ? cols.map((c) => (c === '"data"' ? blobRewrite(options.blobPrefixes ?? []) : c)) : cols
    const params: Record<string, string> = { from, to }
    for (const [i, [a, b]] of (options.blobPrefixes ?? []).entries()) Object.assign(params, { [`a${i}`]: a, [`b${i}`]: b })
    db.prepare(`INSERT INTO ${t} (${projectColumn(shape)}, ${cols.join(', ')}) SELECT @to, ${values.join(', ')} FROM ${t} WHERE ${projectColumn(shape)} = @from ORDER BY ${seqColumn(shape)}`).run(params)
  }
}

/** A `data` expression that swaps the first matching prefix of `$.blob`, leaving records without a match as they are. */
function blobRewrite(prefixes: [string, string][]): string {
  if (!prefixes.length) return 'data'
  const blob = `json_extract(data, '$.blob')`
  const cases = prefixes.map((_, i) => `WHEN substr(${blob}, 1, length(@a${i})) = @a${i} THEN json_set(data, '$.blob', @b${i} || substr(${blob}, length(@a${i}) + 1))`)
  return `CASE ${cases.join(' ')} ELSE data END`
}

/**
 * Every row of a project, table by table, in insertion order; record JSON stays the exact text stored.
 * Permission rows go by document, type and role, the order PostgreSQL dumps them in (it has no insertion order
 * for them), so one project dumps alike on both stores.
 */
export function dumpProjectRows(db: Database.Database, projectId: string): ProjectDump {
  const tables: ProjectDump['tables'] = []
  for (const shape of projectTables(db)) {
    const t = q(shape.name)
    const rows =
      shape.kind === 'permissions'
        ? db.prepare(`SELECT o._uid, p._type, p._role FROM ${t} p JOIN ${q(documentsOf(shape))} o ON o._seq = p._document WHERE p._project_id = ? ORDER BY o._seq, p._type, p._role`).raw().all(projectId)
        : db.prepare(`SELECT ${shape.columns.map(q).join(', ')} FROM ${t} WHERE ${projectColumn(shape)} = ? ORDER BY ${seqColumn(shape)}`).raw().all(projectId)
    if (rows.length) tables.push({ name: shape.name, columns: shape.columns, rows: rows as unknown[][] })
  }
  return { tables }
}

/** Why a dump cannot be loaded into this database: a table or column it names is missing here. */
export function dumpMismatch(db: Database.Database, dump: ProjectDump): string | null {
  return dumpMismatchOf(projectTables(db), dump)
}

/** Replaces a project's rows with a dump's (check `dumpMismatch` first). Synchronous; the caller holds the transaction. */
export function loadProjectRows(db: Database.Database, projectId: string, dump: ProjectDump): void {
  const shapes = projectTables(db)
  deleteProjectRows(db, shapes, projectId)
  const byName = new Map(shapes.map((s) => [s.name, s]))
  const ordered = [...dump.tables].sort((a, b) => Number(byName.get(a.name)!.kind === 'permissions') - Number(byName.get(b.name)!.kind === 'permissions'))
  for (const table of ordered) {
    const shape = byName.get(table.name)!
    const t = q(shape.name)
    const insert =
      shape.kind === 'permissions'
        ? db.prepare(`INSERT INTO ${t} (_project_id, _document, _type, _role) SELECT ?, _seq, ?, ? FROM ${q(documentsOf(shape))} WHERE _project_id = ? AND _uid = ?`)
        : db.prepare(`INSERT INTO ${t} (${projectColumn(shape)}, ${shape.columns.map(q).join(', ')}) VALUES (?, ${shape.columns.map(() => '?').join(', ')})`)
    try {
      for (const row of table.rows) {
        if (shape.kind === 'permissions') insert.run(projectId, row[1], row[2], projectId, row[0])
        else insert.run(projectId, ...row)
      }
    } catch (error) {
      // Rows that break a constraint (an ID twice) make a dump that cannot be this project's state.
      if (String((error as { code?: unknown }).code ?? '').startsWith('SQLITE_CONSTRAINT')) throw clashingRows(shape.name, error)
      throw error
    }
  }
}
