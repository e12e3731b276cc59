import { join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'
import { sendJson } from '../http/respond.js'
import type { RouteDefinition } from '../core/route.js'
import { deliveryOf } from '../realtime/channels.js'
import type { Services } from '../services/index.js'
import type { Store } from '../store/types.js'
import type { ProjectTemplate } from '../config/appwrite-json.js'
import type { Clock } from '../domain/dates.js'
import { controlGuard } from './guard.js'
import { consoleGuard, packageRoot, registerConsoleAssets } from './console-assets.js'
import { registerConsoleStateRoutes } from './console-state.js'
import { registerConsoleUserRoutes } from './console-users.js'
import { describeOperations, readSpec, type OperationDescription } from './operations.js'

export interface ConsoleOptions {
  services: Services
  store: Store
  template: ProjectTemplate
  clock: Clock
  routes: readonly RouteDefinition<any>[]
  controlToken: string | null
  /** The built single-page app (default: the package's `dist/console`). */
  assetsDir?: string
  /** The official client spec, read when present (default: `../shared/appwrite-1.5/client-openapi3.json` beside the package). */
  specFile?: string
}

/**
 * The web console: its page and assets, the API explorer's operation list, the state browser's reads, sessions
 * minted for a chosen user, and a stream of a project's events. Every route sits behind the control API's guard.
 */
export function registerConsole(app: FastifyInstance, options: ConsoleOptions): void {
  const { services, store } = options
  const onRequest = controlGuard(options.controlToken)
  const root = packageRoot()
  registerConsoleAssets(app, options.controlToken, options.assetsDir ?? join(root, 'dist', 'console'))
  registerConsoleStateRoutes(app, services, store, options.template, options.clock, onRequest)
  registerConsoleUserRoutes(app, services, store, options.clock, onRequest)

  let operations: OperationDescription[] | undefined
  app.get('/_emulator/operations', { onRequest }, async (_req, reply) => {
    operations ??= describeOperations(options.routes, readSpec(options.specFile ?? join(root, '..', 'shared', 'appwrite-1.5', 'client-openapi3.json')))
    reply.header('Cache-Control', 'no-cache')
    return sendJson(reply, { total: operations.length, operations })
  })

  // Server-sent events: every bus event of the project with the realtime channels it goes out on, so the console
  // updates its tables without a reload.
  const streams = new Set<() => void>()
  app.addHook('preClose', (done) => {
    for (const end of streams) end()
    done()
  })
  // EventSource sends no headers: the stream takes the console's cookie as well.
  app.get<{ Params: { projectId: string } }>('/_emulator/projects/:projectId/events', { onRequest: consoleGuard(options.controlToken) }, async (req, reply) => {
    const { projectId } = req.params
    if (!isValidKey(projectId)) throw new AppwriteException('project_not_found')
    reply.hijack()
    reply.raw.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' })
    reply.raw.write(': connected\n\n')
    const unsubscribe = services.bus.subscribe((event) => {
      if (event.projectId !== projectId) return
      const channels = deliveryOf(event, options.template)?.channels ?? []
      reply.raw.write(`data: ${JSON.stringify({ name: event.name, events: event.events, channels, payload: event.payload })}\n\n`)
    })
    // A comment every 15 s keeps proxies and the browser from dropping an idle stream.
    const keepAlive = setInterval(() => reply.raw.write(': ping\n\n'), 15_000)
    keepAlive.unref()
    const end = () => {
      clearInterval(keepAlive)
      unsubscribe()
      streams.delete(end)
      reply.raw.end()
    }
    streams.add(end)
    req.raw.on('close', end)
  })
}
