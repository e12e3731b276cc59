import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'
import { sendJson } from '../http/respond.js'
import type { Services } from '../services/index.js'

/**
 * `GET /_emulator/projects/{projectId}/executions`: every stored execution of the project, newest first, with
 * the logs and errors the client API hides, so tests can see why a function failed.
 */
export function registerExecutionControlRoutes(
  app: FastifyInstance,
  services: Services,
  /** The guard every control route runs on request (see `registerControlRoutes`). */
  onRequest: (req: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void,
): void {
  app.get<{ Params: { projectId: string } }>('/_emulator/projects/:projectId/executions', { onRequest }, async (req, reply) => {
    const { projectId } = req.params
    if (!isValidKey(projectId)) throw new AppwriteException('project_not_found')
    const executions = await services.functions.controlList(projectId)
    return sendJson(reply, { total: executions.length, executions })
  })
}
