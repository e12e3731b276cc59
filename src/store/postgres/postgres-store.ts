import type {
  AuthenticatorRecord,
  ChallengeRecord,
  ExecutionRecord,
  FileRecord,
  IdentityRecord,
  LogRecord,
  MembershipRecord,
  MessageRecord,
  ProjectRecord,
  SessionRecord,
  Store,
  SubscriberRecord,
  TargetRecord,
  TeamRecord,
  TokenRecord,
  TopicRecord,
  UserRecord,
  OAuth2PendingRecord,
  ProjectCopyOptions,
  ProjectDump,
} from '../types.js'
import { ProjectDumpMismatch } from '../types.js'
import { PgProjectCopier } from './project-copy.js'
import type { SchemaSet } from '../documents/schema.js'
import type { DocumentStore } from '../documents/types.js'
import { PgConnection, type PgConnectionOptions } from './connection.js'
import { PgJsonTable, type ColumnMap } from './json-table.js'
import { migrate, RECORD_TABLES, type RecordTableDef } from './migrations.js'
import { PgDocumentStore } from './pg-document-store.js'
import { ReadCache, type InvalidationLink } from './read-cache.js'

const DEFS = new Map<string, RecordTableDef>(Object.values(RECORD_TABLES).flat().map((t) => [t.name, t]))

/**
 * The hosted store: the same tables as SqliteStore in PostgreSQL, shared by every emulator process pointed at
 * the same database. `connect()` migrates first (under an advisory lock, so processes may start together).
 */
export class PostgresStore implements Store {
  readonly projects: PgJsonTable<ProjectRecord>
  readonly users: PgJsonTable<UserRecord>
  readonly sessions: PgJsonTable<SessionRecord>
  readonly tokens: PgJsonTable<TokenRecord>
  readonly identities: PgJsonTable<IdentityRecord>
  readonly targets: PgJsonTable<TargetRecord>
  readonly logs: PgJsonTable<LogRecord>
  readonly messages: PgJsonTable<MessageRecord>
  readonly challenges: PgJsonTable<ChallengeRecord>
  readonly authenticators: PgJsonTable<AuthenticatorRecord>
  readonly teams: PgJsonTable<TeamRecord>
  readonly memberships: PgJsonTable<MembershipRecord>
  readonly files: PgJsonTable<FileRecord>
  readonly topics: PgJsonTable<TopicRecord>
  readonly subscribers: PgJsonTable<SubscriberRecord>
  readonly executions: PgJsonTable<ExecutionRecord>
  readonly oauth2Pending: PgJsonTable<OAuth2PendingRecord>
  private readonly tables: PgJsonTable<any>[]
  private documents: PgDocumentStore | null = null
  private readonly copier: PgProjectCopier

  private constructor(readonly connection: PgConnection) {
    this.copier = new PgProjectCopier(connection, () => this.documents?.tableNames() ?? [])
    const table = <R extends { id: string }>(name: string, columns: ColumnMap<R> = {}) => new PgJsonTable<R>(connection, DEFS.get(name)!, columns)
    this.projects = table('projects')
    this.users = table<UserRecord>('users', { email: (u) => u.email, phone: (u) => u.phone })
    this.sessions = table<SessionRecord>('sessions', { user_id: (s) => s.userId, secret_hash: (s) => s.secretHash })
    this.tokens = table<TokenRecord>('tokens', { user_id: (t) => t.userId, type: (t) => t.type })
    this.identities = table<IdentityRecord>('identities', {
      user_id: (i) => i.userId,
      provider: (i) => i.provider,
      provider_uid: (i) => i.providerUid,
      provider_email: (i) => i.providerEmail,
    })
    this.targets = table<TargetRecord>('targets', { user_id: (t) => t.userId, identifier: (t) => t.identifier })
    this.logs = table<LogRecord>('logs', { user_id: (l) => l.userId })
    this.messages = table('messages')
    this.challenges = table<ChallengeRecord>('challenges', { user_id: (c) => c.userId })
    this.authenticators = table<AuthenticatorRecord>('authenticators', { user_id: (a) => a.userId, type: (a) => a.type })
    this.teams = table('teams')
    this.memberships = table<MembershipRecord>('memberships', { team_id: (m) => m.teamId, user_id: (m) => m.userId })
    this.files = table<FileRecord>('files', { bucket_id: (f) => f.bucketId })
    this.topics = table('topics')
    this.subscribers = table<SubscriberRecord>('subscribers', { topic_id: (s) => s.topicId, target_id: (s) => s.targetId })
    this.executions = table<ExecutionRecord>('executions', { function_id: (e) => e.functionId })
    this.oauth2Pending = table('oauth2_pending')
    this.tables = [
      this.users, this.sessions, this.tokens, this.identities, this.targets, this.logs, this.messages, this.projects,
      this.challenges, this.authenticators, this.teams, this.memberships, this.files, this.topics, this.subscribers,
      this.executions, this.oauth2Pending,
    ]
  }

  /** Connects to `url` (`postgres://user@host:5432/db`) and migrates the database. */
  static async connect(url: string, options: PgConnectionOptions = {}): Promise<PostgresStore> {
    const connection = new PgConnection(url, options)
    try {
      const client = await connection.pool.connect()
      try {
        await migrate(client)
      } finally {
        client.release()
      }
    } catch (error) {
      await connection.pool.end().catch(() => {})
      throw error
    }
    return new PostgresStore(connection)
  }

  /**
   * Caches reads outside transactions from now on, `link` carrying invalidations between the processes that share
   * the database (read-cache.ts). Returns the cache, for the link to deliver what other processes publish.
   */
  useReadCache(link: InvalidationLink): ReadCache {
    const cache = new ReadCache(link)
    this.connection.useReadCache(cache)
    return cache
  }

  openDocuments(schemas: SchemaSet): DocumentStore {
    this.documents = new PgDocumentStore(this.connection, schemas)
    return this.documents
  }

  async getMeta(key: string): Promise<string | null> {
    const { rows } = await this.connection.meta<{ value: string }>('SELECT value FROM meta WHERE key = $1', [key])
    return rows[0]?.value ?? null
  }

  async setMeta(key: string, value: string): Promise<void> {
    this.connection.assertWritable('meta')
    await this.connection.meta('INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value])
  }

  isInTransaction(): boolean {
    return this.connection.isInTransaction()
  }

  transaction<T>(work: () => Promise<T>): Promise<T> {
    return this.connection.transaction(work)
  }

  async projectIds(): Promise<string[]> {
    const { rows } = await this.connection.meta<{ project_id: string }>('SELECT project_id FROM projects ORDER BY seq')
    return rows.map((r) => r.project_id)
  }

  async wipeProject(projectId: string): Promise<void> {
    await this.transaction(async () => {
      for (const table of this.tables) await table.wipe(projectId)
    })
  }

  async copyProject(from: string, to: string, options?: ProjectCopyOptions): Promise<void> {
    this.connection.assertWritable('copyProject')
    await this.documents?.whenReady()
    await this.copier.copy(from, to, options)
  }

  async dumpProject(projectId: string): Promise<ProjectDump> {
    await this.documents?.whenReady()
    return this.copier.dump(projectId)
  }

  async loadProject(projectId: string, dump: ProjectDump): Promise<void> {
    this.connection.assertWritable('loadProject')
    await this.documents?.whenReady()
    const mismatch = await this.copier.mismatch(projectId, dump)
    if (mismatch) throw new ProjectDumpMismatch(mismatch)
    await this.copier.load(projectId, dump)
  }

  async close(): Promise<void> {
    await this.connection.close()
  }
}
