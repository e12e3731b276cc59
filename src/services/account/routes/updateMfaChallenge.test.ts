import { describe, expect, it } from 'vitest'
import { scenarios, type ScenarioContext } from '../../../../test/harness/scenarios.js'
import { cookieHeader, createTestApp, PROJECT, USERS, type TestApp } from '../../../../test/harness/app.js'
import { emptyTemplate } from '../../../config/appwrite-json.js'
import type { UserRecord } from '../../../store/types.js'
import { totpCode } from '../mfa/totp.js'

const url = '/v1/account/mfa/challenge'
const SECRET = 'JBSWY3DPEHPK3PXP'
const CODES = ['0a1b2c3d4e', '1a1b2c3d4e', '2a1b2c3d4e', '3a1b2c3d4e', '4a1b2c3d4e', '5a1b2c3d4e']
const now = Date.parse('2024-05-01T10:20:30.123Z')

async function patchUser(app: TestApp, patch: Partial<UserRecord>, id = 'alice') {
  const user = (await app.store.users.get(PROJECT, id))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

async function addAuthenticator(app: TestApp, verified = true) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified, secret: SECRET }))
}

/** Starts a challenge as the scenario's user; the code sent (if any) lands in `ctx.code`. */
async function challenge(app: TestApp, ctx: ScenarioContext, factor: string) {
  const res = await app.request({ method: 'POST', url, body: { factor }, cookie: ctx.cookie })
  if (res.status !== 200) throw new Error(res.text)
  ctx.challengeId = res.body.$id
  ctx.code = (await app.store.messages.list(PROJECT)).at(-1)?.data.secret
}

async function emailChallenge(app: TestApp, ctx: ScenarioContext) {
  await patchUser(app, { emailVerification: true })
  await challenge(app, ctx, 'email')
}

const put = (body: (ctx: ScenarioContext) => Record<string, unknown>) => (ctx: ScenarioContext) => ({ method: 'PUT' as const, url, body: body(ctx) })
const other = (code: string) => (code === '000000' ? '111111' : '000000')

scenarios('account.updateMfaChallenge', [
  { name: 'guest is refused', request: { method: 'PUT', url, body: { challengeId: 'x', otp: '123456' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: '`challengeId` is required', as: 'alice', request: { method: 'PUT', url, body: { otp: '123456' } }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "challengeId" is not optional.' } },
  { name: '`otp` is required', as: 'alice', request: { method: 'PUT', url, body: { challengeId: 'x' } }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "otp" is not optional.' } },
  { name: 'an unknown challenge', as: 'alice', request: { method: 'PUT', url, body: { challengeId: 'nope', otp: '123456' } }, expect: { status: 401, type: 'user_invalid_token' } },
  {
    name: "another user's challenge reads as missing, even with its right code",
    as: 'alice',
    async before(app, ctx) {
      const bob: ScenarioContext = { cookie: await app.signIn(USERS.bob) }
      await patchUser(app, { emailVerification: true }, 'bob')
      await challenge(app, bob, 'email')
      Object.assign(ctx, { challengeId: bob.challengeId, code: bob.code })
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: ctx.code })),
    expect: { status: 401, type: 'user_invalid_token' },
  },
  {
    name: 'a wrong email code',
    as: 'alice',
    before: emailChallenge,
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: other(ctx.code as string) })),
    expect: { status: 401, type: 'user_invalid_token' },
    async after(_res, app, ctx) {
      expect(await app.store.challenges.get(PROJECT, ctx.challengeId as string)).not.toBeNull()
    },
  },
  {
    name: 'the email code completes the challenge: 200 with the Session (the spec says 204)',
    as: 'alice',
    async before(app, ctx) {
      await emailChallenge(app, ctx)
      app.clock.advance(60_000)
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: ctx.code })),
    expect: {
      status: 200,
      body: { userId: 'alice', provider: 'email', current: true, secret: '', factors: ['password', 'email'], mfaUpdatedAt: '2024-05-01T10:21:30.123+00:00', $updatedAt: '2024-05-01T10:21:30.123+00:00' },
    },
    events: { 'users.alice.sessions.*.create': 1 },
    async after(_res, app, ctx) {
      expect(await app.store.challenges.get(PROJECT, ctx.challengeId as string)).toBeNull()
      const again = await app.request({ method: 'PUT', url, body: { challengeId: ctx.challengeId, otp: ctx.code }, cookie: ctx.cookie })
      expect(again.body.type, 'a challenge is used once').toBe('user_invalid_token')
      const logs = (await app.request({ method: 'GET', url: '/v1/account/logs', cookie: ctx.cookie })).body.logs
      expect(logs.map((l: { event: string }) => l.event).slice(0, 2)).toEqual(['challenges.update', 'challenge.create'])
    },
  },
  {
    name: 'the expiry is not checked, as in Appwrite',
    as: 'alice',
    async before(app, ctx) {
      await emailChallenge(app, ctx)
      app.clock.advance(2 * 3600_000)
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: ctx.code })),
    expect: { status: 200, body: { factors: ['password', 'email'] } },
  },
  {
    name: 'a factor already held is appended again, as Appwrite appends',
    as: 'alice',
    async before(app, ctx) {
      await emailChallenge(app, ctx)
      await app.request({ method: 'PUT', url, body: { challengeId: ctx.challengeId, otp: ctx.code }, cookie: ctx.cookie })
      await challenge(app, ctx, 'email')
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: ctx.code })),
    expect: { status: 200, body: { factors: ['password', 'email', 'email'] } },
  },
  {
    name: 'totp: the code of now',
    as: 'alice',
    async before(app, ctx) {
      await addAuthenticator(app)
      await challenge(app, ctx, 'totp')
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: totpCode(SECRET, now) })),
    expect: { status: 200, body: { factors: ['password', 'totp'], mfaUpdatedAt: '2024-05-01T10:20:30.123+00:00' } },
  },
  {
    name: 'totp: the previous period\'s code is refused',
    as: 'alice',
    async before(app, ctx) {
      await addAuthenticator(app)
      await challenge(app, ctx, 'totp')
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: totpCode(SECRET, now - 30_000) })),
    expect: { status: 401, type: 'user_invalid_token' },
  },
  {
    name: 'totp without any authenticator',
    as: 'alice',
    before: (app, ctx) => challenge(app, ctx, 'totp'),
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: totpCode(SECRET, now) })),
    expect: { status: 401, type: 'user_invalid_token' },
  },
  {
    name: 'a recovery-code challenge never succeeds in Appwrite 1.5, and the code is not used up',
    as: 'alice',
    async before(app, ctx) {
      await patchUser(app, { mfaRecoveryCodes: CODES })
      await challenge(app, ctx, 'recoverycode')
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: CODES[0] })),
    expect: { status: 401, type: 'user_invalid_token' },
    async after(_res, app) {
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfaRecoveryCodes).toEqual(CODES)
    },
  },
  {
    name: 'a JWT caller has no session to credit: Appwrite fails after deleting the challenge',
    as: 'alice',
    async before(app, ctx) {
      await emailChallenge(app, ctx)
      ctx.jwt = (await app.request({ method: 'POST', url: '/v1/account/jwt', cookie: ctx.cookie })).body.jwt
    },
    request: (ctx) => ({ method: 'PUT', url, body: { challengeId: ctx.challengeId, otp: ctx.code }, cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 500, type: 'general_unknown' },
    async after(_res, app, ctx) {
      expect(await app.store.challenges.get(PROJECT, ctx.challengeId as string)).toBeNull()
    },
  },
  {
    name: 'with MFA on, completing a challenge opens the other routes',
    as: 'alice',
    async before(app, ctx) {
      await patchUser(app, { mfa: true, emailVerification: true })
      const res = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: USERS.alice.password } })
      ctx.cookie = cookieHeader(res.headers['set-cookie'])
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).body.type).toBe('user_more_factors_required')
      await challenge(app, ctx, 'email')
    },
    request: put((ctx) => ({ challengeId: ctx.challengeId, otp: ctx.code })),
    expect: { status: 200, body: { factors: ['password', 'email'] } },
    async after(_res, app, ctx) {
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).status).toBe(200)
    },
  },
])

describe('account.updateMfaChallenge with a mock number', () => {
  it('takes the mock number\'s fixed code, and no SMS is sent', async () => {
    const template = emptyTemplate()
    template.settings.security.mockNumbers = [{ phone: '+15555550123', otp: '424242' }]
    const app = await createTestApp({ template })
    try {
      const ctx: ScenarioContext = { cookie: await app.signIn(USERS.alice) }
      await patchUser(app, { phone: '+15555550123', phoneVerification: true })
      await challenge(app, ctx, 'phone')
      expect(await app.store.messages.list(PROJECT)).toEqual([])
      const res = await app.request({ method: 'PUT', url, body: { challengeId: ctx.challengeId, otp: '424242' }, cookie: ctx.cookie })
      expect(res.status, res.text).toBe(200)
      expect(res.body.factors).toEqual(['password', 'phone'])
    } finally {
      await app.close()
    }
  })
})
