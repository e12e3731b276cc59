import type Database from 'better-sqlite3'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Query } from '../../domain/query/parse.js'
import type { SqliteConnection } from '../sqlite/connection.js'
import { columnAttributes, type AttributeSchema, type CollectionSchema, type JunctionSchema, type SchemaSet } from './schema.js'
import { INTERNAL_COLUMNS, QueryCompiler } from './sql/compile.js'
import { sqliteDialect as d } from './sql/sqlite-dialect.js'
import { freezeDocument, type CollectionRef, type DocumentStore, type FindOptions, type NewDocument, type StoredDocument } from './types.js'

const q = d.quote
const MAX_CACHED_READS = 10_000
// Query answers kept per collection (pages and counts); a page longer than this is not kept.
const MAX_CACHED_QUERIES = 500
const MAX_CACHED_PAGE = 100


// deviation: NOCASE folds ASCII letters only; MariaDB's utf8mb4_general_ci also folds accents and other scripts.
function sqlType(a: AttributeSchema): string {
  if (a.array) return 'TEXT'
  switch (a.type) {
    case 'string':
    case 'relationship':
      return 'TEXT COLLATE NOCASE'
    case 'integer':
    case 'boolean':
      return 'INTEGER'
    case 'double':
      return 'REAL'
    default:
      return 'TEXT'
  }
}

/** A documents-table row as the drivers return it (the PostgreSQL store reads the same columns). */
export interface Row {
  _seq: number
  _uid: string
  _createdAt: string
  _updatedAt: string
  _permissions: string
  [column: string]: unknown
}

/**
 * Documents in SQLite: one table per collection of the config (shared by projects, `_project_id` leading every
 * index), a column per attribute, arrays as JSON, a permissions table for read filters, FTS5 tables for
 * fulltext indexes kept by triggers, and a link table per many-to-many relationship. It shares the record store's
 * connection and its rules: reads wait while another context's transaction is open, writes need a transaction.
 */
export class SqliteDocumentStore implements DocumentStore {
  private readonly statements = new Map<string, Database.Statement>()
  private readonly inserts = new Map<CollectionSchema, Database.Statement>()

  private readonly db: Database.Database

  constructor(
    private readonly connection: SqliteConnection,
    private readonly schemas: SchemaSet,
  ) {
    this.db = connection.db
    this.migrate()
  }

  private writable(): void {
    this.connection.assertWritable('documents')
  }

  private stmt(sql: string): Database.Statement {
    let s = this.statements.get(sql)
    if (!s) {
      s = this.db.prepare(sql)
      if (this.statements.size > 2000) this.statements.clear()
      this.statements.set(sql, s)
    }
    return s
  }

  /** Creates what is missing: tables, columns of new attributes, indexes (recreated when their definition changed). */
  private migrate(): void {
    const junctions = new Map<string, JunctionSchema>()
    this.db.transaction(() => {
      for (const schema of this.schemas.values()) {
        const t = q(schema.table)
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${t} (
          _seq INTEGER PRIMARY KEY AUTOINCREMENT,
          _project_id TEXT NOT NULL,
          _uid TEXT NOT NULL COLLATE NOCASE,
          _createdAt TEXT NOT NULL,
          _updatedAt TEXT NOT NULL,
          _permissions TEXT NOT NULL
        )`)
        const existing = new Set((this.db.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name))
        for (const a of columnAttributes(schema)) {
          if (!existing.has(a.key)) this.db.exec(`ALTER TABLE ${t} ADD COLUMN ${q(a.key)} ${sqlType(a)}`)
        }
        this.ensureIndex(`${schema.table}:uid`, `CREATE UNIQUE INDEX ${q(`${schema.table}:uid`)} ON ${t} (_project_id, _uid)`)
        this.ensureIndex(`${schema.table}:createdAt`, `CREATE INDEX ${q(`${schema.table}:createdAt`)} ON ${t} (_project_id, _createdAt)`)
        this.ensureIndex(`${schema.table}:updatedAt`, `CREATE INDEX ${q(`${schema.table}:updatedAt`)} ON ${t} (_project_id, _updatedAt)`)
        const p = q(schema.permissionsTable)
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${p} (_project_id TEXT NOT NULL, _document INTEGER NOT NULL, _type TEXT NOT NULL, _role TEXT NOT NULL)`)
        this.ensureIndex(`${schema.permissionsTable}:document`, `CREATE UNIQUE INDEX ${q(`${schema.permissionsTable}:document`)} ON ${p} (_document, _type, _role)`)
        this.ensureIndex(`${schema.permissionsTable}:role`, `CREATE INDEX ${q(`${schema.permissionsTable}:role`)} ON ${p} (_project_id, _role, _type)`)
        // Indexes the config no longer lists go (a stale unique index would still refuse writes).
        const wanted = new Set(schema.indexes.filter((i) => i.type !== 'fulltext').map((i) => `${schema.table}:index:${i.key}`))
        const present = this.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?`).all(schema.table) as { name: string }[]
        for (const { name } of present) if (name.startsWith(`${schema.table}:index:`) && !wanted.has(name)) this.db.exec(`DROP INDEX ${q(name)}`)
        for (const index of schema.indexes) {
          const name = `${schema.table}:index:${index.key}`
          const columns = index.attributes.map((attr, i) => `${q(INTERNAL_COLUMNS[attr] ?? attr)} ${index.orders[i] ?? 'ASC'}`)
          if (index.type === 'fulltext') continue
          const unique = index.type === 'unique' ? 'UNIQUE ' : ''
          this.ensureIndex(name, `CREATE ${unique}INDEX ${q(name)} ON ${t} (_project_id, ${columns.join(', ')})`)
        }
        for (const [attr, fts] of schema.fulltext) {
          const exists = this.db.prepare(`SELECT 1 FROM sqlite_master WHERE name = ?`).get(fts)
          if (exists) continue
          const c = q(attr)
          // No per-row column sizes (`columnsize=0`): only ranking functions read them, and search never ranks
          // (Appwrite orders by its own attributes); every insert, fork and import writes one row less.
          this.db.exec(`CREATE VIRTUAL TABLE ${q(fts)} USING fts5(${c}, content='${schema.table}', content_rowid='_seq', columnsize=0, tokenize="unicode61 tokenchars '_'")`)
          this.db.exec(`CREATE TRIGGER ${q(`${fts}:ai`)} AFTER INSERT ON ${t} BEGIN INSERT INTO ${q(fts)}(rowid, ${c}) VALUES (new._seq, new.${c}); END`)
          this.db.exec(`CREATE TRIGGER ${q(`${fts}:ad`)} AFTER DELETE ON ${t} BEGIN INSERT INTO ${q(fts)}(${q(fts)}, rowid, ${c}) VALUES ('delete', old._seq, old.${c}); END`)
          this.db.exec(`CREATE TRIGGER ${q(`${fts}:au`)} AFTER UPDATE ON ${t} BEGIN INSERT INTO ${q(fts)}(${q(fts)}, rowid, ${c}) VALUES ('delete', old._seq, old.${c}); INSERT INTO ${q(fts)}(rowid, ${c}) VALUES (new._seq, new.${c}); END`)
          this.db.exec(`INSERT INTO ${q(fts)}(${q(fts)}) VALUES ('rebuild')`)
        }
        for (const a of schema.attributes) if (a.junction) junctions.set(a.junction.table, a.junction)
      }
      for (const j of junctions.values()) {
        this.db.exec(`CREATE TABLE IF NOT EXISTS ${q(j.table)} (_seq INTEGER PRIMARY KEY AUTOINCREMENT, _project_id TEXT NOT NULL, _parent TEXT NOT NULL COLLATE NOCASE, _child TEXT NOT NULL COLLATE NOCASE)`)
        this.ensureIndex(`${j.table}:parent`, `CREATE INDEX ${q(`${j.table}:parent`)} ON ${q(j.table)} (_project_id, _parent)`)
        this.ensureIndex(`${j.table}:child`, `CREATE INDEX ${q(`${j.table}:child`)} ON ${q(j.table)} (_project_id, _child)`)
      }
    })()
  }

  private ensureIndex(name: string, sql: string): void {
    const row = this.db.prepare(`SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?`).get(name) as { sql: string } | undefined
    if (row?.sql === sql) return
    if (row) this.db.exec(`DROP INDEX ${q(name)}`)
    this.db.exec(sql)
  }

  private toDocument(schema: CollectionSchema, row: Row): StoredDocument {
    const data: Record<string, unknown> = {}
    for (const a of columnAttributes(schema)) {
      const v = row[a.key]
      if (v === null || v === undefined) data[a.key] = null
      else if (a.array) data[a.key] = JSON.parse(v as string)
      else if (a.type === 'boolean') data[a.key] = v === 1
      else data[a.key] = v
    }
    return { $id: row._uid, $sequence: row._seq, $createdAt: row._createdAt, $updatedAt: row._updatedAt, $permissions: JSON.parse(row._permissions), data }
  }

  private columnValues(schema: CollectionSchema, data: Record<string, unknown>): unknown[] {
    return columnAttributes(schema).map((a) => {
      const v = data[a.key]
      if (v === null || v === undefined) return null
      if (a.array) return JSON.stringify(v)
      return d.toSql(v)
    })
  }

  /**
   * Documents read outside transactions, by collection. Any write to the collection empties its map, and reads
   * inside a transaction are never kept, so a rolled-back write cannot leave a stale entry behind. Reads from
   * other contexts wait while a transaction is open, so none of them caches an uncommitted document either.
   */
  private readonly reads = new Map<CollectionSchema, Map<string, StoredDocument | null>>()

  /**
   * Pages and counts of queries read outside transactions, by collection and by SQL with its parameters, under
   * the same rules as `reads`: any write to the collection empties them. A repeated list costs no SQL.
   */
  private readonly queries = new Map<CollectionSchema, Map<string, StoredDocument[] | number>>()

  private forget(schema: CollectionSchema | null): void {
    if (schema) {
      this.reads.get(schema)?.clear()
      this.queries.get(schema)?.clear()
    } else {
      this.reads.clear()
      this.queries.clear()
    }
  }

  /** A query's answer from the cache, else run; kept when read outside a transaction. */
  private cachedQuery<T extends StoredDocument[] | number>(schema: CollectionSchema, sql: string, params: unknown[], run: () => T): T {
    if (this.db.inTransaction) return run()
    let bySql = this.queries.get(schema)
    const key = `${sql}\u0000${JSON.stringify(params)}`
    const hit = bySql?.get(key)
    if (hit !== undefined) return hit as T
    const answer = run()
    if (typeof answer === 'number' || answer.length <= MAX_CACHED_PAGE) {
      if (!bySql) this.queries.set(schema, (bySql = new Map()))
      if (bySql.size >= MAX_CACHED_QUERIES) bySql.delete(bySql.keys().next().value as string)
      bySql.set(key, answer)
    }
    return answer
  }

  async get(ref: CollectionRef, id: string): Promise<StoredDocument | null> {
    if (this.connection.mustWait()) await this.connection.readable()
    const cacheable = !this.db.inTransaction
    let byId = this.reads.get(ref.schema)
    // `_uid` compares without case, so the key does too.
    const key = `${ref.projectId}\u0000${id.toLowerCase()}`
    if (cacheable && byId?.has(key)) return byId.get(key)!
    const row = this.stmt(`SELECT * FROM ${q(ref.schema.table)} WHERE _project_id = ? AND _uid = ?`).get(ref.projectId, id) as Row | undefined
    const doc = row ? freezeDocument(this.toDocument(ref.schema, row)) : null
    if (cacheable) {
      if (!byId) this.reads.set(ref.schema, (byId = new Map()))
      if (byId.size >= MAX_CACHED_READS) byId.clear()
      byId.set(key, doc)
    }
    return doc
  }

  async find(ref: CollectionRef, options: FindOptions): Promise<StoredDocument[]> {
    if (this.connection.mustWait()) await this.connection.readable()
    const compiler = new QueryCompiler(d, ref.schema)
    const cursor = options.cursor
      ? { row: this.cursorRow(options.cursor.document), direction: options.cursor.direction, orders: options.orders }
      : undefined
    const where = compiler.where({ projectId: ref.projectId, filters: options.filters, readableBy: options.readableBy, cursor })
    const reverse = options.cursor?.direction === 'before'
    const sql = `SELECT t.* FROM ${q(ref.schema.table)} t WHERE ${where.sql} ORDER BY ${compiler.orderBy(options.orders, reverse)} LIMIT ? OFFSET ?`
    const params = [...where.params, Math.min(options.limit, Number.MAX_SAFE_INTEGER), options.offset]
    return this.cachedQuery(ref.schema, sql, params, () => {
      const docs = (this.stmt(sql).all(...params) as Row[]).map((r) => freezeDocument(this.toDocument(ref.schema, r)))
      return reverse ? docs.reverse() : docs
    })
  }

  private cursorRow(doc: StoredDocument): Record<string, unknown> {
    const row: Record<string, unknown> = { $id: doc.$id, $internalId: doc.$sequence, $createdAt: doc.$createdAt, $updatedAt: doc.$updatedAt }
    for (const [k, v] of Object.entries(doc.data)) row[k] = Array.isArray(v) ? JSON.stringify(v) : d.toSql(v)
    return row
  }

  async count(ref: CollectionRef, options: { filters: Query[]; readableBy: string[] | null; max: number }): Promise<number> {
    if (this.connection.mustWait()) await this.connection.readable()
    const compiler = new QueryCompiler(d, ref.schema)
    const where = compiler.where({ projectId: ref.projectId, filters: options.filters, readableBy: options.readableBy })
    const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${q(ref.schema.table)} t WHERE ${where.sql} LIMIT ?)`
    const params = [...where.params, options.max]
    return this.cachedQuery(ref.schema, sql, params, () => (this.stmt(sql).get(...params) as { n: number }).n)
  }

  async insert(ref: CollectionRef, doc: NewDocument): Promise<StoredDocument> {
    this.writable()
    const { schema } = ref
    this.forget(schema)
    let insert = this.inserts.get(schema)
    if (!insert) {
      const names = ['_project_id', '_uid', '_createdAt', '_updatedAt', '_permissions', ...columnAttributes(schema).map((a) => q(a.key))]
      insert = this.db.prepare(`INSERT INTO ${q(schema.table)} (${names.join(', ')}) VALUES (${names.map(() => '?').join(', ')})`)
      this.inserts.set(schema, insert)
    }
    let seq: number
    try {
      const info = insert.run(ref.projectId, doc.$id, doc.$createdAt, doc.$updatedAt, JSON.stringify(doc.$permissions), ...this.columnValues(schema, doc.data))
      seq = Number(info.lastInsertRowid)
    } catch (error) {
      throw duplicate(error)
    }
    this.writePermissions(ref, seq, doc.$permissions, true)
    return { ...doc, $sequence: seq }
  }

  private writePermissions(ref: CollectionRef, seq: number, permissions: string[], isNew = false): void {
    const p = q(ref.schema.permissionsTable)
    if (!isNew) this.stmt(`DELETE FROM ${p} WHERE _document = ?`).run(seq)
    const insert = this.stmt(`INSERT OR IGNORE INTO ${p} (_project_id, _document, _type, _role) VALUES (?, ?, ?, ?)`)
    for (const permission of permissions) {
      const m = /^(\w+)\("([^"]*)"\)$/.exec(permission)
      if (m) insert.run(ref.projectId, seq, m[1], m[2])
    }
  }

  async update(ref: CollectionRef, doc: StoredDocument): Promise<void> {
    this.writable()
    const { schema } = ref
    this.forget(schema)
    const columns = columnAttributes(schema)
    const sets = ['_uid = ?', '_createdAt = ?', '_updatedAt = ?', '_permissions = ?', ...columns.map((a) => `${q(a.key)} = ?`)]
    try {
      this.stmt(`UPDATE ${q(schema.table)} SET ${sets.join(', ')} WHERE _seq = ?`).run(
        doc.$id, doc.$createdAt, doc.$updatedAt, JSON.stringify(doc.$permissions), ...this.columnValues(schema, doc.data), doc.$sequence,
      )
    } catch (error) {
      throw duplicate(error)
    }
    this.writePermissions(ref, doc.$sequence, doc.$permissions)
  }

  async delete(ref: CollectionRef, id: string): Promise<boolean> {
    this.writable()
    this.forget(ref.schema)
    const row = this.stmt(`SELECT _seq FROM ${q(ref.schema.table)} WHERE _project_id = ? AND _uid = ?`).get(ref.projectId, id) as { _seq: number } | undefined
    if (!row) return false
    this.stmt(`DELETE FROM ${q(ref.schema.permissionsTable)} WHERE _document = ?`).run(row._seq)
    this.stmt(`DELETE FROM ${q(ref.schema.table)} WHERE _seq = ?`).run(row._seq)
    return true
  }

  async findByColumn(ref: CollectionRef, key: string, value: string): Promise<StoredDocument[]> {
    if (this.connection.mustWait()) await this.connection.readable()
    const rows = this.stmt(`SELECT * FROM ${q(ref.schema.table)} WHERE _project_id = ? AND ${q(key)} = ? ORDER BY _seq`).all(ref.projectId, value) as Row[]
    return rows.map((r) => this.toDocument(ref.schema, r))
  }

  async links(j: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string): Promise<string[]> {
    if (this.connection.mustWait()) await this.connection.readable()
    const [mine, other] = side === 'parent' ? ['_parent', '_child'] : ['_child', '_parent']
    const rows = this.stmt(`SELECT ${other} AS id FROM ${q(j.table)} WHERE _project_id = ? AND ${mine} = ? ORDER BY _seq`).all(projectId, id) as { id: string }[]
    return rows.map((r) => r.id)
  }

  async setLinks(j: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string, otherIds: string[]): Promise<void> {
    this.writable()
    const [mine, other] = side === 'parent' ? ['_parent', '_child'] : ['_child', '_parent']
    this.forget(null)
    this.stmt(`DELETE FROM ${q(j.table)} WHERE _project_id = ? AND ${mine} = ?`).run(projectId, id)
    const insert = this.stmt(`INSERT INTO ${q(j.table)} (_project_id, ${mine}, ${other}) VALUES (?, ?, ?)`)
    for (const o of new Set(otherIds)) insert.run(projectId, id, o)
  }

  async unlinkAll(j: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string): Promise<void> {
    this.writable()
    this.forget(null)
    this.stmt(`DELETE FROM ${q(j.table)} WHERE _project_id = ? AND ${side === 'parent' ? '_parent' : '_child'} = ?`).run(projectId, id)
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.connection.transaction(work)
  }

  async wipeProject(projectId: string): Promise<void> {
    this.writable()
    this.forget(null)
    for (const schema of this.schemas.values()) {
      this.stmt(`DELETE FROM ${q(schema.permissionsTable)} WHERE _project_id = ?`).run(projectId)
      this.stmt(`DELETE FROM ${q(schema.table)} WHERE _project_id = ?`).run(projectId)
      for (const a of schema.attributes) if (a.junction && a.side === 'parent') this.stmt(`DELETE FROM ${q(a.junction.table)} WHERE _project_id = ?`).run(projectId)
    }
  }
}

function duplicate(error: unknown): unknown {
  const code = (error as { code?: string }).code
  if (code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY') return new AppwriteException('document_already_exists')
  return error
}
