import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import type { UserRecord } from '../../../store/types.js'

const url = '/v1/account/mfa/recovery-codes'

async function patchUser(app: TestApp, patch: Partial<UserRecord>) {
  const user = (await app.store.users.get(PROJECT, 'alice'))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

scenarios('account.createMfaRecoveryCodes', [
  { name: 'guest is refused', request: { method: 'POST', url }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'codes exist already',
    as: 'alice',
    before: (app) => patchUser(app, { mfaRecoveryCodes: ['0123456789'] }),
    request: { method: 'POST', url },
    expect: { status: 409, type: 'user_recovery_codes_already_exists' },
    async after(_res, app) {
      expect((await app.store.users.get(PROJECT, 'alice'))!.mfaRecoveryCodes).toEqual(['0123456789'])
    },
  },
  {
    name: 'with MFA on, a password-only session cannot reach it',
    as: 'alice',
    before: (app) => patchUser(app, { mfa: true, emailVerification: true }),
    request: { method: 'POST', url },
    expect: { status: 401, type: 'user_more_factors_required' },
  },
  {
    name: 'six codes of 10 hex chars, answered with 200 (Appwrite never sets 201 here)',
    as: 'alice',
    request: { method: 'POST', url },
    expect: { status: 200 },
    events: { 'users.alice.update.mfa': 1 },
    async after(res, app, ctx) {
      expect(Object.keys(res.body)).toEqual(['recoveryCodes'])
      const codes: string[] = res.body.recoveryCodes
      expect(codes).toHaveLength(6)
      for (const code of codes) expect(code).toMatch(/^[0-9a-f]{10}$/)
      expect(new Set(codes).size).toBe(6)
      const user = (await app.store.users.get(PROJECT, 'alice'))!
      expect(user.mfaRecoveryCodes).toEqual(codes)
      expect(user.updatedAt).toBe('2024-05-01T10:20:30.123+00:00')
      // Only once: the second call is refused and the account model never shows them.
      expect((await app.request({ method: 'POST', url, cookie: ctx.cookie })).status).toBe(409)
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).body).not.toHaveProperty('mfaRecoveryCodes')
    },
  },
  {
    name: 'once every code is used up, new ones can be made',
    as: 'alice',
    before: (app) => patchUser(app, { mfaRecoveryCodes: [] }),
    request: { method: 'POST', url },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.recoveryCodes).toHaveLength(6)
    },
  },
])
