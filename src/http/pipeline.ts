import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import type { ServiceName } from '../config/appwrite-json.js'
import type { Services } from '../services/index.js'
import type { Caller } from './caller.js'
import type { ParamSpecs } from './params.js'
import { resolveCaller } from './resolve-caller.js'
import type { RouteDefinition, RouteResult, Scope, SpooledFile } from './route.js'
import { clearedSessionCookies, encodeSession, fallbackKey, sessionCookies } from './session-transport.js'
import { readInput } from './body.js'
import { sendJson } from './respond.js'

const GUEST_SCOPES = new Set<Scope>([
  'global', 'public', 'home', 'console', 'graphql', 'sessions.write', 'documents.read', 'documents.write',
  'files.read', 'files.write', 'locale.read', 'avatars.read', 'execution.write',
])
const USER_SCOPES = new Set<Scope>([
  ...GUEST_SCOPES, 'account', 'teams.read', 'teams.write', 'projects.read', 'projects.write', 'execution.read',
  'targets.read', 'targets.write', 'subscribers.write', 'subscribers.read', 'assistant.read',
])
// Routes of these services need a real project; on the console project they answer 401 (general.php).
const PROJECT_ONLY: ReadonlySet<string> = new Set(['databases', 'functions', 'storage', 'messaging'])
const MFA_RECENT_MS = 1800 * 1000

/** The fewest factors a session needs: two once MFA is on and the user has a verified second factor. */
export type MinimumFactors = (caller: Caller) => Promise<number>

/** Registers one route with Appwrite's request pipeline in front of its handler. */
export function registerRoute(app: FastifyInstance, route: RouteDefinition<ParamSpecs>, services: Services): void {
  const service = route.operation.split('.')[0] as ServiceName
  // `fixed` fills path params an alias lacks, e.g. the `default` bucket of `/v1/storage/files/:fileId`.
  const handlerFor = (fixed: Record<string, string>) => async (req: FastifyRequest, reply: FastifyReply) => {
    // Spooled upload parts are disposed of whatever happens; a handler that keeps one has moved it already.
    const spooled: SpooledFile[] = []
    const spool = route.spoolFile
    try {
      const input = await readInput(req, spool && (async (part) => {
        const file = await spool(services, part)
        spooled.push(file)
        return file
      }))
      const { caller, usedFallback } = await resolveCaller(req, input, services)
      reply.header('X-Debug-Fallback', usedFallback ? 'true' : 'false')
      await runChecks(route, service, caller, input, req, reply, services)
      const params = validateParams(route.params, { ...input, ...fixed, ...(req.params as Record<string, string>) })
      const result = await route.handle({ params: params as never, caller, services, headers: req.headers, input })
      return sendResult(reply, result, caller)
    } finally {
      await Promise.all(spooled.map((file) => file.dispose()))
    }
  }
  const handler = handlerFor({})
  const onSend = route.renderErrorPage ? htmlErrors(route.renderErrorPage) : undefined
  for (const alias of [route.path, ...(route.aliases ?? [])]) {
    if (typeof alias === 'string') app.route({ method: route.method, url: alias, handler, onSend })
    else app.route({ method: route.method, url: alias.path, handler: handlerFor(alias.params), onSend })
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

async function runChecks(
  route: RouteDefinition<ParamSpecs>,
  service: ServiceName,
  caller: Caller,
  input: Record<string, unknown>,
  req: FastifyRequest,
  reply: FastifyReply,
  services: Services,
): Promise<void> {
  const { project, user, session } = caller
  if (!project.isConsole && project.settings.services[service] === false) throw new AppwriteException('general_service_disabled')
  const role = user ? 'users' : 'guests'
  if (!(user ? USER_SCOPES : GUEST_SCOPES).has(route.scope)) {
    throw new AppwriteException('general_unauthorized_scope', `${user?.email || 'User'} (role: ${role}) missing scope (${route.scope})`)
  }
  if (user && !user.status) throw new AppwriteException('user_blocked')
  const groups = route.groups ?? []
  if (session && !groups.includes('mfa') && session.factors.length < (await services.minimumFactors(caller))) {
    throw new AppwriteException('user_more_factors_required')
  }
  if (route.rateLimit) {
    const verdict = services.rateLimiter.hit(project.id, route.rateLimit, (name) => rateKeyValue(name, route, caller, input, req), services.clock.now())
    reply.headers(verdict.headers)
    if (verdict.exceeded) throw new AppwriteException('general_rate_limit_exceeded')
  }
  if (project.isConsole && PROJECT_ONLY.has(service)) {
    throw new AppwriteException(
      'general_access_forbidden',
      req.headers['x-appwrite-project']
        ? 'This endpoint is not available for the console project. The Appwrite Console is a reserved project ID and cannot be used with the Appwrite SDKs and APIs. Please check if your project ID is correct.'
        : 'No Appwrite project was specified. Please specify your project ID when initializing your Appwrite SDK.',
    )
  }
  if (groups.includes('session') && user && !route.path.includes('oauth2')) throw new AppwriteException('user_session_already_exists')
  if (route.authMethod && !project.settings.authMethods[route.authMethod]) throw new AppwriteException('user_auth_method_unsupported')
  if (groups.includes('mfaProtected') && !(session?.mfaUpdatedAt && services.clock.now() - Date.parse(session.mfaUpdatedAt) <= MFA_RECENT_MS)) {
    throw new AppwriteException('user_challenge_required')
  }
}

function rateKeyValue(name: string, route: RouteDefinition<ParamSpecs>, caller: Caller, input: Record<string, unknown>, req: FastifyRequest): string {
  switch (name) {
    case 'url':
      return `${req.hostname}${route.path}`
    case 'ip':
      return caller.client.ip
    case 'userId':
      return caller.user?.id ?? ''
    case 'method':
      return route.method
    case 'chunkId': {
      // The chunk's index from Content-Range, so each chunk of a large upload has its own limit (shared/api.php).
      const m = /bytes\s+(\d+)-(\d+)\//i.exec(String(req.headers['content-range'] ?? ''))
      const length = m ? Number(m[2]) + 1 - Number(m[1]) : 0
      return length > 0 ? String(Math.floor(Number(m![1]) / length)) : '0'
    }
    default: {
      if (!name.startsWith('param-')) return ''
      const v = input[name.slice(6)]
      return typeof v === 'string' ? v : v === undefined ? '' : JSON.stringify(v)
    }
  }
}

/**
 * Validates params in declaration order, as utopia does: a param that was not sent is "not optional" when
 * required, else its default; an optional param sent as null takes its default; anything else is validated.
 */
export function validateParams(specs: ParamSpecs, input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, spec] of Object.entries(specs)) {
    const raw = input[name]
    // utopia's `skipValidation` params (an upload's `file`): passed through, missing or not; the action checks them.
    if ((spec as { skipValidation?: boolean }).skipValidation) {
      out[name] = raw ?? spec.defaultValue
      continue
    }
    if (raw === undefined) {
      if (spec.required) throw new AppwriteException('general_argument_invalid', `Param "${name}" is not optional.`)
      out[name] = spec.defaultValue
      continue
    }
    if (raw === null && !spec.required) {
      out[name] = spec.defaultValue
      continue
    }
    const result = spec.validator.parse(raw)
    if (!result.ok) throw new AppwriteException('general_argument_invalid', `Invalid \`${name}\` param: ${result.description ?? spec.validator.description}`)
    out[name] = result.value
  }
  return out
}

function sendResult(reply: FastifyReply, result: RouteResult, caller: Caller): FastifyReply {
  if (result.headers) reply.headers(result.headers)
  const { project, client } = caller
  if (result.startSession) {
    const value = encodeSession(result.startSession.userId, result.startSession.secret)
    reply.header(
      'Set-Cookie',
      sessionCookies({ projectId: project.id, value, expires: new Date(result.startSession.expire), hostname: client.hostname, secure: client.protocol === 'https' }),
    )
    if (!sameRegistrableDomain(client.hostname, client.origin)) {
      reply.header('X-Fallback-Cookies', JSON.stringify({ [fallbackKey(project.id)]: value }).replace(/\//g, '\\/'))
    }
  }
  if (result.endSession) {
    reply.header('Set-Cookie', clearedSessionCookies(project.id, client.hostname))
    reply.header('X-Fallback-Cookies', '[]')
  }
  reply.code(result.status)
  if (result.raw) return reply.type(result.raw.contentType).send(result.raw.data)
  if (result.status === 204 || result.body === undefined) return reply.send()
  return sendJson(reply, result.body)
}

/**
 * Appwrite's `domainVerification`: true when the API host and the page's origin share a registrable domain.
 * Then the browser keeps the cookie and no fallback header is sent.
 */
function sameRegistrableDomain(hostname: string, origin: string | null): boolean {
  if (!origin) return false
  let originHost: string
  try {
    originHost = new URL(origin).hostname
  } catch {
    return false
  }
  // deviation: Appwrite uses the public-suffix list; the last two labels stand in for the registrable domain.
  const registrable = (h: string) => (/^[\d.]+$|:|^localhost$/.test(h) || !h.includes('.') ? '' : h.split('.').slice(-2).join('.'))
  const a = registrable(hostname)
  return a !== '' && a === registrable(originHost)
}
