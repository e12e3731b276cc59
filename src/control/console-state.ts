import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'
import { sendJson } from '../http/respond.js'
import { accountModel, identityModel } from '../domain/models.js'
import { membershipModel, teamModel } from '../services/teams/models.js'
import { fileModel } from '../services/storage/buckets.js'
import type { Services } from '../services/index.js'
import type { Store } from '../store/types.js'
import type { ProjectTemplate } from '../config/appwrite-json.js'
import type { Clock } from '../domain/dates.js'
import type { ControlGuard } from './guard.js'

type ProjectParams = { Params: { projectId: string } }

/** The project a control request names, created from the config on first use as the client API would. */
async function projectOf(services: Services, req: FastifyRequest): Promise<string> {
  const { projectId } = req.params as { projectId: string }
  if (!isValidKey(projectId) || !(await services.projects.get(projectId))) throw new AppwriteException('project_not_found')
  return projectId
}

/** Reads the `queries[]` of a request's query string: one string, a list, or none. */
export function queryList(value: unknown): string[] {
  if (value === undefined || value === '') return []
  return (Array.isArray(value) ? value : [value]).map(String)
}

/**
 * The console's state browser: every project seen with its counts, and per project its users (sessions,
 * identities, targets, MFA factors), teams with memberships, the config's databases, collections and documents
 * (filtered by 1.5 queries through the same compiler as the client API), buckets and files, and functions.
 * Reads only: changes go through the client API or the other control routes.
 */
export function registerConsoleStateRoutes(app: FastifyInstance, services: Services, store: Store, template: ProjectTemplate, clock: Clock, onRequest: ControlGuard): void {

  app.get('/_emulator/projects', { onRequest }, async (_req, reply) => {
    const ids = await store.projectIds()
    const projects = await Promise.all(
      ids.map(async (id) => ({
        $id: id,
        users: await store.users.count(id),
        teams: await store.teams.count(id),
        files: await store.files.count(id),
        messages: await store.messages.count(id),
        executions: await store.executions.count(id),
      })),
    )
    return sendJson(reply, { total: projects.length, projects })
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/users', { onRequest }, async (req, reply) => {
    const projectId = await projectOf(services, req)
    const users = await store.users.list(projectId)
    const now = clock.now()
    const detailed = await Promise.all(
      users.map(async (u) => {
        const where = { user_id: u.id }
        const [sessions, identities, targets, authenticators] = await Promise.all([
          store.sessions.list(projectId, where),
          store.identities.list(projectId, where),
          store.targets.list(projectId, where),
          store.authenticators.list(projectId, where),
        ])
        return {
          ...accountModel(u, targets),
          sessions: sessions.map((s) => ({ $id: s.id, $createdAt: s.createdAt, provider: s.provider, factors: s.factors, expire: s.expire, current: Date.parse(s.expire) >= now, clientName: s.clientName, osName: s.osName, ip: s.ip })),
          identities: identities.map(identityModel),
          factors: { totp: authenticators.some((a) => a.type === 'totp' && a.verified), email: u.emailVerification, phone: u.phoneVerification, recoveryCode: (u.mfaRecoveryCodes?.length ?? 0) > 0 },
        }
      }),
    )
    return sendJson(reply, { total: detailed.length, users: detailed })
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/teams', { onRequest }, async (req, reply) => {
    const projectId = await projectOf(services, req)
    const teams = await store.teams.list(projectId)
    const out = await Promise.all(
      teams.map(async (t) => {
        const memberships = await store.memberships.list(projectId, { team_id: t.id })
        const members = await Promise.all(
          memberships.map(async (m) => {
            const user = await store.users.get(projectId, m.userId)
            return membershipModel(m, { userName: user?.name ?? '', userEmail: user?.email ?? '', teamName: t.name })
          }),
        )
        return { ...teamModel(t), memberships: members }
      }),
    )
    return sendJson(reply, { total: out.length, teams: out })
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/databases', { onRequest }, async (req, reply) => {
    await projectOf(services, req)
    const databases = template.databases.map((d) => ({
      ...d,
      collections: template.collections
        .filter((c) => c.databaseId === d.$id)
        .map((c) => ({ $id: c.$id, name: c.name, enabled: c.enabled, documentSecurity: c.documentSecurity, $permissions: c.$permissions, attributes: c.attributes.map((a) => ({ key: a.key, type: a.type, required: a.required, array: a.array ?? false })) })),
    }))
    return sendJson(reply, { total: databases.length, databases })
  })

  app.get<{ Params: { projectId: string; databaseId: string; collectionId: string }; Querystring: Record<string, unknown> }>(
    '/_emulator/projects/:projectId/databases/:databaseId/collections/:collectionId/documents',
    { onRequest },
    async (req, reply) => {
      const projectId = await projectOf(services, req)
      const { databaseId, collectionId } = req.params
      const queries = queryList(req.query['queries[]'] ?? req.query.queries)
      const found = await services.databases.controlListDocuments(projectId, { databaseId, collectionId, queries })
      return sendJson(reply, found)
    },
  )

  app.get<ProjectParams>('/_emulator/projects/:projectId/buckets', { onRequest }, async (req, reply) => {
    const projectId = await projectOf(services, req)
    const buckets = await Promise.all(
      template.buckets.map(async (b) => ({ $id: b.$id, name: b.name, enabled: b.enabled, fileSecurity: b.fileSecurity, $permissions: b.$permissions, maximumFileSize: b.maximumFileSize, files: await store.files.count(projectId, { bucket_id: b.$id }) })),
    )
    return sendJson(reply, { total: buckets.length, buckets })
  })

  app.get<{ Params: { projectId: string; bucketId: string } }>('/_emulator/projects/:projectId/buckets/:bucketId/files', { onRequest }, async (req, reply) => {
    const projectId = await projectOf(services, req)
    if (!template.buckets.some((b) => b.$id === req.params.bucketId)) throw new AppwriteException('storage_bucket_not_found')
    const files = await store.files.list(projectId, { bucket_id: req.params.bucketId }, { newestFirst: true })
    return sendJson(reply, { total: files.length, files: files.map(fileModel) })
  })

  app.get<ProjectParams>('/_emulator/projects/:projectId/functions', { onRequest }, async (req, reply) => {
    await projectOf(services, req)
    const functions = template.functions.map((f) => ({ $id: f.$id, name: f.name, runtime: f.runtime, enabled: f.enabled, execute: f.execute, events: f.events, schedule: f.schedule, timeout: f.timeout }))
    return sendJson(reply, { total: functions.length, functions })
  })
}
