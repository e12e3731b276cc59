import { AsyncLocalStorage } from 'node:async_hooks'
import type Database from 'better-sqlite3'

/** One open transaction: who owns it (the async context it runs in) and when it ends. */
class OpenTransaction {
  readonly ended: Promise<void>
  end!: () => void
  constructor() {
    this.ended = new Promise((resolve) => (this.end = resolve))
  }
}

/**
 * The one better-sqlite3 connection every request shares, and the rules that keep requests apart on it
 * (docs/decisions/0001-store-and-transactions.md):
 * - transactions take turns, one open at a time; nested calls from inside one join it;
 * - while one is open, a read from any other async context waits until it ends, so nobody outside a
 *   transaction sees (or caches) its uncommitted writes;
 * - a write outside a transaction is a programming error and throws.
 * With no transaction open a read costs one field check and no extra hop.
 */
export class SqliteConnection {
  private readonly owner = new AsyncLocalStorage<OpenTransaction>()
  private open: OpenTransaction | null = null
  private queue: Promise<unknown> = Promise.resolve()
  /** Transactions queued behind the open one. */
  private waiting = 0
  private readonly rollbackListeners: (() => void)[] = []

  constructor(readonly db: Database.Database) {}

  // Prepared once: `exec` parses its SQL again on every call, and every write request runs these.
  private statements?: { begin: Database.Statement; commit: Database.Statement; rollback: Database.Statement }
  private get control() {
    return (this.statements ??= { begin: this.db.prepare('BEGIN IMMEDIATE'), commit: this.db.prepare('COMMIT'), rollback: this.db.prepare('ROLLBACK') })
  }

  /** Whether the calling code runs inside the open transaction (work left running after its own ended does not). */
  isInTransaction(): boolean {
    return this.open !== null && this.owner.getStore() === this.open
  }

  /** True when another context's transaction is open, so a read must wait for `readable()` first. */
  mustWait(): boolean {
    return this.open !== null && this.owner.getStore() !== this.open
  }

  /**
   * Resolves when the caller may read: no transaction is open, or the open one is the caller's. Call it only when
   * `mustWait()` says so, so the hot path (nothing open) takes no extra hop:
   * `if (conn.mustWait()) await conn.readable()`.
   */
  async readable(): Promise<void> {
    // A loop, not one wait: the next transaction may begin before this continuation runs.
    while (this.mustWait()) await this.open!.ended
  }

  /** Throws unless the caller runs inside the open transaction; `what` names the table in the message. */
  assertWritable(what: string): void {
    if (this.isInTransaction()) return
    throw new Error(
      `${what}: write outside a transaction. Wrap the write, and the reads it depends on, in store.transaction(...) ` +
        `so it commits or rolls back on its own instead of inside whichever request's transaction is open.`,
    )
  }

  /** Runs `fn` after every rollback, e.g. to forget reads cached during the transaction. */
  onRollback(fn: () => void): void {
    this.rollbackListeners.push(fn)
  }

  /** Runs `work` in one transaction (`BEGIN IMMEDIATE` … `COMMIT`, `ROLLBACK` on a throw); nested calls join it. */
  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.isInTransaction()) return work()
    this.waiting++
    const run = this.queue.then(() => {
      this.waiting--
      return this.run(work)
    })
    this.queue = run.catch(() => undefined)
    return run
  }

  /** Resolves when every queued transaction has ended. */
  async drain(): Promise<void> {
    await this.queue
  }

  private async run<T>(work: () => Promise<T>): Promise<T> {
    const tx = new OpenTransaction()
    this.control.begin.run()
    this.open = tx
    try {
      const result = await this.owner.run(tx, work)
      this.control.commit.run()
      return result
    } catch (error) {
      // A failed COMMIT can leave the transaction open; a failed BEGIN never gets here.
      if (this.db.inTransaction) this.control.rollback.run()
      for (const listener of this.rollbackListeners) listener()
      throw error
    } finally {
      this.open = null
      // With no transaction open or waiting, nothing needs the async context: disabling it takes Node's promise
      // hooks off every request until the next transaction (they cost several µs per request, reads included).
      // Under a stream of writes it stays on rather than toggling the hooks for each one.
      if (this.waiting === 0) this.owner.disable()
      tx.end()
    }
  }
}
