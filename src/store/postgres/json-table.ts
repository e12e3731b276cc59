import type { PgConnection } from './connection.js'
import { isUniqueViolation } from './connection.js'
import type { RecordTableDef } from './migrations.js'
import { deepFreeze } from '../../core/json.js'
import { UniqueViolation, type ListOptions, type Scalar, type Table, type Where } from '../types.js'

/** Maps a record to the values of the table's extra columns. */
export type ColumnMap<R> = Record<string, (record: R) => Scalar>

// Filter columns are text; a boolean or number filters as SQLite would store it (1/0, digits).
// A missing value (undefined) is NULL, as better-sqlite3 binds it.
const toSql = (v: Scalar | undefined) => (v === null || v === undefined ? null : typeof v === 'boolean' ? (v ? '1' : '0') : String(v))

/**
 * One PostgreSQL table of JSON records, with the semantics of SqliteJsonTable: the whole record as JSON in
 * `data`, filter columns beside it, insertion order by `seq`. Reads outside transactions go through the
 * connection's read cache when there is one (read-cache.ts: invalidated across processes). Records are frozen,
 * as SQLite's table hands them out, so every hit can share one.
 */
export class PgJsonTable<R extends { id: string }> implements Table<R> {
  private readonly columnNames: string[]
  private readonly insertSql: string
  private readonly updateSql: string
  private readonly uniqueColumns: string[][]

  constructor(
    private readonly connection: PgConnection,
    private readonly def: RecordTableDef,
    private readonly columns: ColumnMap<R>,
  ) {
    this.columnNames = Object.keys(columns)
    const name = def.name
    const cols = ['project_id', 'id', ...this.columnNames, 'data']
    // A repeated unique value inserts nothing (no error, so the transaction goes on, as in SQLite); `insert`
    // then throws UniqueViolation.
    this.insertSql = `INSERT INTO ${name} (${cols.join(', ')}) VALUES (${cols.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING`
    const sets = [...this.columnNames, 'data'].map((c, i) => `${c} = $${i + 3}`).join(', ')
    this.updateSql = `UPDATE ${name} SET ${sets} WHERE project_id = $1 AND id = $2`
    this.uniqueColumns = [['id'], ...def.indexes.filter(([, , unique]) => unique).map(([, cols]) => cols)]
  }

  private whereClause(where: Where, first = 2): { sql: string; values: (string | null)[] } {
    const parts = ['project_id = $1']
    const values: (string | null)[] = []
    for (const k of Object.keys(where).sort()) {
      if (k !== 'id' && !this.columnNames.includes(k)) throw new Error(`${this.def.name}: ${k} is not a filterable column`)
      if (where[k] === null) parts.push(`${k} IS NULL`)
      else {
        values.push(toSql(where[k]))
        parts.push(`${k} = $${first + values.length - 1}`)
      }
    }
    return { sql: parts.join(' AND '), values }
  }

  /** One read, through the connection's read cache: the records its `data` texts parse to, frozen when kept. */
  private read<T>(projectId: string, sql: string, params: unknown[], shape: (records: R[]) => T): Promise<T> {
    return this.connection.cached(projectId, `${sql}\0${JSON.stringify(params)}`, async () => {
      const { rows } = await this.connection.query<{ data: string }>(projectId, sql, params)
      let size = 0
      const records = rows.map((r) => ((size += r.data.length * 2), JSON.parse(r.data) as R))
      return { value: deepFreeze(shape(records)), size }
    })
  }

  async get(projectId: string, id: string): Promise<R | null> {
    return this.read(projectId, `SELECT data FROM ${this.def.name} WHERE project_id = $1 AND id = $2`, [projectId, id], (found) => found[0] ?? null)
  }

  async findOne(projectId: string, where: Where): Promise<R | null> {
    const w = this.whereClause(where)
    return this.read(projectId, `SELECT data FROM ${this.def.name} WHERE ${w.sql} ORDER BY seq LIMIT 1`, [projectId, ...w.values], (found) => found[0] ?? null)
  }

  async list(projectId: string, where: Where = {}, options: ListOptions = {}): Promise<R[]> {
    const w = this.whereClause(where)
    const n = w.values.length + 2
    const sql = `SELECT data FROM ${this.def.name} WHERE ${w.sql} ORDER BY seq ${options.newestFirst ? 'DESC' : 'ASC'} LIMIT $${n} OFFSET $${n + 1}`
    const limit = options.limit === undefined || options.limit < 0 ? null : options.limit
    return this.read(projectId, sql, [projectId, ...w.values, limit, options.offset ?? 0], (found) => found)
  }

  async count(projectId: string, where: Where = {}): Promise<number> {
    const w = this.whereClause(where)
    const sql = `SELECT COUNT(*) AS n FROM ${this.def.name} WHERE ${w.sql}`
    const params = [projectId, ...w.values]
    return this.connection.cached(projectId, `${sql}\0${JSON.stringify(params)}`, async () => {
      const { rows } = await this.connection.query<{ n: string }>(projectId, sql, params)
      return { value: Number(rows[0].n), size: 8 }
    })
  }

  private values(record: R): (string | null)[] {
    return this.columnNames.map((c) => toSql(this.columns[c](record)))
  }

  async insert(projectId: string, record: R): Promise<void> {
    const result = await this.connection.write(this.def.name, projectId, this.insertSql, [projectId, record.id, ...this.values(record), JSON.stringify(record)])
    if (result.rowCount === 0) throw new UniqueViolation(await this.conflictingColumn(projectId, record))
  }

  /** Which unique rule a refused record breaks (the last column of its index, as the SQLite table reports it). */
  private async conflictingColumn(projectId: string, record: R): Promise<string> {
    for (const cols of this.uniqueColumns) {
      const where: Where = {}
      for (const c of cols) where[c] = c === 'id' ? record.id : this.columns[c](record)
      if (Object.values(where).some((v) => v === null)) continue
      if (await this.findOne(projectId, where)) return cols[cols.length - 1]
    }
    return 'id'
  }

  async update(projectId: string, record: R): Promise<boolean> {
    const params = [projectId, record.id, ...this.values(record), JSON.stringify(record)]
    // Only a table with unique columns besides the ID can refuse an update; the others skip the savepoint.
    if (this.uniqueColumns.length === 1) return ((await this.connection.write(this.def.name, projectId, this.updateSql, params)).rowCount ?? 0) > 0
    try {
      return ((await this.connection.guarded(this.def.name, projectId, this.updateSql, params)).rowCount ?? 0) > 0
    } catch (error) {
      if (!isUniqueViolation(error)) throw error
      const index = this.def.indexes.find(([name]) => name === error.constraint)
      throw new UniqueViolation(index ? index[1][index[1].length - 1] : 'id')
    }
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    const result = await this.connection.write(this.def.name, projectId, `DELETE FROM ${this.def.name} WHERE project_id = $1 AND id = $2`, [projectId, id])
    return (result.rowCount ?? 0) > 0
  }

  async deleteWhere(projectId: string, where: Where): Promise<number> {
    const w = this.whereClause(where)
    const result = await this.connection.write(this.def.name, projectId, `DELETE FROM ${this.def.name} WHERE ${w.sql}`, [projectId, ...w.values])
    return result.rowCount ?? 0
  }

  async wipe(projectId: string): Promise<void> {
    await this.connection.write(this.def.name, projectId, `DELETE FROM ${this.def.name} WHERE project_id = $1`, [projectId])
  }
}
