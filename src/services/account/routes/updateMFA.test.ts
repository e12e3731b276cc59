import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { cookieHeader, PROJECT, USERS, type TestApp } from '../../../../test/harness/app.js'
import type { UserRecord } from '../../../store/types.js'

const url = '/v1/account/mfa'
const SECRET = 'JBSWY3DPEHPK3PXP'

async function patchUser(app: TestApp, patch: Partial<UserRecord>) {
  const user = (await app.store.users.get(PROJECT, 'alice'))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

async function addAuthenticator(app: TestApp, verified: boolean) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified, secret: SECRET }))
}

async function currentFactors(app: TestApp, cookie: string) {
  return (await app.request({ method: 'GET', url: '/v1/account/sessions/current', cookie })).body.factors
}

async function signInAgain(app: TestApp) {
  const res = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: USERS.alice.password } })
  return cookieHeader(res.headers['set-cookie'])
}

scenarios('account.updateMFA', [
  { name: 'guest is refused', request: { method: 'PATCH', url, body: { mfa: true } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: '`mfa` is required', as: 'alice', request: { method: 'PATCH', url, body: {} }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "mfa" is not optional.' } },
  {
    name: '`mfa` must be a JSON boolean',
    as: 'alice',
    request: { method: 'PATCH', url, body: { mfa: 'yes' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `mfa` param: Value must be a valid boolean' },
  },
  {
    name: 'a JWT caller has no session for Appwrite to inject, so the action fails',
    as: 'alice',
    async before(app, ctx) {
      ctx.jwt = (await app.request({ method: 'POST', url: '/v1/account/jwt', cookie: ctx.cookie })).body.jwt
    },
    request: (ctx) => ({ method: 'PATCH', url, body: { mfa: true }, cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 500, type: 'general_unknown' },
    async after(_res, app) {
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfa).toBe(false)
    },
  },
  {
    name: 'X-Appwrite-Timestamp older than the account is a conflict',
    as: 'alice',
    request: { method: 'PATCH', url, body: { mfa: true }, headers: { 'x-appwrite-timestamp': '2024-05-01T10:20:30.122+00:00' } },
    expect: { status: 409, type: 'document_update_conflict', message: 'Remote document is newer than local.' },
    async after(_res, app) {
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfa).toBe(false)
    },
  },
  {
    name: 'an unreadable X-Appwrite-Timestamp',
    as: 'alice',
    request: { method: 'PATCH', url, body: { mfa: true }, headers: { 'x-appwrite-timestamp': 'yesterday-ish' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid X-Appwrite-Timestamp header value' },
  },
  {
    name: 'X-Appwrite-Timestamp as recent as the account passes',
    as: 'alice',
    request: { method: 'PATCH', url, body: { mfa: true }, headers: { 'x-appwrite-timestamp': '2024-05-01T10:20:30.123+00:00' } },
    expect: { status: 200, body: { mfa: true } },
  },
  {
    name: 'turns MFA on; with no second factor the session needs one factor still',
    as: 'alice',
    request: { method: 'PATCH', url, body: { mfa: true } },
    expect: { status: 200, body: { $id: 'alice', mfa: true }, absent: ['password', 'hash', 'mfaRecoveryCodes'] },
    events: { 'users.alice.update.mfa': 1 },
    async after(_res, app, ctx) {
      const logs = (await app.request({ method: 'GET', url: '/v1/account/logs', cookie: ctx.cookie })).body.logs
      expect(logs[0].event).toBe('user.update')
      expect(await currentFactors(app, ctx.cookie!)).toEqual(['password'])
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: await signInAgain(app) })).status).toBe(200)
    },
  },
  {
    name: 'turning MFA on credits the session with a verified authenticator, email and phone, once each',
    as: 'alice',
    async before(app) {
      await addAuthenticator(app, true)
      await patchUser(app, { emailVerification: true, phone: '+15555550100', phoneVerification: true })
    },
    request: { method: 'PATCH', url, body: { mfa: true } },
    expect: { status: 200, body: { mfa: true, $updatedAt: '2024-05-01T10:20:30.123+00:00' } },
    async after(_res, app, ctx) {
      expect(await currentFactors(app, ctx.cookie!)).toEqual(['password', 'totp', 'email', 'phone'])
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).status).toBe(200)
      // Turning it on again adds nothing twice.
      await app.request({ method: 'PATCH', url, body: { mfa: true }, cookie: ctx.cookie })
      expect(await currentFactors(app, ctx.cookie!)).toEqual(['password', 'totp', 'email', 'phone'])
    },
  },
  {
    name: 'an unverified authenticator and an unverified email are not credited',
    as: 'alice',
    async before(app) {
      await addAuthenticator(app, false)
      await patchUser(app, { phone: '+15555550100', phoneVerification: true })
    },
    request: { method: 'PATCH', url, body: { mfa: true } },
    expect: { status: 200, body: { mfa: true } },
    async after(_res, app, ctx) {
      expect(await currentFactors(app, ctx.cookie!)).toEqual(['password', 'phone'])
    },
  },
  {
    name: 'with MFA on, a new session must complete a challenge before anything outside the MFA group',
    as: 'alice',
    async before(app, ctx) {
      await addAuthenticator(app, true)
      await app.request({ method: 'PATCH', url, body: { mfa: true }, cookie: ctx.cookie })
      ctx.cookie = await signInAgain(app)
    },
    request: { method: 'GET', url: '/v1/account' },
    expect: { status: 401, type: 'user_more_factors_required', message: 'More factors are required to complete the sign in process.' },
    async after(_res, app, ctx) {
      const cookie = ctx.cookie!
      for (const [method, path] of [['PATCH', '/v1/account/name'], ['GET', '/v1/account/sessions'], ['PATCH', url], ['POST', '/v1/account/mfa/recovery-codes']] as const) {
        const res = await app.request({ method, url: path, body: method === 'GET' ? undefined : { name: 'x', mfa: false }, cookie })
        expect(res.body.type, `${method} ${path}`).toBe('user_more_factors_required')
      }
      expect((await app.request({ method: 'GET', url: '/v1/account/mfa/factors', cookie })).status).toBe(200)
      expect((await app.request({ method: 'POST', url: '/v1/account/mfa/challenge', body: { factor: 'totp' }, cookie })).status).toBe(200)
      expect((await app.request({ method: 'DELETE', url: '/v1/account/sessions/current', cookie })).status).toBe(204)
    },
  },
  {
    name: 'a JWT caller is not held back: it has no session whose factors could be counted',
    as: 'alice',
    async before(app, ctx) {
      ctx.jwt = (await app.request({ method: 'POST', url: '/v1/account/jwt', cookie: ctx.cookie })).body.jwt
      await patchUser(app, { mfa: true, emailVerification: true })
    },
    request: (ctx) => ({ method: 'GET', url: '/v1/account', cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 200, body: { $id: 'alice', mfa: true } },
    async after(_res, app, ctx) {
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).body.type).toBe('user_more_factors_required')
    },
  },
  {
    name: 'turning MFA off lets one factor do again',
    as: 'alice',
    async before(app) {
      await patchUser(app, { mfa: true, emailVerification: true })
    },
    request: { method: 'PATCH', url, body: { mfa: false } },
    expect: { status: 401, type: 'user_more_factors_required' },
    async after(_res, app, ctx) {
      // The same call from a session that completed MFA turns it off, and then a password-only session passes.
      await app.request({ method: 'POST', url: '/v1/account/mfa/challenge', body: { factor: 'email' }, cookie: ctx.cookie })
      const [message] = (await app.store.messages.list(PROJECT)).slice(-1)
      const challengeId = (await app.store.challenges.list(PROJECT, { user_id: 'alice' }))[0]!.id
      const done = await app.request({ method: 'PUT', url: '/v1/account/mfa/challenge', body: { challengeId, otp: message!.data.secret }, cookie: ctx.cookie })
      expect(done.body.factors).toEqual(['password', 'email'])
      const off = await app.request({ method: 'PATCH', url, body: { mfa: false }, cookie: ctx.cookie })
      expect(off.body.mfa).toBe(false)
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: await signInAgain(app) })).status).toBe(200)
    },
  },
])
