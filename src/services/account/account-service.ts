import { renderOnce } from '../../core/json.js'
import { assertPrefsFit } from '../../domain/prefs.js'
import { AppwriteException, invalidParam } from '../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { resolveCustomId, uniqueId } from '../../domain/ids.js'
import { accountModel, identityModel, logModel, type CountryName } from '../../domain/models.js'
import type { Query } from '../../domain/query/parse.js'
import { runListQueries } from '../../domain/query/list-query.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import { newPasswordValidator } from '../../domain/params.js'
import { pageOf } from '../../domain/query/queries-param.js'
import { assertNotStale } from '../../core/request-timestamp.js'
import { UniqueViolation, type Store, type TargetRecord, type UserRecord } from '../../store/types.js'
import { containsPersonalData, hashPassword, isCommonPassword, verifyPassword } from './passwords.js'
import { requireUser, type IssuedSession, type SessionService } from './session-service.js'
import { newTargetRecord, newUserRecord } from './new-user.js'
import { publishUserEvent } from './user-events.js'

type UserField = 'name' | 'password' | 'email' | 'phone' | 'prefs' | 'status'

/** The account of the signed-in user: sign-up, profile, prefs, status, identities and logs. */
export class AccountService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly sessions: SessionService,
    private readonly countryName: CountryName,
  ) {}

  /** `POST /account`: a new email/password user, with an email messaging target. No session is created. */
  async create(caller: Caller, input: { userId: string; email: string; password: string; name: string }) {
    const project = caller.project
    const security = project.settings.security
    const email = input.email.toLowerCase()
    const id = resolveCustomId(input.userId)
    this.checkNewPassword(caller, input.password, { id, email, name: input.name, phone: null })
    const passwordHash = await hashPassword(input.password)
    const now = formatDate(this.clock.now())
    const user = newUserRecord(id, now, {
      name: input.name,
      email,
      passwordHash,
      passwordUpdate: now,
      passwordHistory: security.passwordHistory > 0 ? [passwordHash] : [],
    })
    const target = newTargetRecord(user.id, 'email', email, now)
    await this.store.transaction(async () => {
      if (security.limit > 0 && (await this.store.users.count(project.id)) >= security.limit) throw new AppwriteException('user_count_exceeded')
      if (await this.store.identities.findOne(project.id, { provider_email: email })) throw new AppwriteException('general_bad_request')
      try {
        await this.store.users.insert(project.id, user)
        await this.store.targets.insert(project.id, target)
      } catch (error) {
        if (error instanceof UniqueViolation) throw new AppwriteException('user_already_exists')
        throw error
      }
    })
    const model = accountModel(user, [target])
    await publishUserEvent(this.bus, caller, user.id, 'create', model, 'user.create')
    return model
  }

  async get(caller: Caller) {
    const user = requireUser(caller)
    const targets = await this.targetsOf(caller, user.id)
    // The store hands out the same frozen records until a write: their model is built and serialised once.
    const known = this.accountModels.get(user)
    if (known && known.targets === targets) return known.model
    const model = renderOnce(accountModel(user, targets))
    this.accountModels.set(user, { targets, model })
    return model
  }

  private readonly accountModels = new WeakMap<UserRecord, { targets: TargetRecord[]; model: ReturnType<typeof accountModel> }>()

  /** `POST /account/sessions/email`. Every failure before the blocked check reads as invalid credentials. */
  async createEmailPasswordSession(caller: Caller, input: { email: string; password: string }): Promise<IssuedSession> {
    const email = input.email.toLowerCase()
    const user = await this.store.users.findOne(caller.project.id, { email })
    if (!user || !user.passwordHash || !user.passwordUpdate || !(await verifyPassword(user.passwordHash, input.password))) {
      throw new AppwriteException('user_invalid_credentials')
    }
    if (!user.status) throw new AppwriteException('user_blocked')
    const issued = await this.store.transaction(() => this.sessions.create(caller, user, { provider: 'email', providerUid: email, factors: ['password'] }))
    await this.sessions.announceCreated(caller, issued)
    return issued
  }

  /** `POST /account/sessions/anonymous`: a user with no email, phone, password or name, and its session. */
  async createAnonymousSession(caller: Caller): Promise<IssuedSession> {
    const project = caller.project
    if (project.isConsole) throw new AppwriteException('user_anonymous_console_prohibited')
    const now = formatDate(this.clock.now())
    const user = newUserRecord(uniqueId(), now)
    const issued = await this.store.transaction(async () => {
      const limit = project.settings.security.limit
      if (limit > 0 && (await this.store.users.count(project.id)) >= limit) throw new AppwriteException('user_count_exceeded')
      await this.store.users.insert(project.id, user)
      return this.sessions.create(caller, user, { provider: 'anonymous', providerUid: '', factors: ['anonymous'] })
    })
    await publishUserEvent(this.bus, caller, user.id, 'create', accountModel(user, []), 'user.create')
    await this.sessions.announceCreated(caller, issued)
    return issued
  }

  async updateName(caller: Caller, name: string) {
    return this.update(caller, 'name', async (user) => ({ ...user, name }))
  }

  /** Needs the old password when the user has one; honours password history, dictionary and personal data. */
  async updatePassword(caller: Caller, input: { password: string; oldPassword: string }) {
    return this.update(caller, 'password', async (user) => {
      if (user.passwordUpdate && user.passwordHash && !(await verifyPassword(user.passwordHash, input.oldPassword))) {
        throw new AppwriteException('user_invalid_credentials')
      }
      const passwordHash = await this.preparePassword(caller, user, input.password)
      return { ...user, passwordHash, passwordHistory: this.nextHistory(caller, user, passwordHash), passwordUpdate: formatDate(this.clock.now()) }
    })
  }

  /** Checks a new password against the project's rules (dictionary, personal data, history) and hashes it. */
  async preparePassword(caller: Caller, user: UserRecord, password: string): Promise<string> {
    this.checkNewPassword(caller, password, user)
    if (caller.project.settings.security.passwordHistory > 0) {
      for (const old of user.passwordHistory) {
        if (await verifyPassword(old, password)) throw new AppwriteException('password_recently_used')
      }
    }
    return hashPassword(password)
  }

  /** The password history after `passwordHash` becomes current. */
  nextHistory(caller: Caller, user: UserRecord, passwordHash: string): string[] {
    const limit = caller.project.settings.security.passwordHistory
    return limit > 0 ? [...user.passwordHistory, passwordHash].slice(-limit) : []
  }

  /** Changes the email (and sets the password when the user had none, converting an anonymous account). */
  async updateEmail(caller: Caller, input: { email: string; password: string }) {
    const email = input.email.toLowerCase()
    return this.update(caller, 'email', async (user) => {
      const passwordHash = await this.checkOrSetPassword(user, input.password)
      const project = caller.project.id
      const identity = await this.store.identities.findOne(project, { provider_email: email })
      if (identity && identity.userId !== user.id) throw new AppwriteException('general_bad_request')
      if (await this.store.targets.findOne(project, { identifier: email })) throw new AppwriteException('user_target_already_exists')
      const now = formatDate(this.clock.now())
      const emailTarget = (await this.store.targets.list(project, { user_id: user.id })).find((t) => t.providerType === 'email')
      if (emailTarget) await this.store.targets.update(project, { ...emailTarget, identifier: email, updatedAt: now })
      else await this.store.targets.insert(project, newTargetRecord(user.id, 'email', email, now))
      return {
        ...user,
        email,
        emailVerification: false,
        passwordHash,
        passwordUpdate: user.passwordUpdate ?? now,
      }
    }, (error) => (error instanceof UniqueViolation ? new AppwriteException('general_bad_request') : error))
  }

  async updatePhone(caller: Caller, input: { phone: string; password: string }) {
    return this.update(caller, 'phone', async (user) => {
      const passwordHash = await this.checkOrSetPassword(user, input.password)
      const project = caller.project.id
      if (await this.store.targets.findOne(project, { identifier: input.phone })) throw new AppwriteException('user_target_already_exists')
      const now = formatDate(this.clock.now())
      const smsTarget = (await this.store.targets.list(project, { user_id: user.id })).find((t) => t.providerType === 'sms')
      if (smsTarget) await this.store.targets.update(project, { ...smsTarget, identifier: input.phone, updatedAt: now })
      else await this.store.targets.insert(project, newTargetRecord(user.id, 'sms', input.phone, now))
      return { ...user, phone: input.phone, phoneVerification: false, passwordHash, passwordUpdate: user.passwordUpdate ?? now }
    }, (error) => (error instanceof UniqueViolation ? new AppwriteException('user_phone_already_exists') : error))
  }

  async getPrefs(caller: Caller) {
    return requireUser(caller).prefs
  }

  /** Replaces all prefs; too large (as Appwrite measures JSON) is a structure error. */
  async updatePrefs(caller: Caller, prefs: Record<string, unknown>) {
    assertPrefsFit(prefs)
    return this.update(caller, 'prefs', async (user) => ({ ...user, prefs }))
  }

  /** Blocks the caller's own account. Its sessions stay, but every later request with them is `user_blocked`. */
  async updateStatus(caller: Caller) {
    return this.update(caller, 'status', async (user) => ({ ...user, status: false }))
  }

  async listIdentities(caller: Caller, queries: Query[]) {
    const user = requireUser(caller)
    const all = await this.store.identities.list(caller.project.id, { user_id: user.id })
    const { total, items } = runListQueries(all.map((i) => ({ ...identityModel(i), search: '' })), queries, 'Identity')
    return { total, identities: items.map(({ search: _search, ...identity }) => identity) }
  }

  async deleteIdentity(caller: Caller, identityId: string) {
    const user = requireUser(caller)
    const identity = await this.store.identities.get(caller.project.id, identityId)
    if (!identity || identity.userId !== user.id) throw new AppwriteException('user_identity_not_found')
    await this.store.transaction(() => this.store.identities.delete(caller.project.id, identityId))
    await this.bus.publish({
      projectId: caller.project.id,
      pattern: 'users.[userId].identities.[identityId].delete',
      params: { userId: user.id, identityId },
      payload: identityModel(identity),
      caller,
      audit: { event: 'identity.delete', userId: user.id },
    })
  }

  /** The caller's audit log, newest first; the default page is all of it (5000). */
  async listLogs(caller: Caller, queries: Query[]) {
    const user = requireUser(caller)
    const { limit, offset } = pageOf(queries, { limit: 5000 })
    const where = { user_id: user.id }
    const [total, logs] = await Promise.all([
      this.store.logs.count(caller.project.id, where),
      this.store.logs.list(caller.project.id, where, { newestFirst: true, limit, offset }),
    ])
    return { total, logs: logs.map((l) => logModel(l, this.countryName)) }
  }

  private checkNewPassword(caller: Caller, password: string, user: { id: string; email: string | null; name: string | null; phone: string | null }) {
    const security = caller.project.settings.security
    if (security.passwordDictionary && isCommonPassword(password)) throw invalidParam('password', newPasswordValidator.description)
    if (security.personalDataCheck && containsPersonalData(password, user)) throw new AppwriteException('password_personal_data')
  }

  /** Verifies the password of a user who has one; a user without one (anonymous) gets this one set. */
  private async checkOrSetPassword(user: UserRecord, password: string): Promise<string | null> {
    if (user.passwordUpdate && user.passwordHash) {
      if (!(await verifyPassword(user.passwordHash, password))) throw new AppwriteException('user_invalid_credentials')
      return user.passwordHash
    }
    return hashPassword(password)
  }

  /** Reads the caller fresh, applies `change`, stores it in one transaction and publishes `users.<id>.update.<field>`. */
  private async update(
    caller: Caller,
    field: UserField,
    change: (user: UserRecord) => Promise<UserRecord>,
    mapError: (error: unknown) => unknown = (e) => e,
  ) {
    const project = caller.project.id
    const current = requireUser(caller)
    const result = await this.store
      .transaction(async () => {
        const user = (await this.store.users.get(project, current.id)) ?? current
        assertNotStale(caller, user.updatedAt)
        const changed = { ...(await change(user)), updatedAt: formatDate(this.clock.now()) }
        await this.store.users.update(project, changed)
        return changed
      })
      .catch((error) => {
        throw mapError(error)
      })
    caller.user = result
    const model = accountModel(result, await this.targetsOf(caller, result.id))
    await publishUserEvent(this.bus, caller, result.id, `update.${field}`, model, 'user.update')
    return model
  }

  private targetsOf(caller: Caller, userId: string): Promise<TargetRecord[]> {
    return this.store.targets.list(caller.project.id, { user_id: userId })
  }
}
