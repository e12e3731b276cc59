/**
 * The types of the test features as `startEmulator()` returns them and the control API answers them. They live
 * here, with no runtime imports, so the package's declarations compile in a project without `@types/node`.
 */
import type { ErrorType } from '../errors/catalog.js'

/** What `ControllableClock.state()` reports: the emulated now and whether it stands still. */
export interface ClockState {
  now: string
  frozen: boolean
  /** Milliseconds the emulated clock runs ahead of (or, negative, behind) its base clock. */
  offsetMs: number
}

/** One permission check a service made while serving a request, as the decision log shows it. */
export interface PermissionCheck {
  /** What was checked, e.g. `databases/main/collections/posts` or `buckets/photos/files/f1`. */
  resource: string
  action: 'create' | 'read' | 'update' | 'delete'
  /** The permission strings that were looked at. */
  permissions: readonly string[]
  granted: boolean
}

/** The permission check with what it came to: which role granted it, or which roles would have. */
export interface ExplainedCheck extends PermissionCheck {
  grantedBy: string | null
  /** Roles the permissions grant `action` to that the caller lacks: holding any one of them would have granted it. */
  wouldGrant: string[]
}

/** Which check refused a request, in the decision log's words. */
export type RefusingCheck =
  | 'origin' | 'service' | 'scope' | 'blocked' | 'mfa' | 'rate-limit' | 'console-project' | 'session' | 'auth-method'
  | 'param' | 'permission' | 'fault' | 'handler'

/** One entry as `GET /_emulator/projects/{id}/requests` shows it. */
export interface LoggedRequest {
  $id: string
  time: string
  operation: string
  method: string
  path: string
  status: number
  durationMs: number
  caller: { userId: string | null; sessionId: string | null; authenticatedBy: 'session' | 'jwt' | null; roles: string[] }
  /** Null when the request was allowed. */
  decision: { check: RefusingCheck; type: string; message: string } | null
  /** The permission checks services made, each with the role that granted it or the roles that would have. */
  permissions: ExplainedCheck[]
  /** The events a write published (Appwrite's event names, e.g. `databases.main.collections.posts.documents.d1.create`). */
  events: string[]
}

/** A logged request or response body (`GET …/requests/{requestId}`): JSON or text cut at 16 KB, or a note for bytes. */
export interface LoggedBody {
  kind: 'json' | 'text' | 'binary' | 'none'
  /** The body (JSON text for `json`), at most 16 KB; for `binary`, a note such as `<binary, 2048 bytes, image/png>`. */
  text: string
  /** The full length in characters (bytes for binary); `text` is shorter when `truncated`. */
  size: number
  truncated: boolean
}

/** One logged request with its bodies: request params with `password` fields redacted, the response as the client got it. */
export interface LoggedRequestDetail extends LoggedRequest {
  request: LoggedBody
  response: LoggedBody
}

export interface RequestFilter {
  operation?: string
  status?: number
  userId?: string
  limit?: number
}

/** One fault rule of a project (`POST /_emulator/projects/{id}/faults`). */
export interface FaultRule {
  $id: string
  /** `<namespace>.<method>` of the route table, `<namespace>.*`, or `*` for every operation. */
  operation: string
  /** The catalogue error to answer with; none with `delayMs` alone (the request then runs, late). */
  error: ErrorType | null
  /** A custom message for the error (default: the catalogue's). */
  message: string | null
  delayMs: number
  /** How many requests it applies to; null for every one. */
  times: number | null
  /** The chance it applies to a matching request, 0–1. */
  probability: number
  /** Matching requests it applied to so far. */
  hits: number
  /** Matching requests it let pass (probability, or `times` used up). */
  misses: number
}

/** A saved state of a project (`POST /_emulator/projects/{id}/snapshots`). */
export interface SnapshotInfo {
  $id: string
  projectId: string
  $createdAt: string
}

/** The coverage report (`GET /_emulator/coverage`): what a test suite exercised of the client API. */
export interface CoverageReport {
  since: string
  projectId: string | null
  operations: { total: number; covered: number; exercised: { operation: string; calls: number }[]; missing: string[] }
  errors: { exercised: { type: string; count: number }[] }
  channels: { exercised: { channel: string; subscriptions: number }[] }
}

/** The test features as `startEmulator()` returns them; each mirrors a control endpoint (README, Control API). */
export interface EmulatorTestFeatures {
  clock: {
    /** `{ now, frozen, offsetMs }`. */
    state(): ClockState
    /** Seconds, or a duration such as `"90m"`, `"1y"`, `"-2h"`. */
    advance(by: number | string): ClockState
    set(to: string | Date): ClockState
    freeze(frozen?: boolean): ClockState
    reset(): ClockState
  }
  /** Adds fault rules (one rule, or `{ rules, seed }`), lists them with their hit counts, clears them. */
  faults: {
    add(projectId: string, rules: unknown): { seed: number | null; rules: FaultRule[] }
    list(projectId: string): { seed: number | null; rules: FaultRule[] }
    clear(projectId: string): void
  }
  /** The decision log of a project, newest first. */
  requests(projectId: string, filter?: RequestFilter): LoggedRequest[]
  /** The coverage report, for one project or overall. */
  coverage(projectId?: string): CoverageReport
  resetCoverage(projectId?: string): void
  snapshot(projectId: string): Promise<SnapshotInfo>
  restore(projectId: string, snapshotId: string): Promise<void>
  fork(projectId: string, newProjectId: string): Promise<void>
  /** Writes a project's archive to `file` (through a temporary file, renamed). */
  exportProject(projectId: string, file: string): Promise<void>
  /** Loads an archive file into `projectId` (default: the archive's own project). */
  importProject(file: string, projectId?: string): Promise<{ projectId: string; tables: number; rows: number; files: number }>
}
