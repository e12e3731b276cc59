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

/** A verified authenticator and a completed TOTP challenge on the caller's session, now. */
async function challengeDone(app: TestApp, cookie: string) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified: true, secret: SECRET }))
  const challenge = await app.request({ method: 'POST', url: '/v1/account/mfa/challenge', body: { factor: 'totp' }, cookie })
  const done = await app.request({ method: 'PUT', url: '/v1/account/mfa/challenge', body: { challengeId: challenge.body.$id, otp: totpCode(SECRET, app.clock.now()) }, cookie })
  if (done.status !== 200) throw new Error(done.text)
}

scenarios('account.getMfaRecoveryCodes', [
  { name: 'guest is refused by scope first', request: { method: 'GET', url }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'a session that never completed a challenge',
    as: 'alice',
    before: (app) => patchUser(app, { mfaRecoveryCodes: CODES }),
    request: { method: 'GET', url },
    expect: { status: 401, type: 'user_challenge_required', message: /^A recently successful challenge is required/ },
  },
  {
    name: 'a challenge more than 30 minutes ago is no longer recent',
    as: 'alice',
    async before(app, ctx) {
      await patchUser(app, { mfaRecoveryCodes: CODES })
      await challengeDone(app, ctx.cookie!)
      app.clock.advance(30 * 60_000 + 1)
    },
    request: { method: 'GET', url },
    expect: { status: 401, type: 'user_challenge_required' },
  },
  {
    name: 'MFA enforcement comes before the challenge rule',
    as: 'alice',
    before: (app) => patchUser(app, { mfa: true, emailVerification: true, mfaRecoveryCodes: CODES }),
    request: { method: 'GET', url },
    expect: { status: 401, type: 'user_more_factors_required' },
  },
  {
    name: 'no codes yet',
    as: 'alice',
    before: (app, ctx) => challengeDone(app, ctx.cookie!),
    request: { method: 'GET', url },
    expect: { status: 404, type: 'user_recovery_codes_not_found' },
  },
  {
    name: 'the unused codes, exactly 30 minutes after the challenge',
    as: 'alice',
    async before(app, ctx) {
      await patchUser(app, { mfaRecoveryCodes: CODES })
      await challengeDone(app, ctx.cookie!)
      app.clock.advance(30 * 60_000)
    },
    request: { method: 'GET', url },
    expect: { status: 200, body: { recoveryCodes: CODES } },
  },
])
