import type { FastifyInstance } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'
import type { Services } from '../services/index.js'
import type { Store } from '../store/types.js'
import { sendJson } from '../http/respond.js'
import { registerTopicControlRoutes } from './topics.js'
import { registerExecutionControlRoutes } from './executions.js'
import { controlGuard } from './guard.js'
import { registerRealtimeControlRoutes } from './realtime.js'
import { routeTable } from '../services/routes.js'
import { registerFeatureRoutes } from './feature-routes.js'
import { registerStateRoutes } from './state-routes.js'
import { TestFeatures } from './test-features.js'
import { attachControlParts } from './emulator-api.js'

/**
 * The control API under `/_emulator`: health, project reset, and the outbox of sent emails and SMS. It answers
 * direct loopback clients only, or holders of the control token (see `controlGuard`), so an emulator bound to a
 * public address or behind a proxy does not hand its outbox to the network.
 */
export function registerControlRoutes(app: FastifyInstance, services: Services, store: Store, startedAt: number, controlToken: string | null = null): void {
  // A hook on these routes only, so the client API does not pay for it.
  const onRequest = controlGuard(controlToken)
  app.get('/_emulator/health', { onRequest }, async (_req, reply) =>
    sendJson(reply, { status: 'pass', version: process.env.npm_package_version ?? '0.1.0', appwrite: '1.5.11', uptime: Math.round((performance.now() - startedAt) / 1000) }),
  )

  app.delete<{ Params: { projectId: string } }>('/_emulator/projects/:projectId', { onRequest }, async (req, reply) => {
    const { projectId } = req.params
    if (!isValidKey(projectId)) throw new AppwriteException('project_not_found')
    await services.projects.reset(projectId)
    services.rateLimiter.forget(projectId)
    ;(services.observer as TestFeatures | undefined)?.forgetProject(projectId)
    return reply.code(204).send()
  })

  app.get<{ Params: { projectId: string } }>('/_emulator/projects/:projectId/messages', { onRequest }, async (req, reply) => {
    const { projectId } = req.params
    if (!isValidKey(projectId)) throw new AppwriteException('project_not_found')
    const messages = await store.messages.list(projectId)
    return sendJson(reply, {
      total: messages.length,
      messages: messages.map((m) => ({ $id: m.id, $createdAt: m.createdAt, channel: m.channel, to: m.to, subject: m.subject, text: m.text, html: m.html, data: m.data })),
    })
  })

  registerTopicControlRoutes(app, services, onRequest)
  registerExecutionControlRoutes(app, services, onRequest)
  registerRealtimeControlRoutes(app, services, onRequest)
  // The test features: clock, faults, decision log, coverage (issue 17); they observe every operation from here on.
  const features = new TestFeatures(services, [...new Set(routeTable.map((r) => r.operation))])
  features.install()
  registerFeatureRoutes(app, services, features, onRequest)
  attachControlParts(services, { features, ...registerStateRoutes(app, services, store, onRequest) })
}
