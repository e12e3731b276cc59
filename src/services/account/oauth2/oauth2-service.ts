import { newTargetRecord, newUserRecord } from '../new-user.js'
import { randomBytes } from 'node:crypto'
import { AppwriteException } from '../../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../../domain/dates.js'
import { uniqueId } from '../../../domain/ids.js'
import { tokenModel } from '../../../domain/models.js'
import { userRoles } from '../../../domain/permissions.js'
import type { EventBus } from '../../../events/bus.js'
import type { Caller, ClientInfo } from '../../../core/caller.js'
import { emailValidator, textValidator } from '../../../domain/params.js'
import { toJson } from '../../../core/json.js'
import { cookieDomain, encodeSession, fallbackKey } from '../../../core/session-transport.js'
import { UniqueViolation, type IdentityRecord, type OAuth2PendingRecord, type SessionRecord, type Store, type UserRecord } from '../../../store/types.js'
import type { Project, ProjectRegistry } from '../../projects/project-registry.js'
import type { SessionService } from '../session-service.js'
import { secrets, type TokenService } from '../token-service.js'
import { fakeProviderTokens, fakeProviderUid, providerName, type OAuth2Provider } from './providers.js'
import { withQuery } from './redirect-url.js'

/** Appwrite's default redirect paths (account.php `$oauthDefaultSuccess`, `$oauthDefaultFailure`). */
export const DEFAULT_SUCCESS_PATH = '/auth/oauth2/success'
export const DEFAULT_FAILURE_PATH = '/auth/oauth2/failure'

/** How long a sign-in page stays usable after the app sent the user to it. */
const PENDING_TTL_MS = 60 * 60 * 1000
/** At most this many sign-ins wait at once; the oldest go first. */
const PENDING_LIMIT = 10_000
/**
 * The store keeps pending sign-ins under one key space, not their projects: the page's state is the sign-in's
 * ID alone, and an abandoned sign-in expires on its own (no project ID holds a space).
 */
const PENDING_SPACE = ' oauth2'
const OAUTH2_TOKEN_LENGTH = 64

/** A sign-in the app started and the user has not finished: everything the sign-in page needs, kept server-side. */
export interface PendingSignIn extends OAuth2PendingRecord {
  provider: OAuth2Provider
}

export interface BeginInput {
  provider: OAuth2Provider
  /** '' for Appwrite's defaults. */
  success: string
  failure: string
  scopes: string[]
  token: boolean
  /** `<protocol>://<host>` the request came to, for the defaults and the sign-in page. */
  origin: string
}

/** Where the browser goes once the user answered the sign-in page, and the session cookie to set, if any. */
export interface SignInOutcome {
  location: string
  session?: { projectId: string; userId: string; secret: string; expire: string }
}

/** The sign-in form was filled in wrongly; the page is shown again with this message. */
export class SignInInputError extends Error {}

/** An error Appwrite reports by redirecting to `failure` (its `$failureRedirect`); anything else renders an error page. */
class FailureRedirect extends Error {
  constructor(readonly exception: AppwriteException) {
    super(exception.message)
  }
}

interface Dependencies {
  store: Store
  clock: Clock
  bus: EventBus
  projects: ProjectRegistry
  sessions: SessionService
  tokens: TokenService
}

/**
 * OAuth2 without a provider: the two OAuth2 routes send the browser to the emulator's own sign-in page, which
 * stands in for the provider; answering it signs in (or creates) the user for that email, as Appwrite's
 * `/v1/account/sessions/oauth2/:provider/redirect` does after a real provider calls back (BEHAVIORS §12).
 */
export class OAuth2Service {
  constructor(private readonly deps: Dependencies) {}

  /** Remembers a new sign-in and returns the URL of its sign-in page. `success`/`failure` are already validated. */
  async begin(caller: Caller, input: BeginInput): Promise<string> {
    const now = this.deps.clock.now()
    const id = randomBytes(32).toString('hex')
    const { store } = this.deps
    // Kept in the store (not this process's memory), so any process sharing it may serve the sign-in page.
    await store.transaction(async () => {
      await this.prune(now)
      await store.oauth2Pending.insert(PENDING_SPACE, {
        id,
        projectId: caller.project.id,
        provider: input.provider,
        success: input.success || `${input.origin}${DEFAULT_SUCCESS_PATH}`,
        failure: input.failure || `${input.origin}${DEFAULT_FAILURE_PATH}`,
        scopes: input.scopes,
        token: input.token,
        userId: caller.user?.id ?? null,
        sessionId: caller.session?.id ?? null,
        expiresAt: now + PENDING_TTL_MS,
      })
    })
    return `${input.origin}/_emulator/oauth2/${input.provider}/authorize?state=${id}`
  }

  /** The pending sign-in for a page, or null when it is unknown, used or expired. */
  async find(id: unknown): Promise<PendingSignIn | null> {
    if (typeof id !== 'string' || !/^[0-9a-f]{64}$/.test(id)) return null
    const found = await this.deps.store.oauth2Pending.get(PENDING_SPACE, id)
    if (!found || found.expiresAt < this.deps.clock.now()) return null
    return { ...found, provider: found.provider as OAuth2Provider }
  }

  /** Forgets a pending sign-in (used, cancelled). */
  private async forget(signIn: PendingSignIn): Promise<void> {
    await this.deps.store.transaction(() => this.deps.store.oauth2Pending.delete(PENDING_SPACE, signIn.id))
  }

  /** Who the identity will be linked to, for the page: the signed-in user's email, or null. */
  async linkedUserLabel(signIn: PendingSignIn): Promise<string | null> {
    const user = await this.linkedUser(signIn)
    if (!user) return null
    return user.email || user.name || 'an anonymous account'
  }

  /** The user pressed Cancel: as a provider reporting `access_denied`, the browser goes to `failure`. */
  async cancel(signIn: PendingSignIn): Promise<SignInOutcome> {
    await this.forget(signIn)
    const message = `The ${providerName(signIn.provider)} OAuth2 provider returned an error: access_denied: The user cancelled the sign-in.`
    return { location: failureLocation(signIn, new AppwriteException('user_oauth2_provider_error', message)) }
  }

  /**
   * The user submitted the sign-in page. Finds or creates the user in Appwrite's order, creates or refreshes the
   * identity, and ends in `success` with a session (cookies) or a token (`userId` and `secret` in the query).
   * Conflicts Appwrite reports on its error page are thrown; the rest go to `failure` with `?error=`.
   */
  async complete(signIn: PendingSignIn, form: { email: unknown; name: unknown }, client: ClientInfo): Promise<SignInOutcome> {
    const { email, name } = readForm(form)
    await this.forget(signIn)
    const project = await this.deps.projects.get(signIn.projectId)
    if (!project) throw new AppwriteException('project_not_found')
    try {
      return await this.signIn(project, signIn, { email, name }, client)
    } catch (error) {
      if (error instanceof FailureRedirect) return { location: failureLocation(signIn, error.exception) }
      throw error
    }
  }

  private async signIn(project: Project, signIn: PendingSignIn, profile: { email: string; name: string }, client: ClientInfo): Promise<SignInOutcome> {
    const { store, clock, sessions, tokens } = this.deps
    const { provider } = signIn
    const { email, name } = profile
    const providerUid = fakeProviderUid(provider, email)
    const now = clock.now()
    const providerTokens = fakeProviderTokens(provider, providerUid, now)
    const linked = await this.linkedUser(signIn)
    const caller: Caller = { project, user: linked, session: null, authenticatedBy: null, roles: userRoles(linked), client, timestampHeader: null }

    const result = await store.transaction(async () => {
      let user = linked
      if (user) {
        // The identity may not belong to, or share its email with, somebody else.
        const identities = await store.identities.list(project.id, { provider_email: email })
        if (identities.some((i) => i.userId !== user!.id)) throw new AppwriteException('user_already_exists')
        const owner = await store.users.findOne(project.id, { email })
        if (owner && owner.id !== user.id) throw new AppwriteException('user_already_exists')
        // Appwrite ends the session the browser came with; the new one replaces it.
        if (signIn.sessionId) await store.sessions.delete(project.id, signIn.sessionId)
      }
      // deviation: Appwrite looks for a session with this provider and provider UID first. Sessions are not indexed
      // by provider here; the identity, made together with every such session, stands in for it.
      if (!user) user = await this.ownerOfIdentity(project, provider, providerUid)
      if (!user) user = await store.users.findOne(project.id, { email })
      if (!user) user = await this.createUser(project, email, name, now)
      if (!user.status) throw new FailureRedirect(new AppwriteException('user_blocked'))

      await this.saveIdentity(project, user, { provider, providerUid, email, ...providerTokens }, now)
      const updated: UserRecord = { ...user, email: user.email || email, name: user.name || name, status: true, updatedAt: formatDate(now) }
      try {
        await store.users.update(project.id, updated)
      } catch (error) {
        if (error instanceof UniqueViolation) throw new AppwriteException('user_already_exists')
        throw error
      }
      caller.user = updated
      caller.roles = userRoles(updated)

      if (signIn.token) {
        const secret = secrets.hex(OAUTH2_TOKEN_LENGTH)
        const token = await tokens.create(project.id, { userId: updated.id, type: 'oauth2', secret, lifetimeMs: project.settings.security.duration * 1000 })
        // Appwrite sets `secret`, then `userId`.
        return { location: withQuery(signIn.success, { secret, userId: updated.id }), token, issued: null }
      }
      const issued = await sessions.create(caller, updated, { provider, providerUid, factors: ['email', 'oauth2'], ...providerTokens })
      const value = encodeSession(updated.id, issued.secret)
      // Appwrite's undocumented extra for its default success page, which mobile SDKs read to set the cookie.
      const extra = urlPath(signIn.success) === DEFAULT_SUCCESS_PATH ? defaultSuccessParams(project.id, client.hostname, value) : {}
      return { location: withQuery(signIn.success, extra), token: null, issued }
    })

    if (result.issued) {
      await sessions.announceCreated(caller, result.issued)
      const { session, secret } = result.issued
      return { location: result.location, session: { projectId: project.id, userId: session.userId, secret, expire: session.expire } }
    }
    const token = result.token!
    await this.deps.bus.publish({
      projectId: project.id,
      pattern: 'users.[userId].tokens.[tokenId].create',
      params: { userId: token.userId, tokenId: token.id },
      payload: tokenModel(token),
      caller,
      audit: { event: 'session.create', userId: token.userId },
    })
    return { location: result.location }
  }

  /** The signed-in user the flow began with, if they and their session still exist. */
  private async linkedUser(signIn: PendingSignIn): Promise<UserRecord | null> {
    if (!signIn.userId) return null
    const { store, clock } = this.deps
    if (signIn.sessionId) {
      const session: SessionRecord | null = await store.sessions.get(signIn.projectId, signIn.sessionId)
      if (!session || session.userId !== signIn.userId || Date.parse(session.expire) < clock.now()) return null
    }
    return store.users.get(signIn.projectId, signIn.userId)
  }

  private async ownerOfIdentity(project: Project, provider: string, providerUid: string): Promise<UserRecord | null> {
    const identity = await this.deps.store.identities.findOne(project.id, { provider, provider_uid: providerUid })
    return identity ? this.deps.store.users.get(project.id, identity.userId) : null
  }

  /** A user for an email nobody has: verified (the provider vouched for it), no password, with an email target. */
  private async createUser(project: Project, email: string, name: string, now: number): Promise<UserRecord> {
    const { store } = this.deps
    const limit = project.settings.security.limit
    if (limit > 0 && (await store.users.count(project.id)) >= limit) throw new FailureRedirect(new AppwriteException('user_count_exceeded'))
    if (await store.identities.findOne(project.id, { provider_email: email })) throw new AppwriteException('user_email_already_exists')
    const at = formatDate(now)
    const user = newUserRecord(uniqueId(), at, { name, email, emailVerification: true })
    try {
      await store.users.insert(project.id, user)
      await store.targets.insert(project.id, newTargetRecord(user.id, 'email', email, at))
    } catch (error) {
      if (error instanceof UniqueViolation) throw new FailureRedirect(new AppwriteException('user_already_exists'))
      throw error
    }
    return user
  }

  /** Creates the user's identity for this provider account, or refreshes its tokens. */
  private async saveIdentity(
    project: Project,
    user: UserRecord,
    input: { provider: string; providerUid: string; email: string; providerAccessToken: string; providerRefreshToken: string; providerAccessTokenExpiry: string },
    now: number,
  ): Promise<void> {
    const { store } = this.deps
    const { email, ...fields } = input
    const at = formatDate(now)
    const existing = await store.identities.findOne(project.id, { user_id: user.id, provider: input.provider, provider_uid: input.providerUid })
    if (existing) {
      await store.identities.update(project.id, { ...existing, ...fields, updatedAt: at })
      return
    }
    const clash = (await store.identities.list(project.id, { provider_email: email })).some((i) => i.userId !== user.id)
    if (clash) throw new AppwriteException('user_email_already_exists')
    const identity: IdentityRecord = { id: uniqueId(), createdAt: at, updatedAt: at, userId: user.id, providerEmail: email, ...fields }
    try {
      await store.identities.insert(project.id, identity)
    } catch (error) {
      if (error instanceof UniqueViolation) throw new AppwriteException('user_already_exists')
      throw error
    }
  }

  /** Drops expired sign-ins and, past the limit, the oldest (inside begin's transaction). */
  private async prune(now: number): Promise<void> {
    const table = this.deps.store.oauth2Pending
    const waiting = await table.list(PENDING_SPACE)
    let left = waiting.length
    for (const signIn of waiting) {
      if (signIn.expiresAt >= now && left < PENDING_LIMIT) continue
      await table.delete(PENDING_SPACE, signIn.id)
      left--
    }
  }
}

const nameValidator = textValidator(128, 0)

/** The email (required, lower-cased as providers report it) and name (optional, up to 128 chars) from the form. */
function readForm(form: { email: unknown; name: unknown }): { email: string; name: string } {
  const email = typeof form.email === 'string' ? form.email.trim() : ''
  if (!email) throw new SignInInputError('Enter the email address to sign in with.')
  if (!emailValidator.parse(email).ok) throw new SignInInputError(`“${email}” is not a valid email address.`)
  const name = typeof form.name === 'string' ? form.name.trim() : ''
  if (!nameValidator.parse(name).ok) throw new SignInInputError('The name can be at most 128 characters long.')
  return { email: email.toLowerCase(), name }
}

/** `failure` with `?error={"message","type","code"}`, as Appwrite's `$failureRedirect` builds it. */
function failureLocation(signIn: PendingSignIn, exception: AppwriteException): string {
  return withQuery(signIn.failure, { error: toJson({ message: exception.message, type: exception.type, code: exception.code }) })
}

/** `project`, `domain` (left out for localhost and IPs, as PHP drops nulls), `key` and `secret` (the encoded session). */
function defaultSuccessParams(projectId: string, hostname: string, session: string): Record<string, string> {
  const domain = cookieDomain(hostname)
  return { project: projectId, ...(domain ? { domain } : {}), key: fallbackKey(projectId), secret: session }
}

/** The path of an absolute URL, without query or fragment. */
function urlPath(url: string): string {
  const afterScheme = url.replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/, '')
  return afterScheme.split(/[?#]/, 1)[0] ?? ''
}
