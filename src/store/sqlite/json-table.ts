import { deepFreeze } from '../../core/json.js'
import type Database from 'better-sqlite3'
import type { SqliteConnection } from './connection.js'
import { UniqueViolation, type ListOptions, type Scalar, type Table, type Where } from '../types.js'

/** Maps a record to the values of the table's extra columns. */
export type ColumnMap<R> = Record<string, (record: R) => Scalar>

const toSql = (v: Scalar) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)


const MAX_CACHED_READS = 10_000

/**
 * One SQLite table of JSON records. Statements are prepared once per shape and reused, so a lookup by ID or by
 * an indexed column costs one index probe. Reads wait while another context's transaction is open and writes
 * need a transaction (see SqliteConnection).
 */
export class SqliteJsonTable<R extends { id: string }> implements Table<R> {
  private readonly statements = new Map<string, Database.Statement>()
  private readonly columnNames: string[]
  /**
   * Results of recent reads, keyed by query and arguments. Any write to the table empties it, and so does a
   * rolled-back transaction, so it never serves a value the database does not hold. A value cached inside a
   * transaction reaches no other context before the commit: their reads wait for it to end.
   */
  private readonly reads = new Map<string, unknown>()
  private readonly db: Database.Database

  constructor(
    private readonly connection: SqliteConnection,
    private readonly name: string,
    private readonly columns: ColumnMap<R>,
  ) {
    this.db = connection.db
    this.columnNames = Object.keys(columns)
    connection.onRollback(() => this.invalidate())
  }

  private stmt(key: string, sql: () => string): Database.Statement {
    let s = this.statements.get(key)
    if (!s) {
      s = this.db.prepare(sql())
      this.statements.set(key, s)
    }
    return s
  }

  /**
   * The filter's shape key and values; its SQL is built only when a statement is first prepared for that shape
   * (a cached read needs the key and values alone).
   */
  private whereClause(where: Where): { sql: () => string; values: Scalar[]; key: string } {
    const keys = Object.keys(where)
    if (keys.length > 1) keys.sort()
    const values: Scalar[] = []
    let key = ''
    for (const k of keys) {
      if (k !== 'id' && !this.columnNames.includes(k)) throw new Error(`${this.name}: ${k} is not a filterable column`)
      const value = where[k]
      if (value === null) key += `${key ? ',' : ''}${k}!`
      else {
        key += `${key ? ',' : ''}${k}`
        values.push(toSql(value as Scalar))
      }
    }
    const sql = () => ['project_id = ?', ...keys.map((k) => (where[k] === null ? `${k} IS NULL` : `${k} = ?`))].join(' AND ')
    return { sql, values, key }
  }


  private cached<T>(key: string, read: () => T): T {
    const hit = this.reads.get(key)
    if (hit !== undefined || this.reads.has(key)) return hit as T
    const value = deepFreeze(read())
    if (this.reads.size >= MAX_CACHED_READS) this.reads.clear()
    this.reads.set(key, value)
    return value
  }

  /** Forgets every cached read (after a write or a rollback). */
  invalidate(): void {
    this.reads.clear()
  }

  async get(projectId: string, id: string): Promise<R | null> {
    if (this.connection.mustWait()) await this.connection.readable()
    return this.cached(`get|${projectId}|${id}`, () => {
      const data = this.stmt('get', () => `SELECT data FROM ${this.name} WHERE project_id = ? AND id = ?`).pluck().get(projectId, id) as string | undefined
      return data === undefined ? null : (JSON.parse(data) as R)
    })
  }

  async findOne(projectId: string, where: Where): Promise<R | null> {
    if (this.connection.mustWait()) await this.connection.readable()
    const w = this.whereClause(where)
    return this.cached(`one|${projectId}|${w.key}|${JSON.stringify(w.values)}`, () => {
      const data = this.stmt(`one:${w.key}`, () => `SELECT data FROM ${this.name} WHERE ${w.sql()} ORDER BY seq LIMIT 1`)
        .pluck()
        .get(projectId, ...w.values) as string | undefined
      return data === undefined ? null : (JSON.parse(data) as R)
    })
  }

  async list(projectId: string, where: Where = {}, options: ListOptions = {}): Promise<R[]> {
    if (this.connection.mustWait()) await this.connection.readable()
    const w = this.whereClause(where)
    const order = options.newestFirst ? 'DESC' : 'ASC'
    const limit = options.limit ?? -1
    const offset = options.offset ?? 0
    return this.cached(`list|${projectId}|${w.key}|${JSON.stringify(w.values)}|${order}|${limit}|${offset}`, () => {
      const rows = this.stmt(`list:${w.key}:${order}`, () => `SELECT data FROM ${this.name} WHERE ${w.sql()} ORDER BY seq ${order} LIMIT ? OFFSET ?`)
        .pluck()
        .all(projectId, ...w.values, limit, offset) as string[]
      return rows.map((data) => JSON.parse(data) as R)
    })
  }

  async count(projectId: string, where: Where = {}): Promise<number> {
    if (this.connection.mustWait()) await this.connection.readable()
    const w = this.whereClause(where)
    return this.cached(`count|${projectId}|${w.key}|${JSON.stringify(w.values)}`, () => {
      return this.stmt(`count:${w.key}`, () => `SELECT COUNT(*) AS n FROM ${this.name} WHERE ${w.sql()}`).pluck().get(projectId, ...w.values) as number
    })
  }

  async insert(projectId: string, record: R): Promise<void> {
    this.connection.assertWritable(this.name)
    this.invalidate()
    const cols = ['project_id', 'id', ...this.columnNames, 'data']
    const values = [projectId, record.id, ...this.columnNames.map((c) => toSql(this.columns[c](record))), JSON.stringify(record)]
    this.guard(() =>
      this.stmt('insert', () => `INSERT INTO ${this.name} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`).run(
        ...values,
      ),
    )
  }

  async update(projectId: string, record: R): Promise<boolean> {
    this.connection.assertWritable(this.name)
    this.invalidate()
    const sets = [...this.columnNames.map((c) => `${c} = ?`), 'data = ?'].join(', ')
    const values = [...this.columnNames.map((c) => toSql(this.columns[c](record))), JSON.stringify(record), projectId, record.id]
    const result = this.guard(() =>
      this.stmt('update', () => `UPDATE ${this.name} SET ${sets} WHERE project_id = ? AND id = ?`).run(...values),
    )
    return result.changes > 0
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    this.connection.assertWritable(this.name)
    this.invalidate()
    return this.stmt('delete', () => `DELETE FROM ${this.name} WHERE project_id = ? AND id = ?`).run(projectId, id).changes > 0
  }

  async deleteWhere(projectId: string, where: Where): Promise<number> {
    this.connection.assertWritable(this.name)
    this.invalidate()
    const w = this.whereClause(where)
    return this.stmt(`deleteWhere:${w.key}`, () => `DELETE FROM ${this.name} WHERE ${w.sql()}`).run(projectId, ...w.values).changes
  }

  wipe(projectId: string): void {
    this.connection.assertWritable(this.name)
    this.invalidate()
    this.stmt('wipe', () => `DELETE FROM ${this.name} WHERE project_id = ?`).run(projectId)
  }

  private guard<T>(work: () => T): T {
    try {
      return work()
    } catch (error) {
      const code = (error as { code?: string }).code
      if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        // "UNIQUE constraint failed: users.project_id, users.email" → the last column names the rule.
        const column = /\.(\w+)$/.exec((error as Error).message)?.[1] ?? 'id'
        throw new UniqueViolation(column)
      }
      throw error
    }
  }
}
