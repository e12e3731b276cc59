import { AsyncLocalStorage } from 'node:async_hooks'
import pg from 'pg'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { FairGate } from './fair-gate.js'
import type { Loaded, ReadCache } from './read-cache.js'

/** One open transaction. It takes a pooled client (and sends `BEGIN`) with its first statement, whose project it
 * is then counted against in the fairness gate; it remembers which projects it has locked. */
class OpenTransaction {
  readonly locked = new Set<string>()
  /** The projects a statement other than a SELECT ran for: what the read cache must drop after the commit. */
  readonly changed = new Set<string>()
  ended = false
  client: pg.PoolClient | null = null
  starting: Promise<pg.PoolClient> | null = null
  release: (() => void) | null = null
}

// BIGINT (sequences, integer attributes) as numbers, as better-sqlite3 returns them.
// deviation: integers past 2^53 lose precision, as they do in SQLite's JavaScript driver.
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === pg.types.builtins.INT8 ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
}

/** A statement that changes no rows (the emulator runs no SELECT with side effects on rows). */
const READ_ONLY = /^\s*SELECT\b/i

/** The key space of the emulator's advisory locks (first argument of the two-int form). */
export const LOCK_SPACE = 0x61707772 // "apwr"
/** The lock instance-wide values (meta) take. */
const META_LOCK = ' meta' // no project ID holds a space

export interface PgConnectionOptions {
  /** Pooled connections per process (default 10). */
  poolSize?: number
  /** The most connections one project may hold at a time (default: half the pool, at least 1). */
  perProject?: number
}

/**
 * The PostgreSQL side of the store's transaction rules (docs/decisions/hosted-mode.md):
 * - a transaction runs on one pooled client, found again through AsyncLocalStorage; nested calls join it;
 * - the first statement a transaction runs for a project takes that project's advisory transaction lock, so a
 *   project's transactions take turns across every process, as SQLite's take turns in one;
 * - reads outside a transaction use any pooled connection and see only committed data;
 * - a write outside a transaction (or from work left running after its own transaction ended) throws.
 * Every connection is handed out through a per-project fairness gate in front of the bounded pool.
 */
export class PgConnection {
  readonly pool: pg.Pool
  readonly gate: FairGate
  private readonly owner = new AsyncLocalStorage<OpenTransaction>()
  private readonly running = new Set<Promise<unknown>>()
  /** The cross-process read cache, when a bus carries its invalidations (`useReadCache`); null reads PostgreSQL every time. */
  private cache: ReadCache | null = null

  constructor(url: string, options: PgConnectionOptions = {}) {
    const size = options.poolSize ?? 10
    this.pool = new pg.Pool({ connectionString: url, max: size, idleTimeoutMillis: 30_000, types: TYPES })
    // An idle client losing its server (a restart) must not crash the process; the next query reconnects.
    this.pool.on('error', () => {})
    this.gate = new FairGate(size, options.perProject ?? Math.max(1, Math.floor(size / 2)))
  }

  private current(): OpenTransaction | undefined {
    const tx = this.owner.getStore()
    return tx && !tx.ended ? tx : undefined
  }

  isInTransaction(): boolean {
    return this.current() !== undefined
  }

  /** Throws unless the caller runs inside an open transaction; `what` names the table in the message. */
  assertWritable(what: string): void {
    if (this.isInTransaction()) return
    throw new Error(
      `${what}: write outside a transaction. Wrap the write, and the reads it depends on, in store.transaction(...) ` +
        `so it commits or rolls back on its own.`,
    )
  }

  /**
   * Runs one statement for `projectId`: inside the caller's transaction (locking the project first), or on a
   * pooled connection through the fairness gate.
   */
  async query<R extends pg.QueryResultRow = any>(projectId: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    const tx = this.current()
    const statement = prepared(sql, params)
    if (!tx) return this.gate.run(projectId, () => this.pool.query<R>(statement)).catch(refusedText)
    const client = tx.client ?? (await (tx.starting ??= this.begin(tx, projectId)))
    if (!tx.locked.has(projectId)) {
      tx.locked.add(projectId)
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [LOCK_SPACE, projectId])
    }
    if (!READ_ONLY.test(sql)) tx.changed.add(projectId)
    return client.query<R>(statement).catch(refusedText)
  }

  private async begin(tx: OpenTransaction, projectId: string): Promise<pg.PoolClient> {
    tx.release = await this.gate.acquire(projectId)
    try {
      const client = await this.pool.connect()
      try {
        await client.query('BEGIN')
      } catch (error) {
        client.release(true)
        throw error
      }
      tx.client = client
      return client
    } catch (error) {
      tx.release()
      throw error
    }
  }

  /** Serves cacheable reads from `cache` from now on; every committed transaction invalidates the projects it touched. */
  useReadCache(cache: ReadCache | null): void {
    this.cache = cache
  }

  /**
   * A read that may come from the read cache: outside a transaction, with a cache; `key` names it within the
   * project (its SQL and parameters). Inside a transaction, or without a cache, `load` runs (a transaction reads
   * what it locked, and its own writes).
   */
  async cached<T>(projectId: string, key: string, load: () => Promise<Loaded<T>>): Promise<T> {
    const cache = this.cache
    if (!cache || this.isInTransaction()) return (await load()).value
    return cache.read(projectId, key, load)
  }

  /** Runs a write statement: it must be inside a transaction. */
  write<R extends pg.QueryResultRow = any>(what: string, projectId: string, sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    this.assertWritable(what)
    return this.query<R>(projectId, sql, params)
  }

  /** Reads or writes instance-wide values under their own lock. */
  meta<R extends pg.QueryResultRow = any>(sql: string, params: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.query<R>(META_LOCK, sql, params)
  }

  /**
   * Runs a write that may break a unique constraint without aborting the transaction around it (PostgreSQL
   * aborts the whole transaction on an error; SQLite fails only the statement).
   */
  async guarded<R extends pg.QueryResultRow = any>(what: string, projectId: string, sql: string, params: unknown[]): Promise<pg.QueryResult<R>> {
    this.assertWritable(what)
    await this.query(projectId, 'SAVEPOINT emu_statement')
    try {
      const result = await this.query<R>(projectId, sql, params)
      await this.query(projectId, 'RELEASE SAVEPOINT emu_statement')
      return result
    } catch (error) {
      await this.query(projectId, 'ROLLBACK TO SAVEPOINT emu_statement')
      throw error
    }
  }

  /** Runs `work` in one transaction; nested calls join it. `COMMIT` when it resolves, `ROLLBACK` on a throw. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.isInTransaction()) return work()
    const run = this.run(work)
    this.running.add(run)
    const forget = () => this.running.delete(run)
    run.then(forget, forget)
    return run
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    const tx = new OpenTransaction()
    let outcome: 'COMMIT' | 'ROLLBACK' = 'ROLLBACK'
    let result: T
    try {
      result = await this.owner.run(tx, work)
      outcome = 'COMMIT'
    } finally {
      tx.ended = true
      try {
        await this.finish(tx, outcome)
      } finally {
        // After COMMIT (or a COMMIT that failed, whose outcome is unknown), before the caller goes on: every process
        // stops trusting what it cached for the projects this transaction changed. ' meta' is never cached.
        if (outcome === 'COMMIT' && this.cache) await this.cache.committed([...tx.changed].filter((p) => p !== META_LOCK))
      }
    }
    return result
  }

  /** Commits or rolls back a transaction that started; a failed COMMIT rejects (and rolls back). */
  private async finish(tx: OpenTransaction, outcome: 'COMMIT' | 'ROLLBACK'): Promise<void> {
    let client: pg.PoolClient | null = null
    try {
      client = tx.client ?? (tx.starting ? await tx.starting.catch(() => null) : null)
    } finally {
      if (!client) tx.release?.()
    }
    if (!client) return
    let broken = false
    try {
      await client.query(outcome)
    } catch (error) {
      broken = true
      if (outcome === 'COMMIT') throw error
    } finally {
      client.release(broken)
      tx.release?.()
    }
  }

  /** Resolves when every running transaction has ended, then closes the pool. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.running])
    await this.pool.end()
  }
}

const statementNames = new Map<string, string>()

/**
 * A named statement, so each connection parses and plans a statement once and then only binds and runs it (half
 * the server's work for the short lookups most requests make). Names are per SQL text; a few thousand at most.
 */
function prepared(sql: string, values: unknown[]): pg.QueryConfig {
  if (statementNames.size > 5000) return { text: sql, values }
  let name = statementNames.get(sql)
  if (!name) statementNames.set(sql, (name = `emu${statementNames.size}`))
  return { name, text: sql, values }
}

/**
 * PostgreSQL's text type refuses NUL characters (SQLite keeps them): the request gets Appwrite's invalid-argument
 * error instead of a 500. deviation: a value SQLite would store is refused here.
 */
function refusedText(error: unknown): never {
  if ((error as { code?: string } | null)?.code === '22021') {
    throw new AppwriteException('general_argument_invalid', 'Text values may not contain the NUL character (\\u0000) on the PostgreSQL store.')
  }
  throw error
}

/** True for PostgreSQL's unique-violation error. */
export const isUniqueViolation = (error: unknown): error is { code: string; constraint?: string } =>
  (error as { code?: string } | null)?.code === '23505'
