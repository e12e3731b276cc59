import type { Caller } from '../core/caller.js'
import type { OperationStage } from '../core/operation.js'
import { formatDate } from '../domain/dates.js'
import { explainCheck, type ExplainedCheck, type RequestTrace } from './trace.js'
import type { LoggedRequest, LoggedRequestDetail, RefusingCheck, RequestFilter } from './public-types.js'
import { showRequest, showResponse, type CapturedResponse } from './request-bodies.js'
export type { LoggedRequest, LoggedRequestDetail, RefusingCheck, RequestFilter }



/** What the operation core hands over per request: references only, explained when the log is read. */
export interface RawEntry {
  seq: number
  at: number
  operation: string
  method: string
  path: string
  status: number
  durationMs: number
  caller: Caller
  stage: OperationStage | null
  errorType: string | null
  errorMessage: string | null
  trace: RequestTrace
  /** The params as sent, by reference. */
  input: Record<string, unknown>
  response: CapturedResponse
}


// deviation: Appwrite has no decision log; this one is in memory and keeps the last 500 operations per project.
const PER_PROJECT = 500

/** A fixed-size ring per project: recording is O(1) and never allocates past the first lap. */
class Ring {
  private readonly items: (RawEntry | undefined)[] = new Array(PER_PROJECT)
  private next = 0
  private size = 0

  push(entry: RawEntry): void {
    this.items[this.next] = entry
    this.next = (this.next + 1) % PER_PROJECT
    if (this.size < PER_PROJECT) this.size++
  }

  /** Newest first. */
  *newest(): Generator<RawEntry> {
    for (let i = 1; i <= this.size; i++) yield this.items[(this.next - i + PER_PROJECT) % PER_PROJECT]!
  }
}

/** The decision log: the last 500 operations of each project with why they were allowed or refused. */
export class RequestLog {
  private readonly rings = new Map<string, Ring>()

  record(projectId: string, entry: RawEntry): void {
    let ring = this.rings.get(projectId)
    if (!ring) this.rings.set(projectId, (ring = new Ring()))
    ring.push(entry)
  }

  list(projectId: string, filter: RequestFilter = {}): LoggedRequest[] {
    const out: LoggedRequest[] = []
    const ring = this.rings.get(projectId)
    if (!ring) return out
    const limit = filter.limit ?? PER_PROJECT
    for (const raw of ring.newest()) {
      if (filter.operation !== undefined && raw.operation !== filter.operation) continue
      if (filter.status !== undefined && raw.status !== filter.status) continue
      if (filter.userId !== undefined && (raw.caller.user?.id ?? '') !== filter.userId) continue
      out.push(explain(raw))
      if (out.length >= limit) break
    }
    return out
  }

  /** One entry with its bodies (`$id` as `list` gives it), or null once it left the ring. */
  get(projectId: string, requestId: string): LoggedRequestDetail | null {
    const ring = this.rings.get(projectId)
    if (!ring || !/^[1-9]\d{0,15}$/.test(requestId)) return null
    const seq = Number(requestId)
    for (const raw of ring.newest()) {
      if (raw.seq === seq) return { ...explain(raw), request: showRequest(raw.input, raw.method), response: showResponse(raw.response) }
      if (raw.seq < seq) break
    }
    return null
  }

  clear(projectId: string): void {
    this.rings.delete(projectId)
  }
}

function explain(raw: RawEntry): LoggedRequest {
  const roles = raw.caller.roles
  const permissions = raw.trace.checks.map((c) => explainCheck(c, roles))
  return {
    $id: String(raw.seq),
    time: formatDate(raw.at),
    operation: raw.operation,
    method: raw.method,
    path: raw.path,
    status: raw.status,
    durationMs: Math.round(raw.durationMs * 1000) / 1000,
    caller: { userId: raw.caller.user?.id ?? null, sessionId: raw.caller.session?.id ?? null, authenticatedBy: raw.caller.authenticatedBy, roles: [...roles] },
    decision: raw.errorType === null ? null : { check: refusingCheck(raw.stage, raw.errorType, permissions), type: raw.errorType, message: raw.errorMessage ?? '' },
    permissions,
    events: [...raw.trace.events],
  }
}

function refusingCheck(stage: OperationStage | null, type: string, permissions: ExplainedCheck[]): RefusingCheck {
  switch (stage) {
    case 'origin':
      return 'origin'
    case 'checks':
      return type === 'general_service_disabled' ? 'service' : type === 'user_blocked' ? 'blocked' : 'scope'
    case 'mfa':
      return 'mfa'
    case 'rate-limit':
      return 'rate-limit'
    case 'groups':
      if (type === 'user_session_already_exists') return 'session'
      if (type === 'user_auth_method_unsupported') return 'auth-method'
      if (type === 'user_challenge_required') return 'mfa'
      return 'console-project'
    case 'params':
      return 'param'
    case 'fault':
      return 'fault'
    default:
      // A handler's refusal right after a denied permission check (an unreadable document answers 404) is that check's.
      return permissions.length > 0 && !permissions[permissions.length - 1]!.granted ? 'permission' : 'handler'
  }
}
