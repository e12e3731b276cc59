import { AsyncLocalStorage } from 'node:async_hooks'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type {
  AuthenticatorRecord,
  ChallengeRecord,
  MembershipRecord,
  FileRecord,
  TeamRecord,
  IdentityRecord,
  LogRecord,
  MessageRecord,
  ProjectRecord,
  SessionRecord,
  Store,
  SubscriberRecord,
  TargetRecord,
  TopicRecord,
  TokenRecord,
  UserRecord,
} from '../types.js'
import { SqliteJsonTable } from './json-table.js'
import { migrations } from './migrations.js'

/** The embedded default store: one SQLite file in WAL mode, or memory. */
export class SqliteStore implements Store {
  readonly projects: SqliteJsonTable<ProjectRecord>
  readonly users: SqliteJsonTable<UserRecord>
  readonly sessions: SqliteJsonTable<SessionRecord>
  readonly tokens: SqliteJsonTable<TokenRecord>
  readonly identities: SqliteJsonTable<IdentityRecord>
  readonly targets: SqliteJsonTable<TargetRecord>
  readonly logs: SqliteJsonTable<LogRecord>
  readonly messages: SqliteJsonTable<MessageRecord>
  readonly challenges: SqliteJsonTable<ChallengeRecord>
  readonly authenticators: SqliteJsonTable<AuthenticatorRecord>
  readonly teams: SqliteJsonTable<TeamRecord>
  readonly memberships: SqliteJsonTable<MembershipRecord>
  readonly files: SqliteJsonTable<FileRecord>
  readonly topics: SqliteJsonTable<TopicRecord>
  readonly subscribers: SqliteJsonTable<SubscriberRecord>
  private readonly tables: SqliteJsonTable<any>[]
  private readonly inTransaction = new AsyncLocalStorage<true>()
  private queue: Promise<unknown> = Promise.resolve()

  /** The connection, shared with the document store so both write in the same transactions. */
  private constructor(readonly db: Database.Database) {
    this.projects = new SqliteJsonTable(db, 'projects', {})
    this.users = new SqliteJsonTable(db, 'users', { email: (u) => u.email, phone: (u) => u.phone })
    this.sessions = new SqliteJsonTable(db, 'sessions', { user_id: (s) => s.userId, secret_hash: (s) => s.secretHash })
    this.tokens = new SqliteJsonTable(db, 'tokens', { user_id: (t) => t.userId, type: (t) => t.type })
    this.identities = new SqliteJsonTable(db, 'identities', {
      user_id: (i) => i.userId,
      provider: (i) => i.provider,
      provider_uid: (i) => i.providerUid,
      provider_email: (i) => i.providerEmail,
    })
    this.targets = new SqliteJsonTable(db, 'targets', { user_id: (t) => t.userId, identifier: (t) => t.identifier })
    this.logs = new SqliteJsonTable(db, 'logs', { user_id: (l) => l.userId })
    this.messages = new SqliteJsonTable(db, 'messages', {})
    this.challenges = new SqliteJsonTable(db, 'challenges', { user_id: (c) => c.userId })
    this.authenticators = new SqliteJsonTable(db, 'authenticators', { user_id: (a) => a.userId, type: (a) => a.type })
    this.teams = new SqliteJsonTable(db, 'teams', {})
    this.memberships = new SqliteJsonTable(db, 'memberships', { team_id: (m) => m.teamId, user_id: (m) => m.userId })
    this.files = new SqliteJsonTable(db, 'files', { bucket_id: (f) => f.bucketId })
    this.topics = new SqliteJsonTable(db, 'topics', {})
    this.subscribers = new SqliteJsonTable(db, 'subscribers', { topic_id: (s) => s.topicId, target_id: (s) => s.targetId })
    this.tables = [
      this.users, this.sessions, this.tokens, this.identities, this.targets, this.logs, this.messages, this.projects,
      this.challenges, this.authenticators, this.teams, this.memberships, this.files, this.topics, this.subscribers,
    ]
  }

  /** Opens (creating when needed) the database at `file`, or an in-memory one for `:memory:`, and migrates it. */
  static open(file: string): SqliteStore {
    if (file !== ':memory:') mkdirSync(dirname(file), { recursive: true })
    const db = new Database(file)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    migrate(db)
    return new SqliteStore(db)
  }

  async getMeta(key: string): Promise<string | null> {
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
    return row?.value ?? null
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  isInTransaction(): boolean {
    return this.inTransaction.getStore() === true
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction.getStore()) return work()
    // One connection, so transactions take turns; reads outside a transaction do not wait.
    const run = this.queue.then(() =>
      this.inTransaction.run(true, async () => {
        this.db.exec('BEGIN IMMEDIATE')
        try {
          const result = await work()
          this.db.exec('COMMIT')
          return result
        } catch (error) {
          this.db.exec('ROLLBACK')
          // Reads cached during the transaction may hold rolled-back values.
          for (const table of this.tables) table.invalidate()
          throw error
        }
      }),
    )
    this.queue = run.catch(() => undefined)
    return run
  }

  async projectIds(): Promise<string[]> {
    return this.db.prepare('SELECT project_id FROM projects').pluck().all() as string[]
  }

  async wipeProject(projectId: string): Promise<void> {
    await this.transaction(async () => {
      for (const table of this.tables) table.wipe(projectId)
    })
  }

  async close(): Promise<void> {
    await this.queue
    this.db.close()
  }
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number
  for (const m of migrations) {
    if (m.version <= current) continue
    db.transaction(() => {
      db.exec(m.sql)
      db.pragma(`user_version = ${m.version}`)
    })()
  }
}
