import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'
import { sendJson } from '../http/respond.js'
import type { Services } from '../services/index.js'

/**
 * `GET /_emulator/projects/{projectId}/topics`: the project's topics (from appwrite.json) with their counters and
 * subscribers, oldest first, so tests can see what `messaging.createSubscriber` did. A project never used yet
 * is created from the config first, so its topics show.
 */
export function registerTopicControlRoutes(
  app: FastifyInstance,
  services: Services,
  /** The guard every control route runs on request (see `registerControlRoutes`). */
  onRequest: (req: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void,
): void {
  app.get<{ Params: { projectId: string } }>('/_emulator/projects/:projectId/topics', { onRequest }, async (req, reply) => {
    const { projectId } = req.params
    if (!isValidKey(projectId) || !(await services.projects.get(projectId))) throw new AppwriteException('project_not_found')
    const topics = await services.messaging.topicsWithSubscribers(projectId)
    return sendJson(reply, { total: topics.length, topics })
  })
}
