import type { RequestTrace } from '../control/trace.js'
import { AppwriteException } from '../errors/appwrite-exception.js'
import type { ServiceName } from '../config/appwrite-json.js'
import type { Services } from '../services/index.js'
import type { Caller, ClientInfo } from './caller.js'
import type { ParamContext, ParamSpecs } from '../domain/params.js'
import { registrationHint } from './platforms.js'
import { firstHeader, resolveCaller, type RawHeaders } from './resolve-caller.js'
import { filterRequestV17, responseFormat, speaks14 } from './format/index.js'
import type { RouteDefinition, RouteResult, Scope } from './route.js'

const GUEST_SCOPES = new Set<Scope>([
  'global', 'public', 'home', 'console', 'graphql', 'sessions.write', 'documents.read', 'documents.write',
  'files.read', 'files.write', 'locale.read', 'avatars.read', 'execution.write',
])
const USER_SCOPES = new Set<Scope>([
  ...GUEST_SCOPES, 'account', 'teams.read', 'teams.write', 'projects.read', 'projects.write', 'execution.read',
  'targets.read', 'targets.write', 'subscribers.write', 'subscribers.read', 'assistant.read',
])
// Routes of these services need a real project; on the console project they answer 401 (general.php).
export const PROJECT_ONLY: ReadonlySet<string> = new Set(['databases', 'functions', 'storage', 'messaging'])
const MFA_RECENT_MS = 1800 * 1000

/** The fewest factors a session needs: two once MFA is on and the user has a verified second factor. */
export type MinimumFactors = (caller: Caller) => Promise<number>

/** One operation call as any protocol hands it over: plain data, no framework objects. */
export interface OperationRequest {
  /** The params as sent, before validation: the query string for GET, the body otherwise. */
  input: Record<string, unknown>
  /** Path params; they win over `input`'s values of the same name, as utopia merges them. */
  pathParams?: Readonly<Record<string, string>>
  /** Request headers, lower-case names. */
  headers: RawHeaders
  client: ClientInfo
}

/** What an operation came to: its result or the error it was refused with, and the headers the checks set either way. */
export type OperationOutcome =
  | { ok: true; caller: Caller; headers: Record<string, string>; result: RouteResult }
  | { ok: false; caller: Caller | null; headers: Record<string, string>; error: unknown; stage?: OperationStage }

/** Where the core stood when a request was refused (the decision log names the check from it). */
export type OperationStage = 'project' | 'origin' | 'checks' | 'mfa' | 'rate-limit' | 'groups' | 'params' | 'fault' | 'handler'

/**
 * The test features' hooks (src/control/test-features.ts): `observe` wraps each operation (its trace and its
 * decision-log entry, O(1) per request); `applyFaults` runs before the handler only while some project has rules.
 */
export interface OperationObserver {
  readonly faultsActive: boolean
  applyFaults(projectId: string, operation: string, headers: Record<string, string>): Promise<void>
  /** Runs `run` with the trace the request's caller will carry, and records the outcome. */
  observe(route: RouteDefinition<ParamSpecs>, run: (trace: RequestTrace) => Promise<OperationOutcome>, request: OperationRequest): Promise<OperationOutcome>
}

/**
 * Runs one operation the way Appwrite's pipeline does (BEHAVIORS §0): resolves the project and caller, runs the
 * checks in Appwrite's order (origin, service, scope, blocked user, MFA, rate limit, console project, session group,
 * auth method, recent MFA), validates params in declaration order, then calls the handler. REST, GraphQL,
 * realtime and the console all come through here; it never throws. With the test features on (`services.observer`),
 * each run is traced for the decision log and coverage, and fault rules apply just before the handler.
 */
export function runOperation(route: RouteDefinition<ParamSpecs>, request: OperationRequest, services: Services): Promise<OperationOutcome> {
  const observer = services.observer
  return observer ? observer.observe(route, (trace) => runChecked(route, request, services, observer, trace), request) : runChecked(route, request, services, null, undefined)
}

async function runChecked(
  route: RouteDefinition<ParamSpecs>,
  request: OperationRequest,
  services: Services,
  observer: OperationObserver | null,
  trace: RequestTrace | undefined,
): Promise<OperationOutcome> {
  const headers: Record<string, string> = {}
  let caller: Caller | null = null
  let stage: OperationStage = 'project'
  try {
    const resolved = await resolveCaller(request, services)
    caller = resolved.caller
    if (trace) caller.trace = trace
    headers['X-Debug-Fallback'] = resolved.usedFallback ? 'true' : 'false'
    stage = 'origin'
    checkOrigin(route, caller, request.headers, services)
    // A 1.4 SDK's params (old query strings) become 1.5 ones before anything reads them (Request filter V17).
    if (speaks14(responseFormat(request.headers))) request = { ...request, input: filterRequestV17(route.operation, request.input) }
    stage = 'checks'
    runChecksBeforeLimits(route, caller)
    stage = 'mfa'
    if (caller.session && !(route.groups ?? []).includes('mfa') && caller.session.factors.length < (await services.minimumFactors(caller))) {
      throw new AppwriteException('user_more_factors_required')
    }
    stage = 'rate-limit'
    if (route.rateLimit) {
      const c = caller
      const counted = services.rateLimiter.count(c.project.id, route.rateLimit, (name) => rateKeyValue(name, route, c, request), services.clock.now())
      // A promise only with a shared counter (--bus): the memory counter answers without a hop.
      const verdict = counted instanceof Promise ? await counted : counted
      Object.assign(headers, verdict.headers)
      if (verdict.exceeded) throw new AppwriteException('general_rate_limit_exceeded')
    }
    // --project-quota requests=N/window (hosted mode): every request of the project counts, across processes with --bus.
    const overQuota = services.rateLimiter.requestQuota && services.rateLimiter.overQuota(caller.project.id, services.clock.now())
    if (overQuota && (overQuota === true || (await overQuota))) {
      // deviation: Appwrite has no per-project request quota; its rate-limit error is the closest answer.
      throw new AppwriteException('general_rate_limit_exceeded', 'This project used its request quota for the current window (--project-quota).')
    }
    stage = 'groups'
    runGroupChecks(route, caller, request.headers, services)
    stage = 'params'
    const params = validateParams(route.params, request.pathParams ? { ...request.input, ...request.pathParams } : request.input, redirectHosts(caller, services))
    if (observer?.faultsActive) {
      stage = 'fault'
      await observer.applyFaults(caller.project.id, route.operation, headers)
    }
    stage = 'handler'
    const result = await route.handle({ params: params as never, caller, services, headers: request.headers, input: request.input })
    return { ok: true, caller, headers, result }
  } catch (error) {
    return { ok: false, caller, headers, error, stage }
  }
}

const ORIGIN_CHECKED = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/** general.php's origin check: a write whose Origin (else Referer) is not a registered platform, without an API key → 403. */
function checkOrigin(route: RouteDefinition<ParamSpecs>, caller: Caller, headers: RawHeaders, services: Services): void {
  if (!ORIGIN_CHECKED.has(route.method) || firstHeader(headers, 'x-appwrite-key')) return
  const origin = firstHeader(headers, 'origin')
  const referer = firstHeader(headers, 'referer')
  const refusal = services.platforms.checkOrigin(caller.project.isConsole, origin, referer, caller.client.hostname)
  if (refusal === null) return
  services.log.warn(registrationHint('origin', (origin || referer)!, caller.project.isConsole))
  throw new AppwriteException('general_unknown_origin', refusal)
}

/** What the `Host` validators of redirect URLs check against (Appwrite's `clients`); it logs how to register a refused host. */
function redirectHosts(caller: Caller, services: Services): ParamContext {
  const registry = services.platforms
  const consoleProject = caller.project.isConsole
  return {
    redirectHosts: () => (registry.anyOrigin ? null : registry.clients(consoleProject, caller.client.hostname)),
    isRedirectHost: (host) => registry.isRegisteredHost(consoleProject, host, caller.client.hostname),
    refusedRedirect: (url) => services.log.warn(registrationHint('redirect URL', url, consoleProject)),
  }
}

function runChecksBeforeLimits(route: RouteDefinition<ParamSpecs>, caller: Caller): void {
  const { project, user } = caller
  const service = route.operation.split('.')[0] as ServiceName
  if (!project.isConsole && project.settings.services[service] === false) throw new AppwriteException('general_service_disabled')
  const role = user ? 'users' : 'guests'
  if (!(user ? USER_SCOPES : GUEST_SCOPES).has(route.scope)) {
    throw new AppwriteException('general_unauthorized_scope', `${user?.email || 'User'} (role: ${role}) missing scope (${route.scope})`)
  }
  if (user && !user.status) throw new AppwriteException('user_blocked')
}

function runGroupChecks(route: RouteDefinition<ParamSpecs>, caller: Caller, headers: RawHeaders, services: Services): void {
  const { project, user, session } = caller
  const groups = route.groups ?? []
  if (project.isConsole && PROJECT_ONLY.has(route.operation.split('.')[0]!)) {
    throw new AppwriteException(
      'general_access_forbidden',
      firstHeader(headers, 'x-appwrite-project')
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

function rateKeyValue(name: string, route: RouteDefinition<ParamSpecs>, caller: Caller, request: OperationRequest): string {
  switch (name) {
    case 'url':
      return `${caller.client.hostname}${route.path}`
    case 'ip':
      return caller.client.ip
    case 'userId':
      return caller.user?.id ?? ''
    case 'method':
      return route.method
    case 'chunkId': {
      // The chunk's index from Content-Range, so each chunk of a large upload has its own limit (shared/api.php).
      const m = /bytes\s+(\d+)-(\d+)\//i.exec(String(firstHeader(request.headers, 'content-range') ?? ''))
      const length = m ? Number(m[2]) + 1 - Number(m[1]) : 0
      return length > 0 ? String(Math.floor(Number(m![1]) / length)) : '0'
    }
    default: {
      if (!name.startsWith('param-')) return ''
      return keyPart(request.input[name.slice(6)])
    }
  }
}

/** A param as part of a rate-limit key. A value too deep to serialise (hostile nesting) still gets a key of its own kind. */
function keyPart(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === undefined) return ''
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return Array.isArray(value) ? '[array]' : '[object]'
  }
}

/**
 * Validates params in declaration order, as utopia does: a param that was not sent is "not optional" when
 * required, else its default; an optional param sent as null takes its default; anything else is validated.
 */
export function validateParams(specs: ParamSpecs, input: Record<string, unknown>, context?: ParamContext): Record<string, unknown> {
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
    const result = spec.validator.parse(raw, context)
    if (!result.ok) throw new AppwriteException('general_argument_invalid', `Invalid \`${name}\` param: ${result.description ?? spec.validator.description}`)
    out[name] = result.value
  }
  return out
}
