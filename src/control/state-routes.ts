import type { FastifyInstance } from 'fastify'
import { sendJson } from '../http/respond.js'
import type { Services } from '../services/index.js'
import type { Store } from '../store/types.js'
import { ProjectArchives, MAX_ARCHIVE_BYTES } from './archive.js'
import { ControlBody, controlProjectId, invalid } from './body.js'
import type { ControlGuard } from './guard.js'
import { ProjectStates } from './project-states.js'

type ProjectParams = { Params: { projectId: string } }
type SnapshotParams = { Params: { projectId: string; snapshotId: string } }

/** Snapshots, restores, forks, export and import of a project's whole state (issue 17). */
export function registerStateRoutes(app: FastifyInstance, services: Services, store: Store, onRequest: ControlGuard): { states: ProjectStates; archives: ProjectArchives } {
  const states = new ProjectStates(services, store)
  const archives = new ProjectArchives(services, store, states)

  app.post<ProjectParams>('/_emulator/projects/:projectId/snapshots', { onRequest }, async (req, reply) => {
    new ControlBody(req.body, 'body', [])
    const info = await states.snapshot(controlProjectId(req.params.projectId))
    return sendJson(reply.code(201), info)
  })
  app.get<ProjectParams>('/_emulator/projects/:projectId/snapshots', { onRequest }, async (req, reply) => {
    const snapshots = await states.list(controlProjectId(req.params.projectId))
    return sendJson(reply, { total: snapshots.length, snapshots })
  })
  app.post<SnapshotParams>('/_emulator/projects/:projectId/snapshots/:snapshotId/restore', { onRequest }, async (req, reply) => {
    new ControlBody(req.body, 'body', [])
    await states.restore(controlProjectId(req.params.projectId), req.params.snapshotId)
    return reply.code(204).send()
  })
  app.delete<SnapshotParams>('/_emulator/projects/:projectId/snapshots/:snapshotId', { onRequest }, async (req, reply) => {
    await states.delete(controlProjectId(req.params.projectId), req.params.snapshotId)
    return reply.code(204).send()
  })
  app.post<ProjectParams>('/_emulator/projects/:projectId/fork', { onRequest }, async (req, reply) => {
    const from = controlProjectId(req.params.projectId)
    const to = new ControlBody(req.body, 'body', ['projectId']).projectId('projectId')
    await states.fork(from, to)
    return sendJson(reply.code(201), { $id: to, from })
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/export', { onRequest }, async (req, reply) => {
    const projectId = controlProjectId(req.params.projectId)
    const archive = await archives.export(projectId)
    return reply
      .type('application/x-tar')
      .header('Content-Disposition', `attachment; filename="${projectId}.tar"`)
      .send(archive)
  })
  // The archive is the raw body (any content type); its own context has a parser that hands the stream over.
  void app.register(async (scope) => {
    scope.removeAllContentTypeParsers()
    scope.addContentTypeParser('*', { bodyLimit: MAX_ARCHIVE_BYTES }, (_req, payload, done) => done(null, payload))
    scope.post<ProjectParams>('/_emulator/projects/:projectId/import', { onRequest, bodyLimit: MAX_ARCHIVE_BYTES }, async (req, reply) => {
      const projectId = controlProjectId(req.params.projectId)
      const body = req.body as NodeJS.ReadableStream | undefined
      if (!body || typeof (body as { pipe?: unknown }).pipe !== 'function') throw invalid('Send the archive (a tar from GET /_emulator/projects/{projectId}/export) as the request body.')
      const result = await archives.import(body as unknown as AsyncIterable<Buffer>, projectId)
      return sendJson(reply, result)
    })
  })
  return { states, archives }
}
