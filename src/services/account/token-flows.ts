import { AppwriteException } from '../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { resolveCustomId } from '../../domain/ids.js'
import { accountModel, tokenModel, targetModel } from '../../domain/models.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import { detectDevice } from '../../core/device.js'
import { composeEmail, type Outbox } from '../../outbox/outbox.js'
import { UniqueViolation, type Store, type TargetRecord, type TokenRecord, type UserRecord } from '../../store/types.js'
import { requireUser, type IssuedSession, type SessionService } from './session-service.js'
import { HOUR, MINUTE, secrets, securityPhrase, SESSION_BY_TOKEN, type TokenService, type TokenType } from './token-service.js'
import type { AccountService } from './account-service.js'
import { newTargetRecord, newUserRecord } from './new-user.js'
import { publishUserEvent } from './user-events.js'

/** Events to publish once the transaction that caused them has committed. */
type Announcements = (() => Promise<void>)[]

/** Adds `userId`, `secret`, `expire` (and more) to a link's query, keeping what it had. */
function link(base: string, params: Record<string, string>): string {
  const url = new URL(base)
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v)
  return url.toString()
}

const defaultUrl = (caller: Caller, path: string) => `${caller.client.protocol}://${caller.client.hostname}${path}`

/**
 * Everything that signs in or proves ownership with a secret sent out of band: email verification, password
 * recovery, magic URLs, email and phone one-time codes, the token exchange, and push targets.
 */
export class TokenFlows {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly tokens: TokenService,
    private readonly sessions: SessionService,
    private readonly account: AccountService,
    private readonly outbox: Outbox,
  ) {}

  /** `POST /account/verification`: a 256-hex link secret, valid 1 hour, mailed to the user. */
  async createVerification(caller: Caller, url: string) {
    const user = requireUser(caller)
    if (user.emailVerification) throw new AppwriteException('user_email_already_verified')
    if (!user.email) throw new AppwriteException('user_email_not_found')
    const secret = secrets.hex(256)
    const token = await this.store.transaction(() => this.tokens.create(caller.project.id, { userId: user.id, type: 'verification', secret, lifetimeMs: HOUR }))
    const href = link(url, { userId: user.id, secret, expire: token.expire })
    const body = composeEmail({
      greeting: `Hello ${user.name || user.email},`,
      lines: [`Confirm that ${user.email} is your address for ${caller.project.name}.`, 'The link works once and expires in one hour.'],
      action: { label: 'Verify email address', url: href },
    })
    await this.outbox.send(caller.project.id, { channel: 'email', to: user.email, subject: `Verify your email for ${caller.project.name}`, ...body, data: { userId: user.id, secret, url: href } })
    await this.publishToken(caller, user.id, token, 'verification', 'create', 'verification.create')
    return tokenModel(token)
  }

  /** `PUT /account/verification`: checks the secret, marks the email verified, spends the token. */
  async updateVerification(caller: Caller, input: { userId: string; secret: string }) {
    const user = await this.store.users.get(caller.project.id, input.userId)
    if (!user) throw new AppwriteException('user_not_found')
    const token = await this.spend(caller, user.id, input.secret, ['verification'], (u) => ({ ...u, emailVerification: true }))
    await this.publishToken(caller, user.id, token, 'verification', 'update', 'verification.update')
    return tokenModel(token)
  }

  /** `POST /account/verification/phone`: a 6-digit code by SMS, valid 1 hour. */
  async createPhoneVerification(caller: Caller) {
    const user = requireUser(caller)
    if (!user.phone) throw new AppwriteException('user_phone_not_found')
    if (user.phoneVerification) throw new AppwriteException('user_phone_already_verified')
    const secret = this.phoneCode(caller, user.phone)
    const token = await this.store.transaction(() => this.tokens.create(caller.project.id, { userId: user.id, type: 'phone', secret, lifetimeMs: HOUR }))
    await this.sendSms(caller, user.phone, `${secret} is your ${caller.project.name} verification code.`, { userId: user.id, secret })
    await this.publishToken(caller, user.id, token, 'verification', 'create', 'verification.create')
    return tokenModel(token)
  }

  /** `PUT /account/verification/phone`: Appwrite checks the code against the signed-in user's tokens. */
  async updatePhoneVerification(caller: Caller, input: { userId: string; secret: string }) {
    const user = caller.user
    if (!user || user.id !== input.userId) {
      if (!(await this.store.users.get(caller.project.id, input.userId))) throw new AppwriteException('user_not_found')
      throw new AppwriteException('user_invalid_token')
    }
    const token = await this.spend(caller, user.id, input.secret, ['phone'], (u) => ({ ...u, phoneVerification: true }))
    await this.publishToken(caller, user.id, token, 'verification', 'update', 'verification.update')
    return tokenModel(token)
  }

  /** `POST /account/recovery`: a 256-hex link secret, valid 1 hour, mailed to the address. */
  async createRecovery(caller: Caller, input: { email: string; url: string }) {
    const email = input.email.toLowerCase()
    const user = await this.store.users.findOne(caller.project.id, { email })
    if (!user) throw new AppwriteException('user_not_found')
    if (!user.status) throw new AppwriteException('user_blocked')
    const secret = secrets.hex(256)
    const token = await this.store.transaction(() => this.tokens.create(caller.project.id, { userId: user.id, type: 'recovery', secret, lifetimeMs: HOUR }))
    const href = link(input.url, { userId: user.id, secret, expire: token.expire })
    const body = composeEmail({
      greeting: `Hello ${user.name || email},`,
      lines: [`Someone asked to reset the password of your ${caller.project.name} account.`, 'If it was you, follow the link within an hour. If not, ignore this email.'],
      action: { label: 'Reset password', url: href },
    })
    await this.outbox.send(caller.project.id, { channel: 'email', to: email, subject: `Reset your ${caller.project.name} password`, ...body, data: { userId: user.id, secret, url: href } })
    await this.publishToken(caller, user.id, token, 'recovery', 'create', 'recovery.create')
    return tokenModel(token)
  }

  /** `PUT /account/recovery`: sets the new password and verifies the email, spending the token. */
  async updateRecovery(caller: Caller, input: { userId: string; secret: string; password: string }) {
    const user = await this.store.users.get(caller.project.id, input.userId)
    if (!user) throw new AppwriteException('user_not_found')
    const passwordHash = await this.account.preparePassword(caller, user, input.password)
    const token = await this.spend(caller, user.id, input.secret, ['recovery'], (u) => ({
      ...u,
      passwordHash,
      passwordUpdate: formatDate(this.clock.now()),
      passwordHistory: this.account.nextHistory(caller, u, passwordHash),
      emailVerification: true,
    }))
    await this.publishToken(caller, user.id, token, 'recovery', 'update', 'recovery.update')
    return tokenModel(token)
  }

  /** `POST /account/tokens/email`: a 6-digit code by email, valid 15 minutes; unknown emails get a new user. */
  async createEmailToken(caller: Caller, input: { userId: string; email: string; phrase: boolean }) {
    const phrase = input.phrase ? securityPhrase() : ''
    const secret = secrets.digits(6)
    const after: Announcements = []
    const { user, token } = await this.store.transaction(async () => {
      const user = await this.userForEmail(caller, input.userId, input.email, after)
      const token = await this.tokens.create(caller.project.id, { userId: user.id, type: 'email-otp', secret, lifetimeMs: 15 * MINUTE, phrase })
      return { user, token }
    })
    for (const announce of after) await announce()
    const body = composeEmail({
      greeting: 'Hello,',
      lines: [`Use this code to sign in to ${caller.project.name}. It expires in 15 minutes.`, ...(phrase ? [`Security phrase: ${phrase}`] : [])],
      code: secret,
    })
    await this.outbox.send(caller.project.id, { channel: 'email', to: user.email!, subject: `OTP for ${caller.project.name} Login`, ...body, data: { userId: user.id, secret, ...(phrase && { phrase }) } })
    await this.publishToken(caller, user.id, token, 'tokens', 'create', 'session.create')
    return tokenModel(token)
  }

  /** `POST /account/tokens/magic-url`: a 64-hex link secret, valid 1 hour; unknown emails get a new user. */
  async createMagicUrlToken(caller: Caller, input: { userId: string; email: string; url: string; phrase: boolean }) {
    const phrase = input.phrase ? securityPhrase() : ''
    const secret = secrets.hex(64)
    const after: Announcements = []
    const { user, token } = await this.store.transaction(async () => {
      const user = await this.userForEmail(caller, input.userId, input.email, after)
      const token = await this.tokens.create(caller.project.id, { userId: user.id, type: 'magic-url', secret, lifetimeMs: HOUR, phrase })
      return { user, token }
    })
    for (const announce of after) await announce()
    const href = link(input.url || defaultUrl(caller, '/auth/magic-url'), { userId: user.id, secret, expire: token.expire, project: caller.project.id })
    const body = composeEmail({
      greeting: 'Hello,',
      lines: [`Follow this link to sign in to ${caller.project.name}. It works once and expires in one hour.`, ...(phrase ? [`Security phrase: ${phrase}`] : [])],
      action: { label: `Sign in to ${caller.project.name}`, url: href },
    })
    await this.outbox.send(caller.project.id, { channel: 'email', to: user.email!, subject: `${caller.project.name} Login`, ...body, data: { userId: user.id, secret, url: href, ...(phrase && { phrase }) } })
    await this.publishToken(caller, user.id, token, 'tokens', 'create', 'session.create')
    return tokenModel(token)
  }

  /** `POST /account/tokens/phone`: a 6-digit code by SMS, valid 15 minutes; unknown numbers get a new user. */
  async createPhoneToken(caller: Caller, input: { userId: string; phone: string }) {
    const secret = this.phoneCode(caller, input.phone)
    const after: Announcements = []
    const { user, token } = await this.store.transaction(async () => {
      let user = await this.store.users.findOne(caller.project.id, { phone: input.phone })
      if (!user) user = await this.newUser(caller, { id: resolveCustomId(input.userId), phone: input.phone }, after)
      const token = await this.tokens.create(caller.project.id, { userId: user.id, type: 'phone', secret, lifetimeMs: 15 * MINUTE })
      return { user, token }
    })
    for (const announce of after) await announce()
    await this.sendSms(caller, input.phone, `${secret} is your ${caller.project.name} sign-in code.`, { userId: user.id, secret })
    await this.publishToken(caller, user.id, token, 'tokens', 'create', 'session.create')
    return tokenModel(token)
  }

  /**
   * `POST /account/sessions/token` (and the deprecated PUT magic-url / phone): exchanges a sign-in token for a
   * session. Verification, recovery and invitation tokens cannot be exchanged.
   */
  async createSessionFromToken(caller: Caller, input: { userId: string; secret: string }): Promise<IssuedSession> {
    const user = await this.store.users.get(caller.project.id, input.userId)
    if (!user) throw new AppwriteException('user_invalid_token')
    const types = Object.keys(SESSION_BY_TOKEN) as TokenType[]
    const issued = await this.store.transaction(async () => {
      const token = await this.tokens.find(caller.project.id, user.id, input.secret, types)
      if (!token) throw new AppwriteException('user_invalid_token')
      await this.tokens.consume(caller.project.id, token)
      const kind = SESSION_BY_TOKEN[token.type as TokenType]!
      const verified: UserRecord = {
        ...user,
        emailVerification: user.emailVerification || token.type === 'magic-url' || token.type === 'email-otp',
        phoneVerification: user.phoneVerification || token.type === 'phone',
      }
      if (verified.emailVerification !== user.emailVerification || verified.phoneVerification !== user.phoneVerification) {
        await this.store.users.update(caller.project.id, { ...verified, updatedAt: formatDate(this.clock.now()) })
      }
      return this.sessions.create(caller, verified, { provider: kind.provider, providerUid: '', factors: kind.factors })
    })
    await this.sessions.announceCreated(caller, issued)
    return issued
  }

  /** `POST /account/targets/push`: a push target named after the device. */
  async createPushTarget(caller: Caller, input: { targetId: string; identifier: string; providerId: string | null }) {
    const user = requireUser(caller)
    const device = await detectDevice(caller.client.userAgent)
    const now = formatDate(this.clock.now())
    // deviation: messaging providers are not configured in the emulator, so any providerId is stored as given.
    const target: TargetRecord = {
      id: resolveCustomId(input.targetId),
      createdAt: now,
      updatedAt: now,
      userId: user.id,
      name: `${device.deviceBrand} ${device.deviceModel}`,
      providerId: input.providerId || null,
      providerType: 'push',
      identifier: input.identifier,
    }
    await this.store
      .transaction(() => this.store.targets.insert(caller.project.id, target))
      .catch((error) => {
        throw error instanceof UniqueViolation ? new AppwriteException('user_target_already_exists') : error
      })
    await this.publishTarget(caller, target, 'create')
    return targetModel(target)
  }

  async updatePushTarget(caller: Caller, input: { targetId: string; identifier: string }) {
    const target = await this.ownPushTarget(caller, input.targetId)
    const updated = { ...target, identifier: input.identifier, updatedAt: formatDate(this.clock.now()) }
    await this.store
      .transaction(() => this.store.targets.update(caller.project.id, updated))
      .catch((error) => {
        throw error instanceof UniqueViolation ? new AppwriteException('user_target_already_exists') : error
      })
    await this.publishTarget(caller, updated, 'update')
    return targetModel(updated)
  }

  async deletePushTarget(caller: Caller, targetId: string) {
    const target = await this.ownPushTarget(caller, targetId)
    await this.store.transaction(() => this.store.targets.delete(caller.project.id, target.id))
    await this.publishTarget(caller, target, 'delete')
  }

  private async ownPushTarget(caller: Caller, targetId: string): Promise<TargetRecord> {
    const user = requireUser(caller)
    const target = await this.store.targets.get(caller.project.id, targetId)
    if (!target || target.userId !== user.id || target.providerType !== 'push') throw new AppwriteException('user_target_not_found')
    return target
  }

  /** Checks and spends a token, applying `change` to the user in the same transaction. */
  private async spend(caller: Caller, userId: string, secret: string, types: TokenType[], change: (user: UserRecord) => UserRecord): Promise<TokenRecord> {
    return this.store.transaction(async () => {
      const token = await this.tokens.find(caller.project.id, userId, secret, types)
      if (!token) throw new AppwriteException('user_invalid_token')
      const user = await this.store.users.get(caller.project.id, userId)
      if (!user) throw new AppwriteException('user_not_found')
      await this.tokens.consume(caller.project.id, token)
      await this.store.users.update(caller.project.id, { ...change(user), updatedAt: formatDate(this.clock.now()) })
      return token
    })
  }

  /** The user with this email, or a new one (with the given ID) if none; an email owned by an identity is taken. */
  private async userForEmail(caller: Caller, userId: string, rawEmail: string, after: Announcements): Promise<UserRecord> {
    const email = rawEmail.toLowerCase()
    const existing = await this.store.users.findOne(caller.project.id, { email })
    if (existing) return existing
    if (await this.store.identities.findOne(caller.project.id, { provider_email: email })) throw new AppwriteException('user_email_already_exists')
    return this.newUser(caller, { id: resolveCustomId(userId), email }, after)
  }

  /** A user created by a first token: no password and no name, with a messaging target for the channel. */
  private async newUser(caller: Caller, input: { id: string; email?: string; phone?: string }, after: Announcements): Promise<UserRecord> {
    const project = caller.project
    const limit = project.settings.security.limit
    if (limit > 0 && (await this.store.users.count(project.id)) >= limit) throw new AppwriteException('user_count_exceeded')
    const now = formatDate(this.clock.now())
    const user = newUserRecord(input.id, now, { email: input.email ?? null, phone: input.phone ?? null })
    const target = newTargetRecord(user.id, input.email ? 'email' : 'sms', (input.email ?? input.phone)!, now)
    try {
      await this.store.users.insert(project.id, user)
      await this.store.targets.insert(project.id, target)
    } catch (error) {
      if (error instanceof UniqueViolation) throw new AppwriteException('user_already_exists')
      throw error
    }
    after.push(() => publishUserEvent(this.bus, caller, user.id, 'create', accountModel(user, [target]), 'user.create'))
    return user
  }

  /** A mock number from the settings gets its fixed code; others a random 6-digit one. */
  private phoneCode(caller: Caller, phone: string): string {
    return caller.project.settings.security.mockNumbers.find((m) => m.phone === phone)?.otp ?? secrets.digits(6)
  }

  private async sendSms(caller: Caller, phone: string, text: string, data: { userId: string; secret: string }) {
    // Appwrite sends nothing to mock numbers; their code is in the settings.
    if (caller.project.settings.security.mockNumbers.some((m) => m.phone === phone)) return
    await this.outbox.send(caller.project.id, { channel: 'sms', to: phone, subject: '', text, html: '', data })
  }

  private publishToken(caller: Caller, userId: string, token: TokenRecord, kind: 'verification' | 'recovery' | 'tokens', action: 'create' | 'update', audit: string) {
    return this.bus.publish({
      projectId: caller.project.id,
      pattern: `users.[userId].${kind}.[tokenId].${action}`,
      params: { userId, tokenId: token.id },
      payload: tokenModel(token),
      caller,
      audit: { event: audit, userId },
    })
  }

  private publishTarget(caller: Caller, target: TargetRecord, action: 'create' | 'update' | 'delete') {
    return this.bus.publish({
      projectId: caller.project.id,
      pattern: `users.[userId].targets.[targetId].${action}`,
      params: { userId: target.userId, targetId: target.id },
      payload: targetModel(target),
      caller,
    })
  }
}

