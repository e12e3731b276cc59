import type { HandlerContext, RouteResult } from '../../core/route.js'
import { firstHeader } from '../../core/resolve-caller.js'
import type { ParamSpecs } from '../../domain/params.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { graphqlEngine } from './engine.js'
import type { GraphqlRequest } from './executor.js'
import { fromMultipart } from './multipart.js'
import type { ResolveState } from './resolver.js'

/** Appwrite's `_APP_GRAPHQL_MAX_BATCH_SIZE`. */
export const MAX_BATCH = 10
/** Where src/http/body.ts keeps an `application/graphql` body: beside the params, never one of them. */
export const RAW_BODY = Symbol.for('appwrite-emulator.raw-body')

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
// PHP's empty(): what Appwrite counts as no query at all.
const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || v === '0' || v === false || v === 0 || (typeof v === 'object' && Object.keys(v).length === 0)

/**
 * `POST /v1/graphql`, `POST /v1/graphql/mutation` and `GET /v1/graphql` (app/controllers/api/graphql.php): reads
 * the request (JSON, a JSON batch, the SDK's `x-sdk-graphql` wrapping, `application/graphql`, multipart
 * uploads), runs each GraphQL request in turn, and answers 200 with its result, or the list of results for a
 * batch, unless a resolved route answered the HTTP request itself (BEHAVIORS §18).
 */
export async function handleGraphql({ input, headers, services, caller }: HandlerContext<ParamSpecs>): Promise<RouteResult> {
  let payload: unknown = input
  let uploads = new Set<unknown>()
  // The SDK sends `{query: <the request or batch>}` (graphql.php: `$query = $query['query']`).
  if (firstHeader(headers, 'x-sdk-graphql') === 'true') payload = input.query
  const type = (firstHeader(headers, 'content-type') ?? '').toLowerCase()
  if (type.startsWith('application/graphql')) payload = { query: (input as Record<symbol, unknown>)[RAW_BODY] }
  if (type.startsWith('multipart/form-data')) ({ payload, uploads } = fromMultipart(input))
  const requests = graphqlRequests(payload)

  const { executor } = await graphqlEngine()
  const state: ResolveState = {
    services,
    headers,
    client: caller.client,
    project: typeof input.project === 'string' && input.project !== '' ? input.project : undefined,
    uploads,
    claimed: new Set(),
    response: { headers: {} },
  }
  const results = []
  // deviation: Appwrite runs a batch's requests concurrently; here they run in order, so a batch is deterministic.
  for (const request of requests) results.push(await executor.run(request, state, services.rateLimiter.enforce))
  const { sent, headers: shared, startSession, endSession } = state.response
  if (sent) return sent
  // graphql.php `processResult`: a single request answers its result, a batch the list of results.
  return { status: 200, body: results.length === 1 ? results[0] : results, headers: shared, startSession, endSession }
}

/** graphql.php `execute`: one request or a list of at most 10, each with a query. */
export function graphqlRequests(payload: unknown): GraphqlRequest[] {
  // deviation: a bare query string (Appwrite answers 500 for one) is taken as the query.
  if (typeof payload === 'string' && !isEmpty(payload)) return [{ query: payload }]
  // deviation: GET without `query` is `general_argument_invalid` in Appwrite (its param check); same status and message.
  if (typeof payload !== 'object' || payload === null || isEmpty(payload)) throw new AppwriteException('graphql_no_query')
  // A JSON array reaches the route as params `0`, `1`, … (src/http/body.ts), as PHP's getParams gives it.
  const list: unknown[] = Array.isArray(payload) ? payload : '0' in payload ? Object.values(payload) : [payload]
  if (list.length > MAX_BATCH) throw new AppwriteException('graphql_too_many_queries')
  return list.map((item) => {
    if (!isObject(item) || isEmpty(item.query) || typeof item.query !== 'string') throw new AppwriteException('graphql_no_query')
    const request: GraphqlRequest = { query: item.query }
    const variables = typeof item.variables === 'string' ? parseJson(item.variables) : item.variables
    if (isObject(variables)) request.variables = variables
    if (typeof item.operationName === 'string' && item.operationName !== '') request.operationName = item.operationName
    return request
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch {
    // GET's `variables` go through json_decode: what does not parse is no variables.
    return null
  }
}
