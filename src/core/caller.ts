import type { RequestTrace } from '../control/trace.js'
import type { Project } from '../services/projects/project-registry.js'
import type { SessionRecord, UserRecord } from '../store/types.js'

/** What a request knows about where it came from. */
export interface ClientInfo {
  ip: string
  userAgent: string
  origin: string | null
  hostname: string
  protocol: 'http' | 'https'
}

/** Who is calling: the project, the user and session (if any), the roles they hold, and their client. */
export interface Caller {
  project: Project
  user: UserRecord | null
  /** The session the request authenticated with; null for guests and for JWT callers. */
  session: SessionRecord | null
  authenticatedBy: 'session' | 'jwt' | null
  roles: string[]
  client: ClientInfo
  /** The raw `X-Appwrite-Timestamp` header, parsed only by the routes that honour it (see `requestTimestamp`). */
  timestampHeader: string | null
  /**
   * Where this request's permission checks and events are reported for the decision log (the test features);
   * absent when nothing records them. Carried by the caller so no async context is needed to find it.
   */
  trace?: RequestTrace
}
