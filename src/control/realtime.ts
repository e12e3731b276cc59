import type { FastifyInstance } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'
import { sendJson } from '../http/respond.js'
import type { Services } from '../services/index.js'
import type { ControlGuard } from './guard.js'

/**
 * `GET /_emulator/projects/{projectId}/realtime`: the project's open realtime connections (who, on which channels,
 * since when), oldest first, for tests and the console.
 */
export function registerRealtimeControlRoutes(app: FastifyInstance, services: Services, onRequest: ControlGuard): void {
  app.get<{ Params: { projectId: string } }>('/_emulator/projects/:projectId/realtime', { onRequest }, async (req, reply) => {
    const { projectId } = req.params
    if (!isValidKey(projectId)) throw new AppwriteException('project_not_found')
    const connections = services.realtime.connections(projectId).map((c) => ({
      $id: c.id,
      userId: c.caller.user?.id ?? null,
      channels: [...c.channels],
      connectedAt: c.connectedAt,
    }))
    return sendJson(reply, { total: connections.length, connections })
  })
}
