import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { totpCode } from '../mfa/totp.js'

const url = '/v1/account/mfa/authenticators/totp'
const SECRET = 'JBSWY3DPEHPK3PXP'

async function addAuthenticator(app: TestApp, verified: boolean) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified, secret: SECRET }))
}

const now = Date.parse('2024-05-01T10:20:30.123Z')

scenarios('account.updateMfaAuthenticator', [
  { name: 'guest is refused', request: { method: 'PUT', url, body: { otp: '123456' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: '`otp` is required', as: 'alice', request: { method: 'PUT', url, body: {} }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "otp" is not optional.' } },
  {
    name: 'the type is validated before anything else is looked at',
    as: 'alice',
    request: { method: 'PUT', url: '/v1/account/mfa/authenticators/email', body: { otp: '123456' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `type` param: Value must be one of (totp)' },
  },
  { name: 'no authenticator yet', as: 'alice', request: { method: 'PUT', url, body: { otp: '123456' } }, expect: { status: 404, type: 'user_authenticator_not_found' } },
  {
    name: 'an authenticator is verified only once',
    as: 'alice',
    before: (app) => addAuthenticator(app, true),
    request: { method: 'PUT', url, body: { otp: totpCode(SECRET, now) } },
    expect: { status: 409, type: 'user_authenticator_already_verified' },
  },
  {
    name: 'a wrong code',
    as: 'alice',
    before: (app) => addAuthenticator(app, false),
    request: { method: 'PUT', url, body: { otp: totpCode(SECRET, now) === '000000' ? '111111' : '000000' } },
    expect: { status: 401, type: 'user_invalid_token', message: 'Invalid token passed in the request.' },
  },
  {
    name: 'the code of the previous 30-second period is refused: no window',
    as: 'alice',
    before: (app) => addAuthenticator(app, false),
    request: { method: 'PUT', url, body: { otp: totpCode(SECRET, now - 30_000) } },
    expect: { status: 401, type: 'user_invalid_token' },
  },
  {
    name: 'the code of the next period is refused too',
    as: 'alice',
    before: (app) => addAuthenticator(app, false),
    request: { method: 'PUT', url, body: { otp: totpCode(SECRET, now + 30_000) } },
    expect: { status: 401, type: 'user_invalid_token' },
    async after(_res, app) {
      expect((await app.store.authenticators.get(PROJECT, 'auth1'))!.verified).toBe(false)
    },
  },
  {
    name: 'the current code verifies the authenticator and credits the session with `totp`',
    as: 'alice',
    before: (app) => addAuthenticator(app, false),
    request: { method: 'PUT', url, body: { otp: totpCode(SECRET, now) } },
    expect: { status: 200, body: { $id: 'alice', email: 'alice@example.test', mfa: false }, absent: ['password', 'hash', 'mfaRecoveryCodes'] },
    events: { 'users.alice.update.mfa': 1 },
    async after(_res, app, ctx) {
      expect((await app.store.authenticators.get(PROJECT, 'auth1'))!.verified).toBe(true)
      const session = await app.request({ method: 'GET', url: '/v1/account/sessions/current', cookie: ctx.cookie })
      expect(session.body.factors).toEqual(['password', 'totp'])
      const factors = await app.request({ method: 'GET', url: '/v1/account/mfa/factors', cookie: ctx.cookie })
      expect(factors.body.totp).toBe(true)
    },
  },
  {
    name: 'the last second of a period still takes that period\'s code',
    as: 'alice',
    async before(app) {
      await addAuthenticator(app, false)
      app.clock.advance(29_876)
    },
    request: { method: 'PUT', url, body: { otp: totpCode(SECRET, now) } },
    expect: { status: 200 },
  },
])
