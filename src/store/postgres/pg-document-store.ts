import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Query } from '../../domain/query/parse.js'
import { columnAttributes, type AttributeSchema, type CollectionSchema, type JunctionSchema, type SchemaSet } from '../documents/schema.js'
import { INTERNAL_COLUMNS, QueryCompiler } from '../documents/sql/compile.js'
import { nocase, pgDialect as d, pgIdentifier, tsvectorOf } from '../documents/sql/pg-dialect.js'
import type { Row } from '../documents/sqlite-document-store.js'
import { freezeDocument, type CollectionRef, type DocumentStore, type FindOptions, type NewDocument, type StoredDocument } from '../documents/types.js'
import { isUniqueViolation, LOCK_SPACE, type PgConnection } from './connection.js'
import { MIGRATION_LOCK } from './migrations.js'

const q = d.quote
/** A text value longer than this may pass btree's row limit, so indexes hash it or leave it out. */
const WIDE_TEXT = 1000
/** Pages longer than this are not kept by the read cache (SQLite's document cache keeps none past 100 either). */
const MAX_CACHED_PAGE = 100

/** ASCII letters to lower case, as `emu_nocase` folds them. */
const asciiLower = (text: string) => text.replace(/[A-Z]+/g, (m) => m.toLowerCase())

/** Text columns up to this size also ride in their key indexes (as they are, beside the folded key), under btree's row limit. */
const CARRIED_TEXT = 255

function sqlType(a: AttributeSchema): string {
  if (a.array) return 'TEXT'
  switch (a.type) {
    case 'integer':
      return 'BIGINT'
    case 'boolean':
      return 'BOOLEAN'
    case 'double':
      return 'DOUBLE PRECISION'
    default:
      return 'TEXT COLLATE "C"'
  }
}

const isTextKey = (schema: CollectionSchema, attribute: string) => {
  if (attribute === '$id') return true
  const a = schema.byKey.get(attribute)
  return !a?.array && (a?.type === 'string' || a?.type === 'relationship')
}

const isWide = (schema: CollectionSchema, attribute: string) => {
  const a = schema.byKey.get(attribute)
  return !!a && (a.array || ((a.type === 'string' || a.type === 'relationship') && (a.size ?? 0) > WIDE_TEXT))
}

/**
 * Documents in PostgreSQL, laid out as SqliteDocumentStore lays them out (a table per collection shared by
 * projects, a permissions table, a link table per many-to-many relationship) and compiled by the same
 * QueryCompiler with the PostgreSQL dialect. Fulltext indexes are `tsvector` tables kept by triggers. Tables are
 * created at start under the migration advisory lock; every call waits for that first.
 */
export class PgDocumentStore implements DocumentStore {
  private readonly ready: Promise<void>

  constructor(
    private readonly connection: PgConnection,
    private readonly schemas: SchemaSet,
  ) {
    this.ready = this.migrate()
    // The first call reports a failed migration; until then it must not count as unhandled.
    this.ready.catch(() => {})
  }

  /** The tables this schema set names (documents, permissions, fulltext, links), as the schema names them. */
  tableNames(): string[] {
    const names: string[] = []
    for (const schema of this.schemas.values()) {
      names.push(schema.table, schema.permissionsTable, ...schema.fulltext.values())
      for (const a of schema.attributes) if (a.junction) names.push(a.junction.table)
    }
    return names
  }

  /** Resolves once the tables exist (rejects with the migration's error). */
  whenReady(): Promise<void> {
    return this.ready
  }

  private async migrate(): Promise<void> {
    const client = await this.connection.pool.connect()
    const run = (sql: string, params: unknown[] = []) => client.query(sql, params)
    try {
      await run('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK])
      try {
        await run('BEGIN')
        await run('CREATE TABLE IF NOT EXISTS emulator_indexes (name TEXT PRIMARY KEY, owner TEXT NOT NULL, sql TEXT NOT NULL)')
        const known = new Map((await run('SELECT name, owner, sql FROM emulator_indexes')).rows.map((r) => [r.name as string, r as { owner: string; sql: string }]))
        const ensureIndex = async (owner: string, name: string, sql: string) => {
          const row = known.get(name)
          if (row?.sql === sql) return
          if (row) await run(`DROP INDEX IF EXISTS ${q(name)}`)
          await run(sql)
          await run('INSERT INTO emulator_indexes (name, owner, sql) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET owner = excluded.owner, sql = excluded.sql', [name, owner, sql])
        }
        const junctions = new Map<string, JunctionSchema>()
        for (const schema of this.schemas.values()) {
          const t = q(schema.table)
          await run(`CREATE TABLE IF NOT EXISTS ${t} (
            _seq BIGSERIAL PRIMARY KEY,
            _project_id TEXT COLLATE "C" NOT NULL,
            _uid TEXT COLLATE "C" NOT NULL,
            "_createdAt" TEXT COLLATE "C" NOT NULL,
            "_updatedAt" TEXT COLLATE "C" NOT NULL,
            _permissions TEXT NOT NULL
          )`)
          for (const a of columnAttributes(schema)) await run(`ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS ${q(a.key)} ${sqlType(a)}`)
          await ensureIndex(schema.table, `${schema.table}:uid`, `CREATE UNIQUE INDEX ${q(`${schema.table}:uid`)} ON ${t} (_project_id, ${nocase('_uid')})`)
          await ensureIndex(schema.table, `${schema.table}:createdAt`, `CREATE INDEX ${q(`${schema.table}:createdAt`)} ON ${t} (_project_id, "_createdAt")`)
          await ensureIndex(schema.table, `${schema.table}:updatedAt`, `CREATE INDEX ${q(`${schema.table}:updatedAt`)} ON ${t} (_project_id, "_updatedAt")`)
          const p = q(schema.permissionsTable)
          await run(`CREATE TABLE IF NOT EXISTS ${p} (_project_id TEXT COLLATE "C" NOT NULL, _document BIGINT NOT NULL, _type TEXT COLLATE "C" NOT NULL, _role TEXT COLLATE "C" NOT NULL)`)
          await ensureIndex(schema.table, `${schema.permissionsTable}:document`, `CREATE UNIQUE INDEX ${q(`${schema.permissionsTable}:document`)} ON ${p} (_document, _type, _role)`)
          await ensureIndex(schema.table, `${schema.permissionsTable}:role`, `CREATE INDEX ${q(`${schema.permissionsTable}:role`)} ON ${p} (_project_id, _role, _type, _document)`)
          // Indexes the config no longer lists go (a stale unique index would still refuse writes).
          const wanted = new Set(schema.indexes.filter((i) => i.type !== 'fulltext').map((i) => `${schema.table}:index:${i.key}`))
          for (const [name, row] of known) {
            if (row.owner === schema.table && name.startsWith(`${schema.table}:index:`) && !wanted.has(name)) {
              await run(`DROP INDEX IF EXISTS ${q(name)}`)
              await run('DELETE FROM emulator_indexes WHERE name = $1', [name])
            }
          }
          for (const index of schema.indexes) {
            if (index.type === 'fulltext') continue
            const name = `${schema.table}:index:${index.key}`
            const unique = index.type === 'unique'
            // deviation: a key index over an array or a string longer than 1000 characters is not built
            // (btree rows are limited to ~2.7 kB); a unique one compares an md5 of the value instead.
            if (!unique && index.attributes.some((attr) => isWide(schema, attr))) continue
            const columns = index.attributes.map((attr, i) => {
              const column = q(INTERNAL_COLUMNS[attr] ?? attr)
              const direction = index.orders[i] ?? 'ASC'
              const expression = isWide(schema, attr) ? `md5(${column})` : isTextKey(schema, attr) ? nocase(column) : column
              return `${expression} ${direction} NULLS ${direction === 'ASC' ? 'FIRST' : 'LAST'}`
            })
            // A key index ends with `_seq`, as SQLite's ends with the rowid: equal filters in insertion order (the
            // default order) then read 25 rows, not every match. It also carries the short text columns it folds,
            // so a count can answer from the index alone.
            const tail = unique || index.attributes.includes('$internalId') ? '' : ', "_seq" ASC NULLS FIRST'
            const carried = unique ? [] : index.attributes.filter((attr) => isTextKey(schema, attr) && (attr === '$id' || (schema.byKey.get(attr)?.size ?? Infinity) <= CARRIED_TEXT))
            const include = carried.length ? ` INCLUDE (${[...new Set(carried)].map((attr) => q(INTERNAL_COLUMNS[attr] ?? attr)).join(', ')})` : ''
            await ensureIndex(schema.table, name, `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${q(name)} ON ${t} (_project_id, ${columns.join(', ')}${tail})${include}`)
          }
          for (const [attr, fts] of schema.fulltext) await this.fulltextTable(run, schema, attr, fts)
          for (const a of schema.attributes) if (a.junction) junctions.set(a.junction.table, a.junction)
        }
        for (const j of junctions.values()) {
          await run(`CREATE TABLE IF NOT EXISTS ${q(j.table)} (_seq BIGSERIAL PRIMARY KEY, _project_id TEXT COLLATE "C" NOT NULL, _parent TEXT COLLATE "C" NOT NULL, _child TEXT COLLATE "C" NOT NULL)`)
          await ensureIndex(j.table, `${j.table}:parent`, `CREATE INDEX ${q(`${j.table}:parent`)} ON ${q(j.table)} (_project_id, ${nocase('_parent')})`)
          await ensureIndex(j.table, `${j.table}:child`, `CREATE INDEX ${q(`${j.table}:child`)} ON ${q(j.table)} (_project_id, ${nocase('_child')})`)
        }
        await run('COMMIT')
      } catch (error) {
        await run('ROLLBACK')
        throw error
      } finally {
        await run('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK])
      }
    } finally {
      client.release()
    }
  }

  /** A fulltext index: `(_seq, _tsv)` rows kept by a trigger on the documents table, filled once when created. */
  private async fulltextTable(run: (sql: string) => Promise<unknown>, schema: CollectionSchema, attr: string, fts: string): Promise<void> {
    const t = q(schema.table)
    const f = q(fts)
    const fn = q(`${fts}:fn`)
    // Replaced at every start, so databases made by an earlier version learn what a project copy needs: an insert
    // whose table is listed in `emu.fts_copied` is skipped, the copy writing the copied rows' tsvectors itself.
    const listed = `|${pgIdentifier(fts)}|`.replace(/'/g, "''")
    await run(`CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $body$
BEGIN
  IF TG_OP = 'DELETE' THEN
    DELETE FROM ${f} WHERE _seq = OLD._seq;
    RETURN OLD;
  END IF;
  IF TG_OP = 'INSERT' AND strpos(coalesce(current_setting('emu.fts_copied', true), ''), '${listed}') > 0 THEN
    RETURN NEW;
  END IF;
  INSERT INTO ${f} (_seq, _tsv) VALUES (NEW._seq, ${tsvectorOf(`NEW.${q(attr)}`)})
    ON CONFLICT (_seq) DO UPDATE SET _tsv = excluded._tsv;
  RETURN NEW;
END
$body$`)
    const exists = (await run(`SELECT to_regclass('${f.replace(/'/g, "''")}') IS NOT NULL AS present`)) as { rows: { present: boolean }[] }
    if (exists.rows[0].present) return
    await run(`CREATE TABLE ${f} (_seq BIGINT PRIMARY KEY, _tsv tsvector NOT NULL)`)
    await run(`CREATE INDEX ${q(`${fts}:gin`)} ON ${f} USING gin (_tsv)`)
    await run(`CREATE TRIGGER ${q(`${fts}:trg`)} AFTER INSERT OR UPDATE OR DELETE ON ${t} FOR EACH ROW EXECUTE FUNCTION ${fn}()`)
    await run(`INSERT INTO ${f} (_seq, _tsv) SELECT _seq, ${tsvectorOf(`src.${q(attr)}`)} FROM ${t} src`)
  }

  private writable(): void {
    this.connection.assertWritable('documents')
  }

  private toDocument(schema: CollectionSchema, row: Row): StoredDocument {
    const data: Record<string, unknown> = {}
    for (const a of columnAttributes(schema)) {
      const v = row[a.key]
      if (v === null || v === undefined) data[a.key] = null
      else if (a.array) data[a.key] = JSON.parse(v as string)
      else data[a.key] = v
    }
    return { $id: row._uid, $sequence: Number(row._seq), $createdAt: row._createdAt, $updatedAt: row._updatedAt, $permissions: JSON.parse(row._permissions), data }
  }

  private columnValues(schema: CollectionSchema, data: Record<string, unknown>): unknown[] {
    return columnAttributes(schema).map((a) => {
      const v = data[a.key]
      if (v === null || v === undefined) return null
      return a.array ? JSON.stringify(v) : v
    })
  }

  async get(ref: CollectionRef, id: string): Promise<StoredDocument | null> {
    await this.ready
    const sql = `SELECT * FROM ${q(ref.schema.table)} WHERE _project_id = $1 AND ${nocase('_uid')} = ${nocase('$2::text')}`
    // `_uid` compares without case (ASCII letters, as emu_nocase folds), so the key does too.
    return this.cached(ref, `get\0${ref.schema.table}\0${asciiLower(id)}`, sql, [ref.projectId, id], (docs) => docs[0] ?? null)
  }

  /**
   * One read through the connection's read cache: the documents its rows make, frozen (as SQLite's cache hands
   * them out; a hit shares them, and so do the services' render caches keyed by them). `key` names the read.
   */
  private cached<T>(ref: CollectionRef, key: string, sql: string, params: unknown[], shape: (docs: StoredDocument[]) => T): Promise<T> {
    return this.connection.cached(ref.projectId, key, async () => {
      const { rows } = await this.connection.query<Row>(ref.projectId, sql, params)
      let size = 0
      const docs = rows.map((row) => {
        for (const v of Object.values(row)) size += typeof v === 'string' ? v.length * 2 + 16 : 16
        return freezeDocument(this.toDocument(ref.schema, row))
      })
      // A long page is not kept (as SQLite keeps none past MAX_CACHED_PAGE).
      return { value: shape(docs), size: docs.length > MAX_CACHED_PAGE ? Infinity : size }
    })
  }

  async find(ref: CollectionRef, options: FindOptions): Promise<StoredDocument[]> {
    await this.ready
    const compiler = new QueryCompiler(d, ref.schema)
    const cursor = options.cursor
      ? { row: this.cursorRow(options.cursor.document), direction: options.cursor.direction, orders: options.orders }
      : undefined
    const where = compiler.where({ projectId: ref.projectId, filters: options.filters, readableBy: options.readableBy, cursor })
    const reverse = options.cursor?.direction === 'before'
    const n = where.params.length
    const sql = `SELECT t.* FROM ${q(ref.schema.table)} t WHERE ${where.sql} ORDER BY ${compiler.orderBy(options.orders, reverse)} LIMIT $${n + 1} OFFSET $${n + 2}`
    const params = [...where.params, Math.min(options.limit, Number.MAX_SAFE_INTEGER), options.offset]
    // A repeated query answers with the same page (its documents frozen), as on SQLite.
    return this.cached(ref, `${sql}\0${JSON.stringify(params)}`, sql, params, (docs) => (reverse ? docs.reverse() : docs))
  }

  private cursorRow(doc: StoredDocument): Record<string, unknown> {
    const row: Record<string, unknown> = { $id: doc.$id, $internalId: doc.$sequence, $createdAt: doc.$createdAt, $updatedAt: doc.$updatedAt }
    for (const [k, v] of Object.entries(doc.data)) row[k] = Array.isArray(v) ? JSON.stringify(v) : v
    return row
  }

  async count(ref: CollectionRef, options: { filters: Query[]; readableBy: string[] | null; max: number }): Promise<number> {
    await this.ready
    const compiler = new QueryCompiler(d, ref.schema)
    const where = compiler.where({ projectId: ref.projectId, filters: options.filters, readableBy: options.readableBy })
    const sql = `SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${q(ref.schema.table)} t WHERE ${where.sql} LIMIT $${where.params.length + 1}) s`
    const params = [...where.params, options.max]
    return this.connection.cached(ref.projectId, `${sql}\0${JSON.stringify(params)}`, async () => {
      const { rows } = await this.connection.query<{ n: string }>(ref.projectId, sql, params)
      return { value: Number(rows[0].n), size: 8 }
    })
  }

  async insert(ref: CollectionRef, doc: NewDocument): Promise<StoredDocument> {
    await this.ready
    this.writable()
    const { schema } = ref
    const names = ['_project_id', '_uid', '"_createdAt"', '"_updatedAt"', '_permissions', ...columnAttributes(schema).map((a) => q(a.key))]
    // A repeated ID or unique value inserts nothing rather than failing, so the transaction goes on as in SQLite.
    const sql = `INSERT INTO ${q(schema.table)} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) ON CONFLICT DO NOTHING RETURNING _seq`
    const { rows } = await this.connection.query<{ _seq: number }>(ref.projectId, sql, [
      ref.projectId, doc.$id, doc.$createdAt, doc.$updatedAt, JSON.stringify(doc.$permissions), ...this.columnValues(schema, doc.data),
    ])
    if (rows.length === 0) throw new AppwriteException('document_already_exists')
    const seq = Number(rows[0]._seq)
    await this.writePermissions(ref, seq, doc.$permissions, true)
    return { ...doc, $sequence: seq }
  }

  private async writePermissions(ref: CollectionRef, seq: number, permissions: string[], isNew = false): Promise<void> {
    const p = q(ref.schema.permissionsTable)
    if (!isNew) await this.connection.query(ref.projectId, `DELETE FROM ${p} WHERE _document = $1`, [seq])
    const types: string[] = []
    const roles: string[] = []
    for (const permission of permissions) {
      const m = /^(\w+)\("([^"]*)"\)$/.exec(permission)
      if (m) types.push(m[1]), roles.push(m[2])
    }
    if (types.length === 0) return
    await this.connection.query(
      ref.projectId,
      `INSERT INTO ${p} (_project_id, _document, _type, _role) SELECT $1, $2, x.type, x.role FROM unnest($3::text[], $4::text[]) AS x(type, role) ON CONFLICT DO NOTHING`,
      [ref.projectId, seq, types, roles],
    )
  }

  async update(ref: CollectionRef, doc: StoredDocument): Promise<void> {
    await this.ready
    this.writable()
    const { schema } = ref
    const columns = columnAttributes(schema)
    const sets = ['_uid', '"_createdAt"', '"_updatedAt"', '_permissions', ...columns.map((a) => q(a.key))].map((c, i) => `${c} = $${i + 1}`)
    const params = [doc.$id, doc.$createdAt, doc.$updatedAt, JSON.stringify(doc.$permissions), ...this.columnValues(schema, doc.data), doc.$sequence]
    try {
      await this.connection.guarded('documents', ref.projectId, `UPDATE ${q(schema.table)} SET ${sets.join(', ')} WHERE _seq = $${params.length}`, params)
    } catch (error) {
      throw isUniqueViolation(error) ? new AppwriteException('document_already_exists') : error
    }
    await this.writePermissions(ref, doc.$sequence, doc.$permissions)
  }

  async delete(ref: CollectionRef, id: string): Promise<boolean> {
    await this.ready
    this.writable()
    const { rows } = await this.connection.query<{ _seq: number }>(
      ref.projectId,
      `DELETE FROM ${q(ref.schema.table)} WHERE _project_id = $1 AND ${nocase('_uid')} = ${nocase('$2::text')} RETURNING _seq`,
      [ref.projectId, id],
    )
    if (rows.length === 0) return false
    await this.connection.query(ref.projectId, `DELETE FROM ${q(ref.schema.permissionsTable)} WHERE _document = $1`, [rows[0]._seq])
    return true
  }

  async findByColumn(ref: CollectionRef, key: string, value: string): Promise<StoredDocument[]> {
    await this.ready
    const sql = `SELECT * FROM ${q(ref.schema.table)} WHERE _project_id = $1 AND ${nocase(q(key))} = ${nocase('$2::text')} ORDER BY _seq`
    const params = [ref.projectId, value]
    // A copy of the kept list: callers own it (SQLite reads it afresh every time).
    return [...(await this.cached(ref, `${sql}\0${JSON.stringify(params)}`, sql, params, (docs) => docs))]
  }

  async links(j: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string): Promise<string[]> {
    await this.ready
    const [mine, other] = side === 'parent' ? ['_parent', '_child'] : ['_child', '_parent']
    const sql = `SELECT ${other} AS id FROM ${q(j.table)} WHERE _project_id = $1 AND ${nocase(mine)} = ${nocase('$2::text')} ORDER BY _seq`
    const params = [projectId, id]
    const kept = await this.connection.cached(projectId, `${sql}\0${JSON.stringify(params)}`, async () => {
      const { rows } = await this.connection.query<{ id: string }>(projectId, sql, params)
      return { value: rows.map((r) => r.id), size: rows.reduce((n, r) => n + r.id.length * 2 + 16, 0) }
    })
    return [...kept]
  }

  async setLinks(j: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string, otherIds: string[]): Promise<void> {
    await this.ready
    this.writable()
    const [mine, other] = side === 'parent' ? ['_parent', '_child'] : ['_child', '_parent']
    await this.connection.query(projectId, `DELETE FROM ${q(j.table)} WHERE _project_id = $1 AND ${nocase(mine)} = ${nocase('$2::text')}`, [projectId, id])
    const others = [...new Set(otherIds)]
    if (others.length === 0) return
    await this.connection.query(
      projectId,
      `INSERT INTO ${q(j.table)} (_project_id, ${mine}, ${other}) SELECT $1, $2, x.id FROM unnest($3::text[]) WITH ORDINALITY AS x(id, n) ORDER BY x.n`,
      [projectId, id, others],
    )
  }

  async unlinkAll(j: JunctionSchema, projectId: string, side: 'parent' | 'child', id: string): Promise<void> {
    await this.ready
    this.writable()
    const mine = side === 'parent' ? '_parent' : '_child'
    await this.connection.query(projectId, `DELETE FROM ${q(j.table)} WHERE _project_id = $1 AND ${nocase(mine)} = ${nocase('$2::text')}`, [projectId, id])
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.connection.transaction(work)
  }

  async wipeProject(projectId: string): Promise<void> {
    await this.ready
    this.writable()
    for (const schema of this.schemas.values()) {
      await this.connection.query(projectId, `DELETE FROM ${q(schema.permissionsTable)} WHERE _project_id = $1`, [projectId])
      await this.connection.query(projectId, `DELETE FROM ${q(schema.table)} WHERE _project_id = $1`, [projectId])
      for (const a of schema.attributes) {
        if (a.junction && a.side === 'parent') await this.connection.query(projectId, `DELETE FROM ${q(a.junction.table)} WHERE _project_id = $1`, [projectId])
      }
    }
  }
}

