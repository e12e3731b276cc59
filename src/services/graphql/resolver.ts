import type { Readable } from 'node:stream'
import type { ClientInfo } from '../../core/caller.js'
import { runOperation } from '../../core/operation.js'
import type { RawHeaders } from '../../core/resolve-caller.js'
import type { RouteDefinition, RouteResult } from '../../core/route.js'
import type { ParamSpecs } from '../../domain/params.js'
import { renderError } from '../../errors/render.js'
import type { Services } from '../index.js'

/**
 * What the routes a GraphQL request resolves share, as Appwrite's resolvers share one HTTP response
 * (src/Appwrite/GraphQL/Resolvers.php): the headers they set, the session they start or end, and the first
 * result that answered the HTTP request by itself.
 */
export interface ResolveState {
  services: Services
  /** The GraphQL request's headers: every resolved route sees them (cookies, JWT, locale, Content-Range…). */
  headers: RawHeaders
  client: ClientInfo
  /** The `project` param of the GraphQL request, when it named one: Appwrite resolves the project once per request. */
  project?: string
  /** The uploads of a multipart request, and those a route has taken already: each feeds one route. */
  uploads: ReadonlySet<unknown>
  claimed: Set<unknown>
  response: SharedResponse
}

export interface SharedResponse {
  headers: Record<string, string>
  startSession?: RouteResult['startSession']
  endSession?: boolean
  /**
   * Routes that answer with no content, a file, a redirect or an HTML error page write the HTTP response
   * themselves in Appwrite (`noContent()`, `file()`, `redirect()`, `html()` send at once), so the GraphQL
   * response becomes theirs (BEHAVIORS §18). The first one wins; later fields still run.
   */
  sent?: RouteResult
}

/** A REST error inside a resolver: a GraphQL error carrying the REST message (and, as extensions, its code and type). */
export class RouteError extends Error {
  constructor(
    message: string,
    readonly code: number,
    readonly type: string,
  ) {
    super(message)
    this.name = 'RouteError'
  }
}

const sendsItself = (result: RouteResult) => result.status === 204 || result.raw !== undefined || (result.status >= 300 && result.status < 400)

/** A field resolver that runs `route` through the operation core with the field's arguments as its params. */
export function routeResolver(route: RouteDefinition<ParamSpecs>) {
  const pathNames = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
  return async (_source: unknown, args: Record<string, unknown>, state: ResolveState): Promise<unknown> => {
    const input = routeInput(args, state)
    const pathParams: Record<string, string> = {}
    for (const name of pathNames) if (typeof input[name] === 'string') pathParams[name] = input[name]
    const outcome = await runOperation(route, { input, pathParams, headers: state.headers, client: state.client }, state.services)
    const response = state.response
    Object.assign(response.headers, outcome.headers)
    if (!outcome.ok) {
      const { status, body } = renderError(outcome.error)
      if (route.renderErrorPage) {
        // Routes labelled `error` render an HTML page, which Appwrite writes straight to the response.
        send(response, { status, raw: { contentType: 'text/html; charset=UTF-8', data: Buffer.from(route.renderErrorPage({ code: status, type: body.type, message: body.message })) } })
      }
      throw new RouteError(body.message, status, body.type)
    }
    const result = outcome.result
    if (result.headers) Object.assign(response.headers, result.headers)
    if (!response.sent && result.startSession) Object.assign(response, { startSession: result.startSession, endSession: undefined })
    if (!response.sent && result.endSession) Object.assign(response, { startSession: undefined, endSession: true })
    if (sendsItself(result)) {
      send(response, result)
      return {}
    }
    return result.body ?? {}
  }
}

/** The route's params: the field's arguments, each upload given to one route only, and the request's project. */
function routeInput(args: Record<string, unknown>, state: ResolveState): Record<string, unknown> {
  const input: Record<string, unknown> = { ...args }
  for (const [name, value] of Object.entries(input)) {
    if (!state.uploads.has(value)) continue
    // A file mapped to two variables is stored (moved) by the first route; the second sees no file.
    if (state.claimed.has(value)) delete input[name]
    else state.claimed.add(value)
  }
  if (state.project !== undefined) input.project = state.project
  return input
}

function send(response: SharedResponse, result: RouteResult): void {
  if (response.sent) {
    // The HTTP response is gone already; a stream nobody will read is closed.
    const data = result.raw?.data as Readable | Buffer | undefined
    if (data && typeof (data as Readable).destroy === 'function') (data as Readable).destroy()
    return
  }
  response.sent = {
    status: result.status,
    raw: result.raw,
    headers: { ...response.headers },
    startSession: response.startSession,
    endSession: response.endSession,
  }
}
