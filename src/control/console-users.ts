import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { clientInfo } from '../http/client-info.js'
import { sendJson } from '../http/respond.js'
import { resolveCaller } from '../core/resolve-caller.js'
import { encodeSession } from '../core/session-transport.js'
import { formatDate, type Clock } from '../domain/dates.js'
import { accountModel, sessionModel } from '../domain/models.js'
import { publishUserEvent } from '../services/account/user-events.js'
import type { Services } from '../services/index.js'
import type { SessionRecord, Store } from '../store/types.js'
import type { Caller } from '../core/caller.js'
import type { ControlGuard } from './guard.js'

/** The `users.[userId].sessions.[sessionId].delete` events of sessions the console ended (realtime drops them). */
async function announceEnded(services: Services, caller: Caller, sessions: SessionRecord[]): Promise<void> {
  for (const session of sessions) {
    await services.bus.publish({ projectId: caller.project.id, pattern: 'users.[userId].sessions.[sessionId].delete', params: { userId: session.userId, sessionId: session.id }, payload: sessionModel(session, null, services.countryName), caller })
  }
}

type UserParams = { Params: { projectId: string; userId: string } }

/** The project (created on first use) and the user a console request names, as a guest caller of that project. */
async function target(services: Services, store: Store, req: FastifyRequest<UserParams>) {
  const { caller } = await resolveCaller({ headers: { 'x-appwrite-project': req.params.projectId }, client: clientInfo(req), input: {} }, services)
  const user = await store.users.get(caller.project.id, req.params.userId)
  if (!user) throw new AppwriteException('user_not_found')
  return { caller, user }
}

/**
 * What the console does to a user as an administrator would (Appwrite's server `users` API, which the client API
 * lacks): mint a session to run the explorer as them, block or unblock them, end their sessions, delete them.
 */
export function registerConsoleUserRoutes(app: FastifyInstance, services: Services, store: Store, clock: Clock, onRequest: ControlGuard): void {
  // A session as the server SDK's `users.createSession` makes one (provider `server`). Its secret goes back once,
  // in the session string the client API reads from `X-Appwrite-Session`.
  app.post<UserParams>('/_emulator/projects/:projectId/users/:userId/sessions', { onRequest }, async (req, reply) => {
    const { caller, user } = await target(services, store, req)
    const issued = await store.transaction(() => services.sessions.create(caller, user, { provider: 'server', providerUid: '', factors: ['server'] }))
    await services.sessions.announceCreated(caller, issued)
    reply.code(201)
    return sendJson(reply, { session: issued.model, userId: user.id, value: encodeSession(user.id, issued.secret) })
  })

  // Blocks or unblocks, as `users.updateStatus`: the sessions stay, and every request with them is `user_blocked`
  // while the user is blocked.
  app.patch<UserParams & { Body: { status?: unknown } }>('/_emulator/projects/:projectId/users/:userId/status', { onRequest }, async (req, reply) => {
    const status = (req.body as { status?: unknown } | undefined)?.status
    if (typeof status !== 'boolean') throw new AppwriteException('general_argument_invalid', 'Invalid `status` param: Value must be a valid boolean')
    const { caller, user } = await target(services, store, req)
    const changed = { ...user, status, updatedAt: formatDate(clock.now()) }
    await store.transaction(() => store.users.update(caller.project.id, changed))
    const model = accountModel(changed, await store.targets.list(caller.project.id, { user_id: user.id }))
    await publishUserEvent(services.bus, caller, user.id, 'update.status', model, 'user.update')
    return sendJson(reply, model)
  })

  // Deletes the user, as `users.delete` with the deletes worker's clean-up done before the answer: sessions, tokens,
  // identities, MFA challenges and authenticators go; memberships go with their teams' counts (confirmed ones);
  // targets go, and with them their topic subscriptions (the messaging service follows the target events).
  app.delete<UserParams>('/_emulator/projects/:projectId/users/:userId', { onRequest }, async (req, reply) => {
    const { caller, user } = await target(services, store, req)
    const project = caller.project.id
    const byUser = { user_id: user.id }
    const model = accountModel(user, await store.targets.list(project, byUser))
    const gone = await store.transaction(async () => {
      const sessions = await store.sessions.list(project, byUser)
      const targets = await store.targets.list(project, byUser)
      const memberships = await store.memberships.list(project, byUser)
      for (const membership of memberships) {
        await store.memberships.delete(project, membership.id)
        const team = membership.confirm ? await store.teams.get(project, membership.teamId) : null
        if (team) await store.teams.update(project, { ...team, total: Math.max(0, team.total - 1), updatedAt: formatDate(clock.now()) })
      }
      for (const table of [store.sessions, store.tokens, store.identities, store.targets, store.challenges, store.authenticators]) await table.deleteWhere(project, byUser)
      await store.users.delete(project, user.id)
      return { sessions, targets }
    })
    await announceEnded(services, caller, gone.sessions)
    for (const t of gone.targets) {
      await services.bus.publish({ projectId: project, pattern: 'users.[userId].targets.[targetId].delete', params: { userId: user.id, targetId: t.id }, payload: {}, caller })
    }
    await services.bus.publish({ projectId: project, pattern: 'users.[userId].delete', params: { userId: user.id }, payload: model, caller })
    return reply.code(204).send()
  })

  // Signs the user out everywhere, as `users.deleteSessions`.
  app.delete<UserParams>('/_emulator/projects/:projectId/users/:userId/sessions', { onRequest }, async (req, reply) => {
    const { caller, user } = await target(services, store, req)
    const sessions = await store.sessions.list(caller.project.id, { user_id: user.id })
    await store.transaction(() => store.sessions.deleteWhere(caller.project.id, { user_id: user.id }))
    await announceEnded(services, caller, sessions)
    return reply.code(204).send()
  })
}
