import { expect } from 'vitest'
import { URI } from 'otpauth'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { totpCode, verifyTotp } from '../mfa/totp.js'

const url = '/v1/account/mfa/authenticators/totp'

async function addAuthenticator(app: TestApp, verified: boolean) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified, secret: 'JBSWY3DPEHPK3PXP' }))
}

scenarios('account.createMfaAuthenticator', [
  { name: 'guest is refused', request: { method: 'POST', url }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'only `totp` is a type',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/mfa/authenticators/sms' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `type` param: Value must be one of (totp)' },
  },
  {
    name: 'a verified authenticator must be deleted first',
    as: 'alice',
    before: (app) => addAuthenticator(app, true),
    request: { method: 'POST', url },
    expect: { status: 409, type: 'user_authenticator_already_verified', message: 'This authenticator is already verified on the current user.' },
    async after(_res, app) {
      expect((await app.store.authenticators.list(PROJECT, { user_id: 'alice' }))[0]!.secret).toBe('JBSWY3DPEHPK3PXP')
    },
  },
  {
    name: 'a Base32 secret of 64 bytes and an otpauth URI with the project as issuer and the email as label',
    as: 'alice',
    request: { method: 'POST', url },
    expect: { status: 200 },
    events: { 'users.alice.update.mfa': 1 },
    async after(res, app, ctx) {
      const { secret, uri } = res.body
      expect(Object.keys(res.body)).toEqual(['secret', 'uri'])
      expect(secret).toMatch(/^[A-Z2-7]{103}$/)
      // otphp's layout: rawurlencode("issuer:label"), then the non-default parameters sorted by name.
      expect(uri).toBe(`otpauth://totp/test-project%3Aalice%40example.test?issuer=test-project&secret=${secret}`)
      const parsed = URI.parse(uri)
      expect(parsed).toMatchObject({ issuer: 'test-project', label: 'alice@example.test', algorithm: 'SHA1', digits: 6 })
      expect(parsed.secret.base32).toBe(secret)
      const [stored] = await app.store.authenticators.list(PROJECT, { user_id: 'alice' })
      expect(stored).toMatchObject({ type: 'totp', verified: false, secret })
      // The account is untouched: no factor is credited until the authenticator is verified.
      const session = await app.request({ method: 'GET', url: '/v1/account/sessions/current', cookie: ctx.cookie })
      expect(session.body.factors).toEqual(['password'])
    },
  },
  {
    name: 'the type passes validation in any letter case (utopia\'s WhiteList) and is taken as `totp`',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/mfa/authenticators/TOTP' },
    expect: { status: 200 },
  },
  {
    name: 'an unverified authenticator is replaced by a new secret',
    as: 'alice',
    before: (app) => addAuthenticator(app, false),
    request: { method: 'POST', url },
    expect: { status: 200 },
    async after(res, app) {
      const all = await app.store.authenticators.list(PROJECT, { user_id: 'alice' })
      expect(all).toHaveLength(1)
      expect(all[0]!.secret).toBe(res.body.secret)
      expect(verifyTotp(all[0]!.secret, totpCode('JBSWY3DPEHPK3PXP', app.clock.now()), app.clock.now())).toBe(false)
    },
  },
])
