import { publishUserEvent } from '../user-events.js'
import { AppwriteException } from '../../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../../domain/dates.js'
import { uniqueId } from '../../../domain/ids.js'
import { accountModel } from '../../../domain/models.js'
import type { EventBus } from '../../../events/bus.js'
import type { Caller } from '../../../core/caller.js'
import { assertNotStale } from '../../../core/request-timestamp.js'
import type { AuthenticatorRecord, SessionRecord, Store, UserRecord } from '../../../store/types.js'
import { requireUser } from '../session-service.js'
import { newRecoveryCodes, newTotpSecret, provisioningUri, verifyTotp } from './totp.js'

/** Authenticator types a user can add (`AuthenticatorType` in the SDK). */
export const AUTHENTICATOR_TYPES = ['totp'] as const
export type AuthenticatorType = (typeof AUTHENTICATOR_TYPES)[number]

/** The factors a challenge can ask for (`AuthenticationFactor`; the SDK sends `recoverycode`). */
export const CHALLENGE_FACTORS = ['email', 'phone', 'totp', 'recoveryCode'] as const
export type ChallengeFactor = (typeof CHALLENGE_FACTORS)[number]

/**
 * MFA of the signed-in user (BEHAVIORS §11): the `mfa` switch, TOTP authenticators, recovery codes, the factor
 * list, and how many factors a session needs. Challenges live in `challenge-service.ts`.
 */
export class MfaService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

  /**
   * The fewest factors a session of this caller needs: 2 once MFA is on and the user has a verified email, a
   * verified phone or a verified TOTP authenticator; 1 otherwise (shared/api.php). Appwrite looks at the
   * verification flags only, not at whether the email or phone is still set.
   */
  async minimumFactors(caller: Caller): Promise<number> {
    const user = caller.user
    if (!user?.mfa) return 1
    if (user.emailVerification || user.phoneVerification) return 2
    return (await this.authenticatorOf(caller.project.id, user.id))?.verified ? 2 : 1
  }

  /** The user's authenticator of a type, verified or not; Appwrite keeps at most one per type. */
  authenticatorOf(projectId: string, userId: string, type: AuthenticatorType = 'totp'): Promise<AuthenticatorRecord | null> {
    return this.store.authenticators.findOne(projectId, { user_id: userId, type })
  }

  /**
   * `PATCH /account/mfa`. Turning MFA on also credits the current session with every second factor the user
   * already proved: a verified TOTP authenticator, a verified email, a verified phone (each once). Honours
   * `X-Appwrite-Timestamp`, as Appwrite's route injects `requestTimestamp`.
   */
  async updateMfa(caller: Caller, mfa: boolean) {
    const session = requireSession(caller)
    const { model } = await this.changeUser(caller, 'update.mfa', async (user) => {
      assertNotStale(caller, user.updatedAt)
      if (mfa) {
        const proved: string[] = []
        if ((await this.authenticatorOf(caller.project.id, user.id))?.verified) proved.push('totp')
        if (user.email && user.emailVerification) proved.push('email')
        if (user.phone && user.phoneVerification) proved.push('phone')
        await this.changeSession(caller, session, (factors) => [...new Set([...factors, ...proved])])
      }
      return { ...user, mfa }
    })
    return model
  }

  /**
   * `POST /account/mfa/authenticators/{type}`: a new TOTP secret and its `otpauth://` URI (issuer = project name,
   * label = the user's email). An unverified authenticator is replaced; a verified one must be deleted first.
   */
  async createAuthenticator(caller: Caller, type: AuthenticatorType): Promise<{ secret: string; uri: string }> {
    const user = requireUser(caller)
    const project = caller.project.id
    const secret = newTotpSecret()
    const now = formatDate(this.clock.now())
    await this.store.transaction(async () => {
      const existing = await this.authenticatorOf(project, user.id, type)
      if (existing?.verified) throw new AppwriteException('user_authenticator_already_verified')
      if (existing) await this.store.authenticators.delete(project, existing.id)
      await this.store.authenticators.insert(project, { id: uniqueId(), userId: user.id, createdAt: now, updatedAt: now, type, verified: false, secret })
    })
    // deviation: a user without an email (anonymous) gets an empty label; otphp refuses a null label, so Appwrite answers 500.
    const body = { secret, uri: provisioningUri(secret, caller.project.name, user.email ?? '') }
    await this.publish(caller, user, 'update.mfa', accountModel(user, await this.targetsOf(caller, user.id)))
    return body
  }

  /**
   * `PUT /account/mfa/authenticators/{type}`: the first correct code verifies the authenticator and counts as a
   * factor of the current session. Answers the (unchanged) account.
   */
  async verifyAuthenticator(caller: Caller, type: AuthenticatorType, otp: string) {
    const user = requireUser(caller)
    const session = requireSession(caller)
    const project = caller.project.id
    await this.store.transaction(async () => {
      const authenticator = await this.authenticatorOf(project, user.id, type)
      if (!authenticator) throw new AppwriteException('user_authenticator_not_found')
      if (authenticator.verified) throw new AppwriteException('user_authenticator_already_verified')
      if (!verifyTotp(authenticator.secret, otp, this.clock.now())) throw new AppwriteException('user_invalid_token')
      await this.store.authenticators.update(project, { ...authenticator, verified: true, updatedAt: formatDate(this.clock.now()) })
      await this.changeSession(caller, session, (factors) => [...new Set([...factors, type])])
    })
    const model = accountModel(user, await this.targetsOf(caller, user.id))
    await this.publish(caller, user, 'update.mfa', model)
    return model
  }

  /**
   * `DELETE /account/mfa/authenticators/{type}`: needs the current TOTP code or an unused recovery code, which is
   * then used up. MFA itself stays on and the sessions keep their factors, as in Appwrite.
   */
  async deleteAuthenticator(caller: Caller, type: AuthenticatorType, otp: string): Promise<void> {
    const current = requireUser(caller)
    const project = caller.project.id
    const user = await this.store.transaction(async () => {
      const authenticator = await this.authenticatorOf(project, current.id, type)
      if (!authenticator) throw new AppwriteException('user_authenticator_not_found')
      let user = (await this.store.users.get(project, current.id)) ?? current
      if (!verifyTotp(authenticator.secret, otp, this.clock.now())) {
        const codes = user.mfaRecoveryCodes ?? []
        if (!codes.includes(otp)) throw new AppwriteException('user_invalid_token')
        user = { ...user, mfaRecoveryCodes: codes.filter((c) => c !== otp), updatedAt: formatDate(this.clock.now()) }
        await this.store.users.update(project, user)
      }
      await this.store.authenticators.delete(project, authenticator.id)
      return user
    })
    caller.user = user
    await this.publish(caller, user, 'delete.mfa', accountModel(user, await this.targetsOf(caller, user.id)))
  }

  /** `GET /account/mfa/factors`: which second factors the user can be challenged with. */
  async listFactors(caller: Caller): Promise<{ totp: boolean; phone: boolean; email: boolean; recoveryCode: boolean }> {
    const user = requireUser(caller)
    const authenticator = await this.authenticatorOf(caller.project.id, user.id)
    return {
      totp: authenticator?.verified ?? false,
      phone: Boolean(user.phone && user.phoneVerification),
      email: Boolean(user.email && user.emailVerification),
      recoveryCode: (user.mfaRecoveryCodes ?? []).length > 0,
    }
  }

  /** `POST /account/mfa/recovery-codes`: six new codes, once; 409 while unused ones remain. */
  async createRecoveryCodes(caller: Caller): Promise<{ recoveryCodes: string[] }> {
    const { user } = await this.changeUser(caller, 'update.mfa', async (user) => {
      if ((user.mfaRecoveryCodes ?? []).length > 0) throw new AppwriteException('user_recovery_codes_already_exists')
      return { ...user, mfaRecoveryCodes: newRecoveryCodes() }
    })
    return { recoveryCodes: user.mfaRecoveryCodes ?? [] }
  }

  /** `GET /account/mfa/recovery-codes` (after a recent challenge): the unused codes. */
  async getRecoveryCodes(caller: Caller): Promise<{ recoveryCodes: string[] }> {
    const user = requireUser(caller)
    const fresh = (await this.store.users.get(caller.project.id, user.id)) ?? user
    const codes = fresh.mfaRecoveryCodes ?? []
    if (codes.length === 0) throw new AppwriteException('user_recovery_codes_not_found')
    return { recoveryCodes: codes }
  }

  /** `PATCH /account/mfa/recovery-codes` (after a recent challenge): six new codes replace the old ones. */
  async updateRecoveryCodes(caller: Caller): Promise<{ recoveryCodes: string[] }> {
    const { user } = await this.changeUser(caller, 'update.mfa', async (user) => {
      if ((user.mfaRecoveryCodes ?? []).length === 0) throw new AppwriteException('user_recovery_codes_not_found')
      return { ...user, mfaRecoveryCodes: newRecoveryCodes() }
    })
    return { recoveryCodes: user.mfaRecoveryCodes ?? [] }
  }

  /** Sets a session's factors inside the caller's transaction, reading the session fresh. */
  async changeSession(caller: Caller, session: SessionRecord, change: (factors: string[]) => string[], extra: Partial<SessionRecord> = {}): Promise<SessionRecord> {
    const project = caller.project.id
    const fresh = (await this.store.sessions.get(project, session.id)) ?? session
    const updated: SessionRecord = { ...fresh, ...extra, factors: change(fresh.factors), updatedAt: formatDate(this.clock.now()) }
    await this.store.sessions.update(project, updated)
    caller.session = updated
    return updated
  }

  /** Reads the caller fresh, applies `change` in one transaction, and publishes `users.<id>.<action>` with the account. */
  private async changeUser(caller: Caller, action: string, change: (user: UserRecord) => Promise<UserRecord>) {
    const project = caller.project.id
    const current = requireUser(caller)
    const user = await this.store.transaction(async () => {
      const fresh = (await this.store.users.get(project, current.id)) ?? current
      const changed = { ...(await change(fresh)), updatedAt: formatDate(this.clock.now()) }
      await this.store.users.update(project, changed)
      return changed
    })
    caller.user = user
    const model = accountModel(user, await this.targetsOf(caller, user.id))
    await this.publish(caller, user, action, model)
    return { user, model }
  }

  private targetsOf(caller: Caller, userId: string) {
    return this.store.targets.list(caller.project.id, { user_id: userId })
  }

  /**
   * MFA changes are announced as `users.<id>.update.mfa` (or `delete.mfa`), audited as `user.update`.
   * deviation: Appwrite's event payload is the route's response, i.e. the TOTP secret or the recovery codes for
   * some of these routes; the emulator always sends the account, so no second-factor secret reaches event listeners.
   */
  private publish(caller: Caller, user: UserRecord, action: string, model: object): Promise<void> {
    return publishUserEvent(this.bus, caller, user.id, action, model, 'user.update')
  }
}

/**
 * The session the request came with. Routes that change it inject Appwrite's `session` resource as a
 * non-nullable `Document`; a JWT caller has none, so Appwrite's action cannot even start and answers 500.
 */
function requireSession(caller: Caller): SessionRecord {
  if (!caller.session) throw new AppwriteException('general_unknown')
  return caller.session
}
