import { createHash } from 'node:crypto'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { hexSecret, uniqueId } from '../../domain/ids.js'
import { sessionModel, type CountryName } from '../../domain/models.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import { detectDevice } from '../../core/device.js'
import { assertNotStale } from '../../core/request-timestamp.js'
import type { Project } from '../projects/project-registry.js'
import type { SessionRecord, Store, UserRecord } from '../../store/types.js'
import type { JwtIssuer } from './jwt.js'
import { refreshProviderTokens } from './oauth2/refresh.js'

const DAY_MS = 86_400_000

/** sha256 of a secret, the only form secrets are kept in. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex')
}

export interface NewSession {
  provider: string
  providerUid: string
  factors: string[]
  providerAccessToken?: string
  providerAccessTokenExpiry?: string
  providerRefreshToken?: string
}

/** A created session and the secret that goes into its cookie (never stored). */
export interface IssuedSession {
  session: SessionRecord
  secret: string
  model: ReturnType<typeof sessionModel>
}

/** Sessions: creating them for every sign-in flow, resolving them on each request, listing and ending them. */
export class SessionService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly jwt: JwtIssuer,
    private readonly countryName: CountryName,
  ) {}

  /** The user and session a session string names, if the secret matches an unexpired session. */
  async resolve(project: Project, userId: string, secret: string): Promise<{ user: UserRecord; session: SessionRecord } | null> {
    const session = await this.store.sessions.findOne(project.id, { user_id: userId, secret_hash: hashSecret(secret) })
    if (!session || Date.parse(session.expire) < this.clock.now()) return null
    const user = await this.store.users.get(project.id, userId)
    if (!user) return null
    return { user: await this.touch(project, user), session }
  }

  /** The user of a JWT, or null (a guest) when its session no longer exists. */
  async resolveJwt(project: Project, token: string): Promise<{ user: UserRecord; session: SessionRecord } | null> {
    const claims = await this.jwt.verify(token)
    const session = await this.store.sessions.get(project.id, claims.sessionId)
    if (!session || session.userId !== claims.userId || Date.parse(session.expire) < this.clock.now()) return null
    const user = await this.store.users.get(project.id, claims.userId)
    return user ? { user, session } : null
  }

  /** Creates a session for `user` inside the caller's transaction, then prunes sessions beyond the limit. */
  async create(caller: Caller, user: UserRecord, input: NewSession): Promise<IssuedSession> {
    const project = caller.project
    const now = this.clock.now()
    const secret = hexSecret(256)
    const session: SessionRecord = {
      id: uniqueId(),
      userId: user.id,
      createdAt: formatDate(now),
      updatedAt: formatDate(now),
      expire: formatDate(now + project.settings.security.duration * 1000),
      provider: input.provider,
      providerUid: input.providerUid,
      providerAccessToken: input.providerAccessToken ?? '',
      providerAccessTokenExpiry: input.providerAccessTokenExpiry ?? '',
      providerRefreshToken: input.providerRefreshToken ?? '',
      secretHash: hashSecret(secret),
      ip: caller.client.ip,
      countryCode: '--',
      factors: input.factors,
      mfaUpdatedAt: '',
      ...(await detectDevice(caller.client.userAgent)),
    }
    await this.store.sessions.insert(project.id, session)
    await this.prune(project, user.id)
    return { session, secret, model: sessionModel(session, session.id, this.countryName) }
  }

  /** Publishes a session's creation; call after the transaction that made it commits. */
  announceCreated(caller: Caller, issued: IssuedSession): Promise<void> {
    return this.publish(caller, issued.session, 'create', issued.model)
  }

  async list(caller: Caller): Promise<{ total: number; sessions: ReturnType<typeof sessionModel>[] }> {
    const user = requireUser(caller)
    const sessions = await this.store.sessions.list(caller.project.id, { user_id: user.id })
    const live = sessions.filter((s) => Date.parse(s.expire) >= this.clock.now())
    return { total: live.length, sessions: live.map((s) => sessionModel(s, caller.session?.id ?? null, this.countryName)) }
  }

  async get(caller: Caller, sessionId: string) {
    const session = await this.find(caller, sessionId)
    return sessionModel(session, caller.session?.id ?? null, this.countryName)
  }

  /** Extends a session by the project's session duration. */
  async update(caller: Caller, sessionId: string) {
    const session = await this.find(caller, sessionId)
    const now = this.clock.now()
    const updated: SessionRecord = { ...session, expire: formatDate(now + caller.project.settings.security.duration * 1000), updatedAt: formatDate(now) }
    await this.store.transaction(async () => {
      // OAuth2 sessions also get fresh provider tokens, on the session and its identity.
      Object.assign(updated, await refreshProviderTokens(this.store, caller.project.id, session, now))
      await this.store.sessions.update(caller.project.id, updated)
    })
    const model = sessionModel(updated, caller.session?.id ?? null, this.countryName)
    await this.publish(caller, updated, 'update', model)
    return model
  }

  /** Deletes one session; says whether it was the caller's own, so the route can clear its cookies. */
  async delete(caller: Caller, sessionId: string): Promise<{ wasCurrent: boolean }> {
    const session = await this.find(caller, sessionId)
    assertNotStale(caller, session.updatedAt)
    await this.store.transaction(() => this.store.sessions.delete(caller.project.id, session.id))
    await this.publish(caller, session, 'delete', sessionModel(session, caller.session?.id ?? null, this.countryName))
    return { wasCurrent: session.id === caller.session?.id }
  }

  async deleteAll(caller: Caller): Promise<void> {
    const user = requireUser(caller)
    const sessions = await this.store.sessions.list(caller.project.id, { user_id: user.id })
    await this.store.transaction(() => this.store.sessions.deleteWhere(caller.project.id, { user_id: user.id }))
    for (const s of sessions) await this.publish(caller, s, 'delete', sessionModel(s, caller.session?.id ?? null, this.countryName))
  }

  /** A JWT for the caller's session; JWT callers have no session of their own and get 404. */
  async createJwt(caller: Caller): Promise<{ jwt: string }> {
    if (!caller.user || !caller.session || caller.authenticatedBy !== 'session') throw new AppwriteException('user_session_not_found')
    return { jwt: await this.jwt.sign(caller.user.id, caller.session.id) }
  }

  private async find(caller: Caller, sessionId: string): Promise<SessionRecord> {
    const user = requireUser(caller)
    const id = sessionId === 'current' ? (caller.authenticatedBy === 'session' ? caller.session?.id : undefined) : sessionId
    const session = id ? await this.store.sessions.get(caller.project.id, id) : null
    if (!session || session.userId !== user.id) throw new AppwriteException('user_session_not_found')
    return session
  }

  private async prune(project: Project, userId: string): Promise<void> {
    const limit = project.settings.security.sessionsLimit
    const sessions = await this.store.sessions.list(project.id, { user_id: userId }, { newestFirst: true })
    for (const stale of sessions.slice(limit)) await this.store.sessions.delete(project.id, stale.id)
  }

  /** Records access at most once a day, as Appwrite does. */
  private async touch(project: Project, user: UserRecord): Promise<UserRecord> {
    const now = this.clock.now()
    if (now - Date.parse(user.accessedAt) < DAY_MS) return user
    const accessedAt = formatDate(now)
    return this.store.transaction(async () => {
      const fresh = await this.store.users.get(project.id, user.id)
      if (!fresh) return user
      const touched = { ...fresh, accessedAt }
      await this.store.users.update(project.id, touched)
      return touched
    })
  }

  private publish(caller: Caller, session: SessionRecord, action: 'create' | 'update' | 'delete', model: object): Promise<void> {
    return this.bus.publish({
      projectId: caller.project.id,
      pattern: `users.[userId].sessions.[sessionId].${action}`,
      params: { userId: session.userId, sessionId: session.id },
      payload: model as Record<string, unknown>,
      caller,
      audit: { event: `session.${action}`, userId: session.userId },
    })
  }
}

/** The signed-in user, or 401 for a guest (routes with scope `account` never reach here as guests). */
export function requireUser(caller: Caller): UserRecord {
  if (!caller.user) throw new AppwriteException('user_unauthorized')
  return caller.user
}
