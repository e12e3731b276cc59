/**
 * The store: small tables of JSON records, every row owned by a project. The interface is asynchronous and
 * says nothing about SQL dialects, so a PostgreSQL implementation can stand beside the SQLite one.
 */
import type { SchemaSet } from './documents/schema.js'
import type { DocumentStore } from './documents/types.js'

export type Scalar = string | number | boolean | null

/** Equality filters on a table's indexed columns. */
export type Where = Record<string, Scalar>

export interface ListOptions {
  /** Newest first when true; insertion order otherwise. */
  newestFirst?: boolean
  limit?: number
  offset?: number
}

/** Thrown by a table when a unique column would repeat; services turn it into their catalogue error. */
export class UniqueViolation extends Error {
  constructor(readonly column: string) {
    super(`unique violation on ${column}`)
  }
}

/** Records of one kind. Writes must run inside `Store.transaction()`; outside one they throw. */
export interface Table<R extends { id: string }> {
  get(projectId: string, id: string): Promise<R | null>
  findOne(projectId: string, where: Where): Promise<R | null>
  list(projectId: string, where?: Where, options?: ListOptions): Promise<R[]>
  count(projectId: string, where?: Where): Promise<number>
  insert(projectId: string, record: R): Promise<void>
  /** Replaces the record with the same id; false when there is none. */
  update(projectId: string, record: R): Promise<boolean>
  delete(projectId: string, id: string): Promise<boolean>
  deleteWhere(projectId: string, where: Where): Promise<number>
}

export interface UserRecord {
  id: string
  createdAt: string
  updatedAt: string
  name: string | null
  email: string | null
  phone: string | null
  passwordHash: string | null
  passwordUpdate: string | null
  /** Hashes of earlier passwords, newest last, for the password-history rule. */
  passwordHistory: string[]
  registration: string
  status: boolean
  labels: string[]
  emailVerification: boolean
  phoneVerification: boolean
  mfa: boolean
  prefs: Record<string, unknown>
  accessedAt: string
  /**
   * Unused MFA recovery codes. Kept as is, not hashed: `GET /account/mfa/recovery-codes` shows them again, as
   * Appwrite does. Absent until the user creates some.
   */
  mfaRecoveryCodes?: string[]
}

export interface DeviceInfo {
  osCode: string
  osName: string
  osVersion: string
  clientType: string
  clientCode: string
  clientName: string
  clientVersion: string
  clientEngine: string
  clientEngineVersion: string
  deviceName: string
  deviceBrand: string
  deviceModel: string
}

export interface SessionRecord extends DeviceInfo {
  id: string
  userId: string
  createdAt: string
  updatedAt: string
  expire: string
  provider: string
  providerUid: string
  providerAccessToken: string
  providerAccessTokenExpiry: string
  providerRefreshToken: string
  /** sha256 of the secret; the secret itself is never stored. */
  secretHash: string
  ip: string
  countryCode: string
  factors: string[]
  mfaUpdatedAt: string
}

export interface TokenRecord {
  id: string
  userId: string
  createdAt: string
  /** Appwrite's token types: verification, recovery, magic-url, phone, oauth2, generic, email-otp, invite. */
  type: string
  secretHash: string
  expire: string
  phrase: string
}

export interface IdentityRecord {
  id: string
  createdAt: string
  updatedAt: string
  userId: string
  provider: string
  providerUid: string
  providerEmail: string
  providerAccessToken: string
  providerAccessTokenExpiry: string
  providerRefreshToken: string
}

export interface TargetRecord {
  id: string
  createdAt: string
  updatedAt: string
  userId: string
  name: string
  providerId: string | null
  providerType: 'email' | 'sms' | 'push'
  identifier: string
}

export interface LogRecord extends DeviceInfo {
  id: string
  userId: string
  event: string
  mode: string
  ip: string
  time: string
  userEmail: string
  userName: string
  countryCode: string
}

/** An email or SMS the emulator "sent", kept for the control API. */
export interface MessageRecord {
  id: string
  createdAt: string
  channel: 'email' | 'sms'
  to: string
  subject: string
  text: string
  html: string
  data: Record<string, string>
}

/** An MFA challenge waiting for its code (email and phone keep a hash of the code sent). */
export interface ChallengeRecord {
  id: string
  userId: string
  createdAt: string
  type: 'totp' | 'email' | 'phone' | 'recoveryCode'
  codeHash: string
  expire: string
}

/** An MFA authenticator. The TOTP secret must stay readable to check codes, so it is the one secret kept as is. */
export interface AuthenticatorRecord {
  id: string
  userId: string
  createdAt: string
  updatedAt: string
  type: 'totp'
  verified: boolean
  secret: string
}

export interface TeamRecord {
  id: string
  createdAt: string
  updatedAt: string
  name: string
  /** Confirmed members. */
  total: number
  prefs: Record<string, unknown>
}

export interface MembershipRecord {
  id: string
  createdAt: string
  updatedAt: string
  teamId: string
  userId: string
  roles: string[]
  invited: string
  /** '' until the invitation is accepted. */
  joined: string
  confirm: boolean
  /** sha256 of the invitation secret ('' for a team's creator). Kept after acceptance, as Appwrite keeps it. */
  secretHash: string
  /** Appwrite's document permissions, e.g. `read("any")`, `delete("team:<id>/owner")`; they differ for creators and invitees. */
  permissions: string[]
}

/**
 * A file in a bucket (BEHAVIORS §14). The bytes live in the blob store under `blob`; while a chunked upload runs,
 * `blob` is the upload's part file and `chunksReceived` lists the chunks (1-based) written so far.
 */
export interface FileRecord {
  /** `<bucketId>/<fileId>`: file IDs are unique within a bucket. */
  id: string
  bucketId: string
  fileId: string
  createdAt: string
  updatedAt: string
  permissions: string[]
  name: string
  /** md5 of the content, '' until the upload completes. */
  signature: string
  mimeType: string
  sizeOriginal: number
  /** Bytes kept at rest, after compression and encryption. */
  sizeActual: number
  chunksTotal: number
  chunksUploaded: number
  /** Bytes per chunk of a chunked upload; 0 for a single request. */
  chunkSize: number
  chunksReceived: number[]
  algorithm: 'none' | 'gzip' | 'zstd'
  encrypted: boolean
  /** The bucket's antivirus flag when the file was stored (no scanner runs, as with Appwrite's default). */
  antivirus: boolean
  /** The blob key, or for a file kept as `parts` blobs (a finished chunked upload), their folder: `<blob>/1`, `<blob>/2`… */
  blob: string
  parts?: number
}

/** A messaging topic from appwrite.json's `topics[]`, with its subscriber counts by channel. */
export interface TopicRecord {
  id: string
  createdAt: string
  updatedAt: string
  name: string
  /** The roles that may subscribe, e.g. `users`, `team:<id>`. */
  subscribe: string[]
  emailTotal: number
  smsTotal: number
  pushTotal: number
}

/** A target subscribed to a topic; one per target and topic. */
export interface SubscriberRecord {
  id: string
  createdAt: string
  updatedAt: string
  topicId: string
  targetId: string
  /** The target's owner, who alone may read and delete it (`permissions`). */
  userId: string
  providerType: TargetRecord['providerType']
  permissions: string[]
}

/** A function execution (BEHAVIORS §17), kept only when the function's `logging` is on. */
export interface ExecutionRecord {
  id: string
  createdAt: string
  updatedAt: string
  functionId: string
  permissions: string[]
  trigger: 'http' | 'schedule' | 'event'
  status: 'waiting' | 'processing' | 'completed' | 'failed'
  requestMethod: string
  requestPath: string
  requestHeaders: { name: string; value: string }[]
  responseStatusCode: number
  responseHeaders: { name: string; value: string }[]
  logs: string
  errors: string
  /** Seconds. */
  duration: number
}

/**
 * An OAuth2 sign-in the app began and the user has not finished (the emulator's stand-in provider page), kept in
 * the store so the page may be answered by any process. `expiresAt` is in ms.
 */
export interface OAuth2PendingRecord {
  id: string
  projectId: string
  provider: string
  /** Validated when the flow began; never taken from the sign-in form. */
  success: string
  failure: string
  scopes: string[]
  /** The token flow (`createOAuth2Token`) rather than the session flow. */
  token: boolean
  /** The user signed in when the flow began; the identity is linked to them (an anonymous user is upgraded). */
  userId: string | null
  sessionId: string | null
  expiresAt: number
}

/** A meta value made once per store: the first caller's `make()` is kept, and everyone after reads it. */
export function metaOnce(store: Store, key: string, make: () => string): Promise<string> {
  return store.transaction(async () => {
    const kept = await store.getMeta(key)
    if (kept) return kept
    const fresh = make()
    await store.setMeta(key, fresh)
    return fresh
  })
}

export interface ProjectRecord {
  id: string
  createdAt: string
  /** When a request last named the project (ms), written now and then with `--project-ttl`, so every process sharing the store agrees on idleness. */
  seenAt?: number
}

export interface Store {
  readonly projects: Table<ProjectRecord>
  readonly users: Table<UserRecord>
  readonly sessions: Table<SessionRecord>
  readonly tokens: Table<TokenRecord>
  readonly identities: Table<IdentityRecord>
  readonly targets: Table<TargetRecord>
  readonly logs: Table<LogRecord>
  readonly messages: Table<MessageRecord>
  readonly challenges: Table<ChallengeRecord>
  readonly authenticators: Table<AuthenticatorRecord>
  readonly teams: Table<TeamRecord>
  readonly memberships: Table<MembershipRecord>
  readonly files: Table<FileRecord>
  readonly topics: Table<TopicRecord>
  readonly subscribers: Table<SubscriberRecord>
  readonly executions: Table<ExecutionRecord>
  readonly oauth2Pending: Table<OAuth2PendingRecord>
  /** Instance-wide values, such as the JWT signing key. */
  getMeta(key: string): Promise<string | null>
  /** The IDs of every project the store holds. */
  projectIds(): Promise<string[]>
  setMeta(key: string, value: string): Promise<void>
  /** Whether the calling code runs inside the open `transaction()` (work left running after one ended does not). */
  isInTransaction(): boolean
  /**
   * Runs `work` with every write in one transaction; nested calls join the outer one. Transactions take turns,
   * no other request sees their writes before the commit, and a write anywhere else throws.
   */
  transaction<T>(work: () => Promise<T>): Promise<T>
  /** Deletes every row of one project. */
  wipeProject(projectId: string): Promise<void>
  /** The document store of this backend over `schemas`, sharing this store's transactions. */
  openDocuments(schemas: SchemaSet): DocumentStore
  /**
   * Replaces every row of project `to` (records and documents; not its `projects` row) with a copy of `from`'s,
   * inside the open transaction (snapshots, restores and forks of the control API).
   */
  copyProject(from: string, to: string, options?: ProjectCopyOptions): Promise<void>
  /** Every row of a project (records and documents), table by table, for an export archive. */
  dumpProject(projectId: string): Promise<ProjectDump>
  /** Replaces a project's rows with a dump's inside the open transaction; throws `ProjectDumpMismatch` for a dump of another schema. */
  loadProject(projectId: string, dump: ProjectDump): Promise<void>
  close(): Promise<void>
}

export interface ProjectCopyOptions {
  /** File records' blob key prefixes to swap, e.g. `[['files/a/', 'files/b/']]`. */
  blobPrefixes?: [string, string][]
}

/** A project's rows as stored: per table its columns (without row sequence and project) and rows in insertion order. */
export interface ProjectDump {
  tables: { name: string; columns: string[]; rows: unknown[][] }[]
}

/** A dump whose tables or columns this store does not have (an archive of another appwrite.json). */
export class ProjectDumpMismatch extends Error {}
