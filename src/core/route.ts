import type { Readable } from 'node:stream'
import type { AuthMethod } from '../config/appwrite-json.js'
import type { Caller } from './caller.js'
import type { ParamSpecs, ParamValues } from '../domain/params.js'
import type { Services } from '../services/index.js'

/** Scopes, as in Appwrite's `app/config/roles.php`. */
export type Scope =
  | 'global' | 'public' | 'home' | 'console' | 'graphql' | 'sessions.write' | 'documents.read' | 'documents.write'
  | 'files.read' | 'files.write' | 'locale.read' | 'avatars.read' | 'execution.write' | 'account' | 'teams.read'
  | 'teams.write' | 'projects.read' | 'projects.write' | 'execution.read' | 'targets.read' | 'targets.write'
  | 'subscribers.write' | 'subscribers.read' | 'assistant.read'

/** Route groups with behaviour attached (shared/api.php): `session` refuses signed-in callers; `mfa` is reachable before MFA completes. */
export type RouteGroup = 'session' | 'mfa' | 'mfaProtected'

/** An abuse limit: `limit` hits per `window` seconds for each key template, e.g. `url:{url},ip:{ip}`. */
export interface RateLimit {
  limit: number
  window: number
  keys: string[]
}

/** What a handler returns; the session fields are turned into cookies and `X-Fallback-Cookies` by the transport. */
export interface RouteResult {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** A session was created: set both cookies and the fallback header. */
  startSession?: { userId: string; secret: string; expire: string }
  /** The caller's session ended: expire the cookies and send `X-Fallback-Cookies: []`. */
  endSession?: boolean
  /** A binary body (an image, a file) sent as is with its content type, instead of JSON `body`; a stream is piped. */
  raw?: { contentType: string; data: Buffer | Readable }
}

/** A multipart file part kept outside memory while its request runs; the pipeline disposes of it afterwards. */
export interface SpooledFile {
  filename: string
  mimetype: string
  size: number
  dispose(): Promise<void>
}

/** A multipart file part as it streams in; `truncated()` tells, once read, whether it passed the size limit. */
export interface IncomingFilePart {
  filename: string
  mimetype: string
  stream: Readable
  truncated(): boolean
}

export interface HandlerContext<S extends ParamSpecs> {
  params: ParamValues<S>
  caller: Caller
  services: Services
  headers: Record<string, string | string[] | undefined>
  /** The request's params before validation, for the few Appwrite reads on every route (e.g. `locale`). */
  input: Record<string, unknown>
}

export interface RouteDefinition<S extends ParamSpecs = ParamSpecs> {
  /** `<namespace>.<SDK method>`, e.g. `account.createEmailPasswordSession`. */
  operation: string
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  path: string
  /**
   * Older paths Appwrite still serves for the same operation; `params` fill path params an older path lacks, and
   * `method` serves it under another method (`GET /v1/graphql`, which the client spec leaves out).
   */
  aliases?: (string | { path: string; params: Record<string, string>; method?: RouteDefinition['method'] })[]
  scope: Scope
  groups?: RouteGroup[]
  /** The auth method that must be enabled on the project (`user_auth_method_unsupported` otherwise). */
  authMethod?: AuthMethod
  rateLimit?: RateLimit
  /** Routes Appwrite labels `error` answer failures with an HTML page (the OAuth2 redirects); this renders it. */
  renderErrorPage?: (error: { code: number; type: string; message: string }) => string
  /** Where multipart file parts go instead of memory (uploads): the value becomes the param. */
  spoolFile?: (services: Services, part: IncomingFilePart) => Promise<SpooledFile>
  params: S
  handle(ctx: HandlerContext<S>): Promise<RouteResult>
}

/** Declares a route; the identity function keeps the param types flowing into `handle`. */
export function defineRoute<S extends ParamSpecs>(route: RouteDefinition<S>): RouteDefinition<S> {
  return route
}
