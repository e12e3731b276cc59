import type Database from 'better-sqlite3'
import { resolve } from 'node:path'
import { checkpointOnThread } from '../../files/link-files.js'
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
  const cache = copyCache(db)
  return (cache.shapes ??= readProjectTables(db))
}

function readProjectTables(db: Database.Database): TableShape[] {
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

/**
 * The tables' shapes and the copies' prepared statements, by database, for as long as its schema stays the same
 * (`PRAGMA schema_version` moves with every table, column or index added, from any connection): reading the
 * shapes costs a `table_info` per table, and a copy runs some fifty statements.
 */
const copyCaches = new WeakMap<Database.Database, { version: number; shapes: TableShape[] | null; statements: Map<string, Database.Statement> }>()

function copyCache(db: Database.Database) {
  const version = db.pragma('schema_version', { simple: true }) as number
  let cache = copyCaches.get(db)
  if (cache?.version !== version) copyCaches.set(db, (cache = { version, shapes: null, statements: new Map() }))
  return cache
}

/** A function that prepares a statement once per schema, for one copy (reads the schema version once). */
function statements(db: Database.Database): (sql: string) => Database.Statement {
  const cached = copyCache(db).statements
  return (sql) => {
    let s = cached.get(sql)
    if (!s) cached.set(sql, (s = db.prepare(sql)))
    return s
  }
}

const projectColumn = (shape: TableShape) => (shape.kind === 'records' ? 'project_id' : '_project_id')
const seqColumn = (shape: TableShape) => (shape.kind === 'records' ? 'seq' : shape.kind === 'permissions' ? 'rowid' : '_seq')
/** The documents table a permissions table belongs to (`<table>:perms`). */
const documentsOf = (shape: TableShape) => shape.name.replace(/:perms$/, '')

/** Deletes a project's rows from every project table (not its `projects` row). Synchronous; run it inside the open transaction. */
export function deleteProjectRows(db: Database.Database, shapes: TableShape[], projectId: string): void {
  // Permissions first: they point at documents by sequence.
  const statement = statements(db)
  for (const shape of [...shapes].sort((a, b) => Number(b.kind === 'permissions') - Number(a.kind === 'permissions'))) {
    statement(`DELETE FROM ${q(shape.name)} WHERE ${projectColumn(shape)} = ?`).run(projectId)
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
  const held = holdCheckpoints(db)
  let rows = 0
  try {
    rows = copyRows(db, from, to, options)
  } finally {
    db.pragma(`cache_size = ${cache}`)
    held?.(rows)
  }
}

const COPY_CACHE_KIB = 65_536

/** Copies every table's rows; returns how many rows it wrote. */
function copyRows(db: Database.Database, from: string, to: string, options: ProjectCopyOptions): number {
  const shapes = projectTables(db)
  deleteProjectRows(db, shapes, to)
  const ordered = [...shapes].sort((a, b) => Number(a.kind === 'permissions') - Number(b.kind === 'permissions'))
  // Copied documents keep their sequences shifted past the table's last one: order and gaps stay, and their
  // permission rows follow by the same shift, with no lookup per row.
  const spans = new Map<string, DocumentSpan>()
  const statement = statements(db)
  let rows = 0
  for (const shape of ordered) {
    const t = q(shape.name)
    if (shape.kind === 'permissions') {
      const span = spans.get(documentsOf(shape))
      if (span === undefined) continue
      // A dense span's permission rows are read by document from the covering `(_document, _type, _role)` index,
      // in that index's order, so each lands at its end: about a tenth cheaper than by project, in role order.
      const sql = span.dense
        ? `INSERT INTO ${t} (_project_id, _document, _type, _role) SELECT @to, p._document + @shift, p._type, p._role FROM ${q(documentsOf(shape))} o JOIN ${t} p ON p._document = o._seq WHERE o._seq BETWEEN @first AND @last AND +o._project_id = @from`
        : `INSERT INTO ${t} (_project_id, _document, _type, _role) SELECT @to, _document + @shift, _type, _role FROM ${t} WHERE _project_id = @from`
      rows += statement(sql).run(span.dense ? { from, to, ...span } : { from, to, shift: span.shift }).changes
      continue
    }
    const cols = shape.columns.map(q)
    if (shape.kind === 'documents') {
      const span = documentSpan(statement, shape, from)
      if (span === null) continue
      spans.set(shape.name, span)
      // A dense span is read in sequence order straight from the table (`+` keeps SQLite off the project
      // indexes); otherwise by a project index, then sorted.
      const where = span.dense ? `_seq BETWEEN @first AND @last AND +_project_id = @from` : `_project_id = @from`
      const sql = `INSERT INTO ${t} (_seq, _project_id, ${cols.join(', ')}) SELECT _seq + @shift, @to, ${cols.join(', ')} FROM ${t} WHERE ${where} ORDER BY _seq`
      rows += statement(sql).run(span.dense ? { from, to, ...span } : { from, to, shift: span.shift }).changes
      continue
    }
    const values = shape.kind === 'records' && shape.name === 'files' ? cols.map((c) => (c === '"data"' ? blobRewrite(options.blobPrefixes ?? []) : c)) : cols
    const params: Record<string, string> = { from, to }
    for (const [i, [a, b]] of (options.blobPrefixes ?? []).entries()) Object.assign(params, { [`a${i}`]: a, [`b${i}`]: b })
    rows += statement(`INSERT INTO ${t} (${projectColumn(shape)}, ${cols.join(', ')}) SELECT @to, ${values.join(', ')} FROM ${t} WHERE ${projectColumn(shape)} = @from ORDER BY ${seqColumn(shape)}`).run(params).changes
  }
  return rows
}

/** Where a project's documents sit in their table, and the shift that puts their copies past the table's end. */
interface DocumentSpan {
  first: number
  last: number
  shift: number
  /** At least half the sequences from `first` to `last` are the project's: scanning that range reads few others'. */
  dense: boolean
}

function documentSpan(statement: (sql: string) => Database.Statement, shape: TableShape, projectId: string): DocumentSpan | null {
  const t = q(shape.name)
  const { first, last, count } = statement(`SELECT min(_seq) AS first, max(_seq) AS last, count(*) AS count FROM ${t} WHERE _project_id = ?`).get(projectId) as { first: number | null; last: number; count: number }
  if (first === null) return null
  const { end } = statement(`SELECT max(_seq) AS end FROM ${t}`).get() as { end: number }
  return { first, last, shift: end + 1 - first, dense: last - first + 1 <= 2 * count }
}

/** From this many rows, a copy's log is checkpointed on a thread of its own once its transaction ends. */
const THREAD_CHECKPOINT_ROWS = 5_000

/** Copies whose checkpoint is held back, by database, and the connection's `wal_autocheckpoint` to put back. */
const heldCheckpoints = new WeakMap<Database.Database, { autocheckpoint: number; copies: number }>()

/**
 * Holds back SQLite's automatic checkpoint for a copy. A copy of 10,000 documents writes some 1,200 pages to the
 * write-ahead log, past the 1,000 at which the committing connection copies the log into the database file and
 * fsyncs both: about 25 ms, half of it waiting on the disk, at the end of the request. Instead, once the
 * transaction has ended (committed or rolled back), the returned function's caller hands a large copy's
 * checkpoint to a thread with its own connection (a passive one: it never blocks this connection's writers or
 * readers), then puts the setting back. Only the moment of the checkpoint moves, not what is durable: commits
 * are as durable as `synchronous = NORMAL` makes them either way. Null for databases without a log file.
 */
function holdCheckpoints(db: Database.Database): ((rows: number) => void) | null {
  if (db.memory || db.readonly || db.pragma('journal_mode', { simple: true }) !== 'wal') return null
  let held = heldCheckpoints.get(db)
  if (!held) {
    const autocheckpoint = db.pragma('wal_autocheckpoint', { simple: true }) as number
    if (autocheckpoint <= 0) return null
    db.pragma('wal_autocheckpoint = 0')
    heldCheckpoints.set(db, (held = { autocheckpoint, copies: 0 }))
  }
  held.copies++
  const path = resolve(db.name)
  const release = () => {
    if (--held.copies > 0) return
    heldCheckpoints.delete(db)
    if (db.open) db.pragma(`wal_autocheckpoint = ${held.autocheckpoint}`)
  }
  return (rows) =>
    afterTransaction(db, () => {
      if (rows < THREAD_CHECKPOINT_ROWS) return release()
      // Without the thread (it failed to start or to open the file), the checkpoint runs here, as SQLite's would have.
      const here = () => afterTransaction(db, () => void db.pragma('wal_checkpoint(PASSIVE)'))
      checkpointOnThread(path).catch(here).finally(release).catch(() => {})
    })
}

/** Runs `work` once `db` has no open transaction (the caller's copy runs inside one); never if it closes first. */
function afterTransaction(db: Database.Database, work: () => void): void {
  const poll = () => {
    if (!db.open) return
    if (db.inTransaction) return void setTimeout(poll, 2).unref()
    try {
      work()
    } catch {
      // A checkpoint or setting that fails leaves SQLite's own checkpoints to run at later commits.
    }
  }
  setImmediate(poll)
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
