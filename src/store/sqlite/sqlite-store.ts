import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import Database from 'better-sqlite3'
import type {
  AuthenticatorRecord,
  ChallengeRecord,
  ExecutionRecord,
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
  OAuth2PendingRecord,
  ProjectCopyOptions,
  ProjectDump,
} from '../types.js'
import { ProjectDumpMismatch } from '../types.js'
import { copyProjectRows, dumpMismatch, dumpProjectRows, loadProjectRows } from './project-copy.js'
import { SqliteConnection } from './connection.js'
import { SqliteJsonTable } from './json-table.js'
import { migrations } from './migrations.js'
import type { SchemaSet } from '../documents/schema.js'
import type { DocumentStore } from '../documents/types.js'
import { SqliteDocumentStore } from '../documents/sqlite-document-store.js'

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
  readonly executions: SqliteJsonTable<ExecutionRecord>
  readonly oauth2Pending: SqliteJsonTable<OAuth2PendingRecord>
  private readonly tables: SqliteJsonTable<any>[]
  /** Who may read and write the connection when; the document store shares it. */
  readonly connection: SqliteConnection

  /** The connection, shared with the document store so both write in the same transactions. */
  private constructor(readonly db: Database.Database) {
    const connection = (this.connection = new SqliteConnection(db))
    this.projects = new SqliteJsonTable(connection, 'projects', {})
    this.users = new SqliteJsonTable(connection, 'users', { email: (u) => u.email, phone: (u) => u.phone })
    this.sessions = new SqliteJsonTable(connection, 'sessions', { user_id: (s) => s.userId, secret_hash: (s) => s.secretHash })
    this.tokens = new SqliteJsonTable(connection, 'tokens', { user_id: (t) => t.userId, type: (t) => t.type })
    this.identities = new SqliteJsonTable(connection, 'identities', {
      user_id: (i) => i.userId,
      provider: (i) => i.provider,
      provider_uid: (i) => i.providerUid,
      provider_email: (i) => i.providerEmail,
    })
    this.targets = new SqliteJsonTable(connection, 'targets', { user_id: (t) => t.userId, identifier: (t) => t.identifier })
    this.logs = new SqliteJsonTable(connection, 'logs', { user_id: (l) => l.userId })
    this.messages = new SqliteJsonTable(connection, 'messages', {})
    this.challenges = new SqliteJsonTable(connection, 'challenges', { user_id: (c) => c.userId })
    this.authenticators = new SqliteJsonTable(connection, 'authenticators', { user_id: (a) => a.userId, type: (a) => a.type })
    this.teams = new SqliteJsonTable(connection, 'teams', {})
    this.memberships = new SqliteJsonTable(connection, 'memberships', { team_id: (m) => m.teamId, user_id: (m) => m.userId })
    this.files = new SqliteJsonTable(connection, 'files', { bucket_id: (f) => f.bucketId })
    this.topics = new SqliteJsonTable(connection, 'topics', {})
    this.subscribers = new SqliteJsonTable(connection, 'subscribers', { topic_id: (s) => s.topicId, target_id: (s) => s.targetId })
    this.executions = new SqliteJsonTable(connection, 'executions', { function_id: (e) => e.functionId })
    this.oauth2Pending = new SqliteJsonTable(connection, 'oauth2_pending', {})
    this.tables = [
      this.users, this.sessions, this.tokens, this.identities, this.targets, this.logs, this.messages, this.projects,
      this.challenges, this.authenticators, this.teams, this.memberships, this.files, this.topics, this.subscribers,
      this.executions, this.oauth2Pending,
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
    if (this.connection.mustWait()) await this.connection.readable()
    const row = this.db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined
    return row?.value ?? null
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.connection.assertWritable('meta')
    this.db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value)
  }

  isInTransaction(): boolean {
    return this.connection.isInTransaction()
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    // One connection, so transactions take turns, and reads from other requests wait for the open one.
    return this.connection.transaction(work)
  }

  async projectIds(): Promise<string[]> {
    if (this.connection.mustWait()) await this.connection.readable()
    return this.db.prepare('SELECT project_id FROM projects').pluck().all() as string[]
  }

  async wipeProject(projectId: string): Promise<void> {
    await this.transaction(async () => {
      for (const table of this.tables) table.wipe(projectId)
    })
  }

  openDocuments(schemas: SchemaSet): DocumentStore {
    return new SqliteDocumentStore(this.connection, schemas)
  }

  async copyProject(from: string, to: string, options?: ProjectCopyOptions): Promise<void> {
    this.connection.assertWritable('copyProject')
    copyProjectRows(this.db, from, to, options)
    this.invalidateAll()
  }

  async dumpProject(projectId: string): Promise<ProjectDump> {
    if (this.connection.mustWait()) await this.connection.readable()
    return dumpProjectRows(this.db, projectId)
  }

  async loadProject(projectId: string, dump: ProjectDump): Promise<void> {
    this.connection.assertWritable('loadProject')
    const mismatch = dumpMismatch(this.db, dump)
    if (mismatch) throw new ProjectDumpMismatch(mismatch)
    loadProjectRows(this.db, projectId, dump)
    this.invalidateAll()
  }

  /** Forgets cached reads after rows changed behind the tables' backs (copies and loads). */
  private invalidateAll(): void {
    for (const table of this.tables) table.invalidate()
  }

  async close(): Promise<void> {
    await this.connection.drain()
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
