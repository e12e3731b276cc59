import type { FastifyInstance } from 'fastify'
import { ControllableClock, parseClockAdvance } from '../domain/dates.js'
import { sendJson } from '../http/respond.js'
import type { Services } from '../services/index.js'
import { ControlBody, controlProjectId, invalid } from './body.js'
import type { ControlGuard } from './guard.js'
import type { TestFeatures } from './test-features.js'

type ProjectParams = { Params: { projectId: string } }

/**
 * The clock (`/_emulator/clock`), fault rules (`…/faults`), the decision log (`…/requests`) and the coverage
 * report (`/_emulator/coverage`). Each body is checked by `ControlBody`: a bad one is `400 general_argument_invalid`.
 */
export function registerFeatureRoutes(app: FastifyInstance, services: Services, features: TestFeatures, onRequest: ControlGuard): void {
  const clock = services.clock as ControllableClock

  app.get('/_emulator/clock', { onRequest }, async (_req, reply) => sendJson(reply, clock.state()))
  app.post('/_emulator/clock', { onRequest }, async (req, reply) => {
    const body = new ControlBody(req.body, 'body', ['advance', 'set', 'freeze', 'reset'])
    const actions = ['advance', 'set', 'reset'].filter((k) => body.has(k))
    if (actions.length > 1) throw invalid(`Send one of "advance", "set" or "reset" at a time (with "freeze" if you like), not ${actions.map((a) => `"${a}"`).join(' and ')}.`)
    if (actions.length === 0 && !body.has('freeze')) throw invalid('Send "advance" (seconds or a duration such as "90m", "1y"), "set" (an ISO date), "freeze" (true or false) or "reset": true.')
    if (body.has('reset') && body.boolean('reset') !== true) throw body.bad('reset', 'must be true')
    const freeze = body.boolean('freeze')
    let target: number | null = null
    if (body.has('set')) {
      const text = body.string('set', { describe: 'must be an ISO 8601 date such as "2030-01-01T00:00:00.000+00:00"' })!
      target = /^\d{4}-\d{2}-\d{2}/.test(text) ? Date.parse(text) : NaN
      if (!Number.isFinite(target)) throw body.bad('set', 'must be an ISO 8601 date such as "2030-01-01T00:00:00.000+00:00"')
    }
    const advance = body.has('advance') ? parseClockAdvance(body.raw('advance')) : null
    if (body.has('advance') && advance === null) throw body.bad('advance', 'must be seconds (a number) or a duration such as "90m", "1h30m", "7d", "1y", "-2h"')
    // Every value is checked before the clock moves, so a bad body changes nothing.
    if (body.has('reset')) clock.reset()
    if (target !== null) clock.set(target)
    if (advance !== null) clock.advance(advance)
    if (freeze !== undefined) clock.freeze(freeze)
    return sendJson(reply, clock.state())
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/faults', { onRequest }, async (req, reply) => {
    const list = features.faults.list(controlProjectId(req.params.projectId))
    return sendJson(reply, { total: list.rules.length, seed: list.seed, rules: list.rules })
  })
  app.post<ProjectParams>('/_emulator/projects/:projectId/faults', { onRequest }, async (req, reply) => {
    const list = features.faults.add(controlProjectId(req.params.projectId), req.body)
    return sendJson(reply.code(201), { total: list.rules.length, seed: list.seed, rules: list.rules })
  })
  app.delete<ProjectParams>('/_emulator/projects/:projectId/faults', { onRequest }, async (req, reply) => {
    features.faults.clear(controlProjectId(req.params.projectId))
    return reply.code(204).send()
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/requests', { onRequest }, async (req, reply) => {
    const projectId = controlProjectId(req.params.projectId)
    const query = new ControlBody(req.query, 'query string', ['operation', 'status', 'user', 'limit'])
    const status = query.has('status') ? Number(query.string('status')) : undefined
    if (status !== undefined && !(Number.isInteger(status) && status >= 100 && status <= 599)) throw query.bad('status', 'must be an HTTP status such as 404')
    const limit = query.has('limit') ? Number(query.string('limit')) : undefined
    if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1 && limit <= 500)) throw query.bad('limit', 'must be an integer from 1 to 500')
    const requests = features.requests.list(projectId, { operation: query.string('operation'), userId: query.string('user'), status, limit })
    return sendJson(reply, { total: requests.length, requests })
  })

  app.get<{ Params: { projectId: string; requestId: string } }>('/_emulator/projects/:projectId/requests/:requestId', { onRequest }, async (req, reply) => {
    const projectId = controlProjectId(req.params.projectId)
    const entry = features.requests.get(projectId, req.params.requestId)
    if (!entry) throw invalid(`Project "${projectId}" has no logged request "${req.params.requestId}" (the log keeps the last 500).`)
    return sendJson(reply, entry)
  })

  app.get('/_emulator/coverage', { onRequest }, async (req, reply) => sendJson(reply, features.coverage.report(coverageProject(req.query))))
  app.delete('/_emulator/coverage', { onRequest }, async (req, reply) => {
    features.coverage.reset(coverageProject(req.query))
    return reply.code(204).send()
  })
}

function coverageProject(raw: unknown): string | undefined {
  const query = new ControlBody(raw, 'query string', ['projectId'])
  const projectId = query.string('projectId')
  return projectId === undefined ? undefined : controlProjectId(projectId)
}
