import { pgIdentifier } from '../documents/sql/pg-dialect.js'
import { clashingRows, dumpMismatchOf } from '../project-dump.js'
import { ProjectDumpMismatch, type ProjectCopyOptions, type ProjectDump } from '../types.js'
import type { PgConnection } from './connection.js'

/** How a table of the database holds a project's rows (the PostgreSQL side of src/store/sqlite/project-copy.ts). */
interface TableShape {
  /** The name dumps use: the schema's own, even where PostgreSQL keeps a shortened one (`physical`). */
  name: string
  physical: string
  kind: 'records' | 'documents' | 'permissions' | 'links' | 'fulltext'
  /** Every column but the row sequence and the project column, in table order. */
  columns: string[]
  /** Boolean columns: dumped as 1/0, as SQLite keeps them, so an archive moves between backends. */
  booleans: Set<string>
}

const q = (name: string) => `"${name.replace(/"/g, '""')}"`
const projectColumn = (shape: TableShape) => (shape.kind === 'records' ? 'project_id' : '_project_id')
const seqColumn = (shape: TableShape) => (shape.kind === 'records' ? 'seq' : '_seq')
/** Rows per statement of a load. */
const LOAD_BATCH = 5000

/**
 * Copies, dumps and loads whole projects in PostgreSQL with the semantics of the SQLite store: every table that
 * holds project rows is found in the catalogue (record tables, per-collection documents, their permissions and
 * many-to-many links; `projects` is the caller's), rows move with `INSERT … SELECT` inside the caller's
 * transaction, and a dump's record JSON is the exact text stored. Fulltext (`tsvector`) tables carry no project
 * column: a copy copies their rows beside the documents', a load leaves them to the documents tables' triggers.
 */
export class PgProjectCopier {
  constructor(
    private readonly connection: PgConnection,
    /** The schema's table names (documents, permissions, links), to name shortened tables as the schema does. */
    private readonly logicalNames: () => string[],
  ) {}

  async projectTables(projectId: string): Promise<TableShape[]> {
    const { rows } = await this.connection.query<{ table_name: string; column_name: string; data_type: string }>(
      projectId,
      `SELECT c.table_name, c.column_name, c.data_type FROM information_schema.columns c
        JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
        WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' ORDER BY c.table_name, c.ordinal_position`,
    )
    const tables = new Map<string, { name: string; type: string }[]>()
    for (const r of rows) {
      const list = tables.get(r.table_name) ?? []
      list.push({ name: r.column_name, type: r.data_type })
      tables.set(r.table_name, list)
    }
    const logical = new Map(this.logicalNames().map((n) => [pgIdentifier(n), n]))
    const out: TableShape[] = []
    for (const [physical, cols] of [...tables].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      if (physical === 'projects') continue
      const all = cols.map((c) => c.name)
      const booleans = new Set(cols.filter((c) => c.type === 'boolean').map((c) => c.name))
      const shape = (kind: TableShape['kind'], columns: string[]): TableShape => ({ name: logical.get(physical) ?? physical, physical, kind, columns, booleans })
      if (all.includes('project_id') && all.includes('seq')) out.push(shape('records', all.filter((c) => c !== 'seq' && c !== 'project_id')))
      else if (all.includes('_project_id') && all.includes('_document')) out.push(shape('permissions', ['_uid', '_type', '_role']))
      else if (all.includes('_project_id') && all.includes('_uid')) out.push(shape('documents', all.filter((c) => c !== '_seq' && c !== '_project_id')))
      else if (all.includes('_project_id') && all.includes('_parent')) out.push(shape('links', all.filter((c) => c !== '_seq' && c !== '_project_id')))
      else if (all.join(',') === '_seq,_tsv') out.push(shape('fulltext', all))
    }
    return out
  }

  /** The documents table a permissions table belongs to (`<table>:perms`). */
  private documentsOf(shapes: TableShape[], perms: TableShape): TableShape | undefined {
    return shapes.find((s) => s.kind === 'documents' && s.name === perms.name.replace(/:perms$/, ''))
  }

  private async deleteRows(shapes: TableShape[], projectId: string): Promise<void> {
    // Permissions first: they point at documents by sequence.
    const rows = shapes.filter((s) => s.kind !== 'fulltext')
    for (const shape of rows.sort((a, b) => Number(b.kind === 'permissions') - Number(a.kind === 'permissions'))) {
      await this.connection.query(projectId, `DELETE FROM ${q(shape.physical)} WHERE ${projectColumn(shape)} = $1`, [projectId])
    }
  }

  /**
   * Replaces `to`'s rows with a copy of `from`'s, in insertion order, so new sequences keep the order. File
   * records' blob keys are rewritten by `options.blobPrefixes`. The caller holds the transaction.
   */
  async copy(from: string, to: string, options: ProjectCopyOptions = {}): Promise<void> {
    // Both projects' locks: nobody writes `from` while its tables are read one statement after another.
    await this.connection.query(from, 'SELECT 1')
    const shapes = await this.projectTables(to)
    await this.deleteRows(shapes, to)
    for (const shape of shapes) {
      const t = q(shape.physical)
      const cols = shape.columns.map(q)
      if (shape.kind === 'permissions' || shape.kind === 'fulltext') continue
      if (shape.kind === 'documents') {
        await this.copyDocuments(shapes, shape, from, to)
        continue
      }
      const params: string[] = [to, from]
      let values = cols
      if (shape.kind === 'records' && shape.name === 'files' && options.blobPrefixes?.length) {
        values = cols.map((c) => (c === '"data"' ? blobRewrite(options.blobPrefixes!, params) : c))
      }
      await this.connection.query(
        to,
        `INSERT INTO ${t} (${projectColumn(shape)}, ${cols.join(', ')}) SELECT $1, ${values.join(', ')} FROM ${t} WHERE ${projectColumn(shape)} = $2 ORDER BY ${seqColumn(shape)}`,
        params,
      )
    }
  }

  /**
   * Copies one collection's documents, permission rows and tsvectors in one statement. deviation: SQLite shifts the
   * sequences past the table's last one; here other projects' transactions insert into the same table at the
   * same time, so the new sequences are drawn from the table's own sequence (in the documents' order) and each
   * permission and fulltext row follows its document by that mapping.
   */
  private async copyDocuments(shapes: TableShape[], shape: TableShape, from: string, to: string): Promise<void> {
    const t = q(shape.physical)
    const cols = shape.columns.map(q)
    const perms = shapes.find((s) => s.kind === 'permissions' && s.name === `${shape.name}:perms`)
    // The tsvectors of the copied documents are copied too (recomputing them costs more than the rest of the copy);
    // the fulltext triggers skip the tables listed in `emu.fts_copied` for this statement.
    const fulltext = shapes.filter((s) => s.kind === 'fulltext' && s.name.startsWith(`${shape.name}:fts:`))
    const { rows } = await this.connection.query<{ seq: string }>(to, `SELECT pg_get_serial_sequence($1, '_seq') AS seq`, [t])
    const sequence = `'${rows[0].seq.replace(/'/g, "''")}'::regclass`
    const steps = [
      `src AS MATERIALIZED (SELECT _seq AS "~old", row_number() OVER (ORDER BY _seq) AS "~n", ${cols.join(', ')} FROM ${t} WHERE _project_id = $2)`,
      `ids AS MATERIALIZED (SELECT row_number() OVER (ORDER BY v) AS "~n", v AS "~v" FROM (SELECT nextval(${sequence}) AS v FROM src) x)`,
      `docs AS (INSERT INTO ${t} (_seq, _project_id, ${cols.join(', ')}) SELECT ids."~v", $1, ${cols.map((c) => `src.${c}`).join(', ')} FROM src JOIN ids ON ids."~n" = src."~n" ORDER BY src."~n" RETURNING 1)`,
      ...fulltext.map((f, i) => `fts${i} AS (INSERT INTO ${q(f.physical)} (_seq, _tsv) SELECT ids."~v", f._tsv FROM ${q(f.physical)} f JOIN src ON src."~old" = f._seq JOIN ids ON ids."~n" = src."~n" RETURNING 1)`),
    ]
    const p = perms && q(perms.physical)
    const last = p
      ? `INSERT INTO ${p} (_project_id, _document, _type, _role) SELECT $1, ids."~v", p._type, p._role FROM ${p} p JOIN src ON src."~old" = p._document JOIN ids ON ids."~n" = src."~n" WHERE p._project_id = $2`
      : 'SELECT 1'
    if (fulltext.length) await this.connection.query(to, `SELECT set_config('emu.fts_copied', $1, true)`, [fulltext.map((f) => `|${f.physical}|`).join('')])
    await this.connection.query(to, `WITH ${steps.join(',\n')}\n${last}`, [to, from])
    if (fulltext.length) await this.connection.query(to, `SELECT set_config('emu.fts_copied', '', true)`)
  }

  /** Every row of a project, table by table, in insertion order (permissions by document, type and role); record JSON stays the exact text stored. */
  async dump(projectId: string): Promise<ProjectDump> {
    const shapes = await this.projectTables(projectId)
    const tables: ProjectDump['tables'] = []
    for (const shape of shapes) {
      if (shape.kind === 'fulltext') continue
      const t = q(shape.physical)
      let rows: unknown[][]
      if (shape.kind === 'permissions') {
        const docs = this.documentsOf(shapes, shape)
        if (!docs) continue
        const result = await this.connection.query<{ _uid: string; _type: string; _role: string }>(
          projectId,
          `SELECT o._uid, p._type, p._role FROM ${t} p JOIN ${q(docs.physical)} o ON o._seq = p._document WHERE p._project_id = $1 ORDER BY o._seq, p._type, p._role`,
          [projectId],
        )
        rows = result.rows.map((r) => [r._uid, r._type, r._role])
      } else {
        const result = await this.connection.query<Record<string, unknown>>(
          projectId,
          `SELECT ${shape.columns.map(q).join(', ')} FROM ${t} WHERE ${projectColumn(shape)} = $1 ORDER BY ${seqColumn(shape)}`,
          [projectId],
        )
        rows = result.rows.map((r) => shape.columns.map((c) => (shape.booleans.has(c) && typeof r[c] === 'boolean' ? Number(r[c]) : r[c])))
      }
      if (rows.length) tables.push({ name: shape.name, columns: shape.columns, rows })
    }
    return { tables }
  }

  /** Why a dump cannot be loaded here (null when it can): the rule SQLite applies. */
  async mismatch(projectId: string, dump: ProjectDump): Promise<string | null> {
    return dumpMismatchOf((await this.projectTables(projectId)).filter((s) => s.kind !== 'fulltext'), dump)
  }

  /** Replaces a project's rows with a dump's (check `mismatch` first). The caller holds the transaction. */
  async load(projectId: string, dump: ProjectDump): Promise<void> {
    const shapes = await this.projectTables(projectId)
    await this.deleteRows(shapes, projectId)
    const byName = new Map(shapes.map((s) => [s.name, s]))
    const ordered = [...dump.tables].sort((a, b) => Number(byName.get(a.name)!.kind === 'permissions') - Number(byName.get(b.name)!.kind === 'permissions'))
    for (const table of ordered) {
      const shape = byName.get(table.name)!
      const t = q(shape.physical)
      if (shape.kind === 'permissions') {
        const docs = this.documentsOf(shapes, shape)
        if (!docs) throw new Error(`${shape.name}: no documents table for these permissions`)
        const column = (i: number) => table.rows.map((r) => (r[i] === null || r[i] === undefined ? null : String(r[i])))
        await this.connection.query(
          projectId,
          `INSERT INTO ${t} (_project_id, _document, _type, _role)
             SELECT $1, o._seq, x.t, x.r FROM unnest($2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS x(u, t, r, n)
             JOIN ${q(docs.physical)} o ON o._project_id = $1 AND emu_nocase(o._uid) = emu_nocase(x.u) ORDER BY x.n`,
          [projectId, column(0), column(1), column(2)],
        )
        continue
      }
      // One JSON parameter per batch, read back as the table's own row type: one statement text per table.
      const cols = shape.columns.map(q)
      const sql = `INSERT INTO ${t} (${projectColumn(shape)}, ${cols.join(', ')})
        SELECT $1, ${cols.map((c) => `x.${c}`).join(', ')} FROM json_populate_recordset(NULL::${t}, $2::json) WITH ORDINALITY AS x ORDER BY x.ordinality`
      for (let start = 0; start < table.rows.length; start += LOAD_BATCH) {
        const batch = table.rows.slice(start, start + LOAD_BATCH).map((row) => Object.fromEntries(shape.columns.map((c, i) => [c, row[i]])))
        try {
          await this.connection.query(projectId, sql, [projectId, JSON.stringify(batch)])
        } catch (error) {
          throw refusedRow(shape, error)
        }
      }
    }
  }
}

/**
 * A value PostgreSQL's column types refuse (text in an integer column…) makes the dump one of another schema;
 * rows that break a constraint, one that cannot be a project's state.
 * deviation: SQLite's loose column types store such a value.
 */
function refusedRow(shape: TableShape, error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && code.startsWith('22')) return new ProjectDumpMismatch(`a row of "${shape.name}" does not fit its columns (${(error as Error).message})`)
  if (typeof code === 'string' && code.startsWith('23')) return clashingRows(shape.name, error)
  return error
}

/**
 * A `data` expression that swaps the first matching prefix of the record's `blob`, leaving other records as
 * they are. It edits the JSON text in place (`"blob":"<prefix>` as JSON.stringify writes it), so the rest of the
 * stored text stays byte for byte. Adds its parameters to `params`.
 */
function blobRewrite(prefixes: [string, string][], params: string[]): string {
  const cases = prefixes.map(([a, b]) => {
    params.push(`"blob":${JSON.stringify(a).slice(0, -1)}`, `"blob":${JSON.stringify(b).slice(0, -1)}`)
    const needle = `$${params.length - 1}::text`
    const replacement = `$${params.length}::text`
    return `WHEN strpos(data, ${needle}) > 0 THEN overlay(data placing ${replacement} from strpos(data, ${needle}) for length(${needle}))`
  })
  return `CASE ${cases.join(' ')} ELSE data END`
}
