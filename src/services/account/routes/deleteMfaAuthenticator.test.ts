import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import type { UserRecord } from '../../../store/types.js'
import { totpCode } from '../mfa/totp.js'

const url = '/v1/account/mfa/authenticators/totp'
const SECRET = 'JBSWY3DPEHPK3PXP'
const CODES = ['0a1b2c3d4e', '1a1b2c3d4e', '2a1b2c3d4e', '3a1b2c3d4e', '4a1b2c3d4e', '5a1b2c3d4e']
const now = Date.parse('2024-05-01T10:20:30.123Z')

async function addAuthenticator(app: TestApp) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified: true, secret: SECRET }))
}

async function patchUser(app: TestApp, patch: Partial<UserRecord>) {
  const user = (await app.store.users.get(PROJECT, 'alice'))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

async function withCodes(app: TestApp) {
  await addAuthenticator(app)
  await patchUser(app, { mfaRecoveryCodes: CODES })
}

const wrong = totpCode(SECRET, now) === '000000' ? '111111' : '000000'

scenarios('account.deleteMfaAuthenticator', [
  { name: 'guest is refused', request: { method: 'DELETE', url, body: { otp: '123456' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: '`otp` is required', as: 'alice', request: { method: 'DELETE', url, body: {} }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "otp" is not optional.' } },
  { name: 'no authenticator', as: 'alice', request: { method: 'DELETE', url, body: { otp: '123456' } }, expect: { status: 404, type: 'user_authenticator_not_found' } },
  {
    name: 'neither the current code nor a recovery code',
    as: 'alice',
    before: withCodes,
    request: { method: 'DELETE', url, body: { otp: wrong } },
    expect: { status: 401, type: 'user_invalid_token' },
    async after(_res, app) {
      expect(await app.store.authenticators.get(PROJECT, 'auth1')).not.toBeNull()
    },
  },
  {
    name: 'with MFA on and a password-only session, the route is out of reach',
    as: 'alice',
    async before(app) {
      await withCodes(app)
      await patchUser(app, { mfa: true })
    },
    request: { method: 'DELETE', url, body: { otp: CODES[0] } },
    expect: { status: 401, type: 'user_more_factors_required' },
  },
  {
    name: 'the current code deletes it and leaves recovery codes and MFA alone',
    as: 'alice',
    before: withCodes,
    request: { method: 'DELETE', url, body: { otp: totpCode(SECRET, now) } },
    expect: { status: 204 },
    events: { 'users.alice.delete.mfa': 1 },
    async after(res, app) {
      expect(res.text).toBe('')
      expect(await app.store.authenticators.get(PROJECT, 'auth1')).toBeNull()
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfaRecoveryCodes).toEqual(CODES)
    },
  },
  {
    name: 'a recovery code deletes it and is used up',
    as: 'alice',
    before: withCodes,
    request: { method: 'DELETE', url, body: { otp: CODES[2] } },
    expect: { status: 204 },
    async after(_res, app, ctx) {
      expect(await app.store.authenticators.get(PROJECT, 'auth1')).toBeNull()
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfaRecoveryCodes).toEqual(CODES.filter((c) => c !== CODES[2]))
      await addAuthenticator(app)
      const again = await app.request({ method: 'DELETE', url, body: { otp: CODES[2] }, cookie: ctx.cookie })
      expect(again.body.type).toBe('user_invalid_token')
    },
  },
])
