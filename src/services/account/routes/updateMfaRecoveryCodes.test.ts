import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import type { UserRecord } from '../../../store/types.js'
import { totpCode } from '../mfa/totp.js'

const url = '/v1/account/mfa/recovery-codes'
const SECRET = 'JBSWY3DPEHPK3PXP'
const CODES = ['0a1b2c3d4e', '1a1b2c3d4e', '2a1b2c3d4e', '3a1b2c3d4e', '4a1b2c3d4e', '5a1b2c3d4e']

async function patchUser(app: TestApp, patch: Partial<UserRecord>) {
  const user = (await app.store.users.get(PROJECT, 'alice'))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

async function challengeDone(app: TestApp, cookie: string) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified: true, secret: SECRET }))
  const challenge = await app.request({ method: 'POST', url: '/v1/account/mfa/challenge', body: { factor: 'totp' }, cookie })
  const done = await app.request({ method: 'PUT', url: '/v1/account/mfa/challenge', body: { challengeId: challenge.body.$id, otp: totpCode(SECRET, app.clock.now()) }, cookie })
  if (done.status !== 200) throw new Error(done.text)
}

scenarios('account.updateMfaRecoveryCodes', [
  { name: 'guest is refused', request: { method: 'PATCH', url }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'a recent challenge is required',
    as: 'alice',
    before: (app) => patchUser(app, { mfaRecoveryCodes: CODES }),
    request: { method: 'PATCH', url },
    expect: { status: 401, type: 'user_challenge_required' },
    async after(_res, app) {
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfaRecoveryCodes).toEqual(CODES)
    },
  },
  {
    name: 'there must be codes to replace',
    as: 'alice',
    before: (app, ctx) => challengeDone(app, ctx.cookie!),
    request: { method: 'PATCH', url },
    expect: { status: 404, type: 'user_recovery_codes_not_found' },
  },
  {
    name: 'six new codes replace the old ones',
    as: 'alice',
    async before(app, ctx) {
      await patchUser(app, { mfaRecoveryCodes: CODES })
      await challengeDone(app, ctx.cookie!)
      app.clock.advance(10 * 60_000)
    },
    request: { method: 'PATCH', url },
    expect: { status: 200 },
    events: { 'users.alice.update.mfa': 1 },
    async after(res, app, ctx) {
      const codes: string[] = res.body.recoveryCodes
      expect(codes).toHaveLength(6)
      for (const code of codes) expect(code).toMatch(/^[0-9a-f]{10}$/)
      expect(codes.some((c) => CODES.includes(c))).toBe(false)
      expect((await app.request({ method: 'GET', url, cookie: ctx.cookie })).body.recoveryCodes).toEqual(codes)
      // An old code no longer removes the authenticator.
      const old = await app.request({ method: 'DELETE', url: '/v1/account/mfa/authenticators/totp', body: { otp: CODES[0] }, cookie: ctx.cookie })
      expect(old.body.type).toBe('user_invalid_token')
    },
  },
])
