import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Services } from '../services/index.js'
import type { Caller } from '../core/caller.js'
import type { ParamSpecs } from '../domain/params.js'
import { runOperation } from '../core/operation.js'
import { filterResponseV17, formatWarning, responseFormat, speaks14 } from '../core/format/index.js'
import type { RouteDefinition, RouteResult, SpooledFile } from '../core/route.js'
import { readInput } from './body.js'
import { clientInfo } from './client-info.js'
import { sendJson } from './respond.js'
import { renderedJson } from '../core/json.js'

const JSON_TYPE = 'application/json; charset=UTF-8'
import { sessionHeaders } from './session-headers.js'

/** Registers one route of the table as a REST endpoint: a thin adapter from Fastify to the operation core. */
export function registerRoute(app: FastifyInstance, route: RouteDefinition<ParamSpecs>, services: Services): void {
  // `fixed` fills path params an alias lacks, e.g. the `default` bucket of `/v1/storage/files/:fileId`.
  const handlerFor = (fixed: Record<string, string>) => async (req: FastifyRequest, reply: FastifyReply) => {
    // Spooled upload parts are disposed of whatever happens; a handler that keeps one has moved it already.
    const spooled: SpooledFile[] = []
    const spool = route.spoolFile
    try {
      // X-Appwrite-Response-Format (general.php): a newer SDK is warned on every answer, a 1.4 one gets 1.4 models.
      const format = responseFormat(req.headers)
      const warning = formatWarning(format)
      if (warning) reply.header('X-Appwrite-Warning', warning)
      const input = await readInput(req, spool && (async (part) => {
        const file = await spool(services, part)
        spooled.push(file)
        return file
      }))
      const outcome = await runOperation(
        route,
        { input, pathParams: { ...fixed, ...(req.params as Record<string, string>) }, headers: req.headers, client: clientInfo(req) },
        services,
      )
      reply.headers(outcome.headers)
      if (!outcome.ok) throw outcome.error
      return sendResult(reply, speaks14(format) ? filterResponseV17(route.operation, outcome.result) : outcome.result, outcome.caller)
    } finally {
      await Promise.all(spooled.map((file) => file.dispose()))
    }
  }
  const handler = handlerFor({})
  const onSend = route.renderErrorPage ? htmlErrors(route.renderErrorPage) : undefined
  for (const alias of [route.path, ...(route.aliases ?? [])]) {
    if (typeof alias === 'string') app.route({ method: route.method, url: alias, handler, onSend })
    else app.route({ method: alias.method ?? route.method, url: alias.path, handler: handlerFor(alias.params), onSend })
  }
}

/** Turns the JSON error the error handler wrote into the route's HTML error page (Appwrite's `error` label). */
function htmlErrors(render: NonNullable<RouteDefinition<ParamSpecs>['renderErrorPage']>) {
  return (_req: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    if (reply.statusCode < 400 || typeof payload !== 'string') return done(null, payload)
    let error: { type: string; message: string }
    try {
      error = JSON.parse(payload)
    } catch {
      return done(null, payload)
    }
    reply.header('content-type', 'text/html; charset=UTF-8')
    done(null, render({ ...error, code: reply.statusCode }))
  }
}

/** Writes a route's result: its headers, the session cookies it asks for, then JSON, raw bytes or nothing. */
export function sendResult(reply: FastifyReply, result: RouteResult, caller: Caller): FastifyReply {
  if (result.headers) reply.headers(result.headers)
  for (const [name, value] of Object.entries(sessionHeaders(result, caller))) reply.header(name, value)
  reply.code(result.status)
  if (result.raw) return reply.type(result.raw.contentType).send(result.raw.data)
  if (result.status === 204 || result.body === undefined) return reply.send()
  // A body rendered once (src/core/json.ts) goes out as its bytes; the same bytes sendJson would write.
  const bytes = renderedJson(result.body)
  if (bytes) return reply.type(JSON_TYPE).send(bytes)
  return sendJson(reply, result.body)
}
