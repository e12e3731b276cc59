import Fastify, { LogController, type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { ProjectTemplate } from './config/appwrite-json.js'
import { ControllableClock, systemClock, type Clock } from './domain/dates.js'
import { AppwriteException } from './errors/appwrite-exception.js'
import { APPWRITE_VERSION, renderError } from './errors/render.js'
import { registerBodyParsers, registerMultipart, parseQueryString, BODY_LIMIT } from './http/body.js'
import { registerRoute } from './http/rest.js'
import { sdkGreeting } from './core/format/index.js'
import { sendJson } from './http/respond.js'
import { registerControlRoutes } from './control/routes.js'
import { registerConsole } from './control/console.js'
import { registerOAuth2Pages } from './http/oauth2-pages.js'
import { routeTable } from './services/routes.js'
import { registerRealtime } from './realtime/transport.js'
import { createServices, type Services } from './services/index.js'
import type { Store } from './store/types.js'
import type { BlobStore } from './files/blob-store.js'
import { resolveCaller } from './core/resolve-caller.js'
import { clientInfo } from './http/client-info.js'
import { clientErrorHandler, frameworkErrors } from './http/transport-errors.js'

export interface AppOptions {
  store: Store
  template: ProjectTemplate
  clock?: Clock
  /** Enforce Appwrite's abuse limits (the headers are sent either way). */
  rateLimits?: boolean
  /** Honour X-Forwarded-For for the client IP. */
  trustProxy?: boolean
  /** Let `/avatars/image` and `/avatars/favicon` fetch loopback, private and link-local addresses. */
  allowPrivateUrls?: boolean
  /** Relay emails to this SMTP server, e.g. `smtp://127.0.0.1:1025` (Mailpit). */
  smtp?: string | null
  /** Where file bytes go (default: memory). */
  blobs?: BlobStore
  /** The key for files encrypted at rest (default: a fresh one). */
  storageKey?: Buffer
  /** When set, the control API wants `Authorization: Bearer <token>` and answers it from anywhere. */
  controlToken?: string | null
  /** The most projects that may exist; a request naming a new one past it is refused (default 10,000). */
  maxProjects?: number
  /** Drop projects idle longer than this many milliseconds (default: never). */
  projectTtlMs?: number | null
  /** Run functions' `commands` when their dependency files change (`--no-function-builds` turns it off). */
  functionBuilds?: boolean
  /** Run functions on bus events and cron schedules (`--no-function-triggers` turns it off). */
  functionTriggers?: boolean
  /** Where the built web console is (default: the package's `dist/console`). */
  consoleAssets?: string
  /** A pino logger config, or false for silence (tests). */
  logger?: FastifyServerOptions['logger']
}

export interface App {
  server: FastifyInstance
  services: Services
  store: Store
}

const ALLOW_HEADERS =
  'Origin, Cookie, Set-Cookie, X-Requested-With, Content-Type, Access-Control-Allow-Origin, Access-Control-Request-Headers, Accept, X-Appwrite-Project, X-Appwrite-Key, X-Appwrite-Locale, X-Appwrite-Mode, X-Appwrite-JWT, X-Appwrite-Response-Format, X-Appwrite-Timeout, X-SDK-Version, X-SDK-Name, X-SDK-Language, X-SDK-Platform, X-SDK-GraphQL, X-Appwrite-ID, X-Appwrite-Timestamp, Content-Range, Range, Cache-Control, Expires, Pragma, X-Forwarded-For, X-Forwarded-User-Agent'

const noSchemaCompiler = () => () => {
  throw new Error('the emulator declares no JSON schemas')
}

const LOGS_REQUESTS = new Set(['info', 'debug', 'trace'])

// Secrets can travel in query strings (verification links, OAuth2 tokens); they never reach the log.
const redact = (url: string) => url.replace(/([?&](?:secret|password|jwt|otp)=)[^&]*/gi, '$1***')

/** Builds the emulator's HTTP server without listening; tests inject requests into it directly. */
export async function buildApp(options: AppOptions): Promise<App> {
  // One controllable clock drives all time (`/_emulator/clock`); a test's clock becomes its base.
  const clock = options.clock instanceof ControllableClock ? options.clock : new ControllableClock(options.clock ?? systemClock)
  const server = Fastify({
    logger: options.logger ?? false,
    logController: new LogController({ disableRequestLogging: true }),
    trustProxy: options.trustProxy ?? false,
    bodyLimit: BODY_LIMIT,
    // Params are validated by src/domain/params.ts, never by JSON schemas, so Fastify's schema compilers (ajv,
    // fast-json-stringify) are not loaded: start-up counts.
    schemaController: { compilersFactory: { buildValidator: noSchemaCompiler, buildSerializer: noSchemaCompiler } },
    // Long path params reach their route, whose validator refuses them as Appwrite does (no 414).
    routerOptions: { querystringParser: parseQueryString, ignoreTrailingSlash: true, maxParamLength: 16 * 1024 },
    // A request without `Host` is served like any other (Node would answer a bare 400).
    http: { requireHostHeader: false },
    frameworkErrors,
    clientErrorHandler,
  })
  const services = await createServices({
    store: options.store,
    template: options.template,
    clock,
    rateLimits: options.rateLimits ?? false,
    log: server.log,
    smtp: options.smtp ?? null,
    allowPrivateUrls: options.allowPrivateUrls ?? false,
    blobs: options.blobs,
    storageKey: options.storageKey,
    tenants: { maxProjects: options.maxProjects ?? 10_000, idleTtlMs: options.projectTtlMs ?? null },
    functionBuilds: options.functionBuilds ?? true,
    functionTriggers: options.functionTriggers ?? true,
  })
  // No function process outlives the server; before it closes, which waits for requests still running (a sync
  // execution whose build or function hangs would hold it up to its timeout).
  server.addHook('preClose', async () => {
    await services.functions.shutdown()
  })
  const ttl = options.projectTtlMs
  if (ttl) {
    // Idle projects are dropped a few times per TTL (at most once a minute), off the request path.
    const sweep = setInterval(() => {
      services.projects.dropIdle().then(
        (dropped) => dropped.length && server.log.info(`dropped ${dropped.length} project(s) idle for over ${Math.round(ttl / 1000)} s`),
        (error: unknown) => server.log.error({ err: error }, 'dropping idle projects failed'),
      )
    }, Math.min(Math.max(ttl / 4, 1000), 60_000))
    sweep.unref()
    server.addHook('onClose', (_instance, done) => {
      clearInterval(sweep)
      done()
    })
  }
  await registerBodyParsers(server)

  // Callback-style hooks: they run on every request, and an async hook costs a promise each time.
  // Which SDK (name and version) connected, logged once each with what the emulator serves (issue 14).
  const seenSdks = new Set<string>()
  const platforms = services.platforms
  server.addHook('onRequest', (req, reply, done) => {
    if (req.headers['x-sdk-name'] !== undefined) {
      const greeting = sdkGreeting(req.headers, seenSdks)
      if (greeting) server.log[greeting.level](greeting.message)
    }
    const { origin, referer } = req.headers
    const project = req.headers['x-appwrite-project'] || (req.query as { project?: unknown } | undefined)?.project
    const consoleProject = !project || project === 'console'
    reply.headers({
      Server: 'Appwrite',
      'X-Content-Type-Options': 'nosniff',
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
      'Access-Control-Allow-Headers': ALLOW_HEADERS,
      'Access-Control-Expose-Headers': 'X-Appwrite-Session, X-Fallback-Cookies',
      // A registered origin is echoed; any other gets `<scheme>://localhost[:port]` (general.php). `--any-origin` echoes all.
      'Access-Control-Allow-Origin': platforms.allowOrigin(consoleProject, origin, referer, req.hostname, req.protocol),
      'Access-Control-Allow-Credentials': 'true',
    })
    done()
  })
  server.addHook('onResponse', (req, reply, done) => {
    if (LOGS_REQUESTS.has(req.log.level)) req.log.info(`${req.method} ${redact(req.url)} ${reply.statusCode} ${reply.elapsedTime.toFixed(1)}ms`)
    done()
  })

  server.setErrorHandler(async (error, req, reply) => {
    const fastifyError = error as { code?: string; statusCode?: number }
    let thrown: unknown = error
    if (fastifyError.code === 'FST_ERR_CTP_BODY_TOO_LARGE' || fastifyError.code === 'FST_REQ_FILE_TOO_LARGE') {
      // deviation: Appwrite's HTTP server answers 413 with no JSON; we keep 413 and add an error body.
      reply.code(413).header('Cache-Control', 'no-cache, no-store, must-revalidate')
      return sendJson(reply, { message: 'Request body is larger than 12 MB.', code: 413, type: 'general_argument_invalid', version: APPWRITE_VERSION })
    }
    if (!(error instanceof AppwriteException)) {
      if (fastifyError.statusCode && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
        thrown = new AppwriteException('general_argument_invalid', (error as Error).message)
      } else {
        req.log.error({ err: error }, 'unhandled error')
      }
    }
    const rendered = renderError(thrown)
    reply.code(rendered.status).headers({ 'Cache-Control': 'no-cache, no-store, must-revalidate', Expires: '0', Pragma: 'no-cache' })
    return sendJson(reply, rendered.body)
  })

  // Unknown routes still name a project first: an unknown project is 404 project_not_found, else route not found.
  server.setNotFoundHandler(async (req) => {
    await resolveCaller({ headers: req.headers, client: clientInfo(req), input: (req.query as Record<string, unknown>) ?? {} }, services)
    throw new AppwriteException('general_route_not_found')
  })
  server.options('/*', async (req, reply) => {
    reply.header('Access-Control-Allow-Headers', `${ALLOW_HEADERS}, X-Appwrite-Session, X-Fallback-Cookies`)
    if (req.headers.origin) reply.header('Access-Control-Allow-Origin', req.headers.origin)
    return reply.code(204).send()
  })

  for (const route of routeTable) if (route.method === 'GET') registerRoute(server, route, services)
  registerControlRoutes(server, services, options.store, performance.now(), options.controlToken ?? null)
  registerRealtime(server, services, services.realtime, routeTable)
  registerOAuth2Pages(server, services)
  registerConsole(server, { services, store: options.store, template: options.template, clock, routes: routeTable, controlToken: options.controlToken ?? null, assetsDir: options.consoleAssets })
  // The routes that read a body (JSON, form or multipart) live in their own context with the multipart parser,
  // whose per-request hooks reads do not pay for.
  await server.register(async (writes) => {
    await registerMultipart(writes)
    for (const route of routeTable) if (route.method !== 'GET') registerRoute(writes, route, services)
  })
  return { server, services, store: options.store }
}
