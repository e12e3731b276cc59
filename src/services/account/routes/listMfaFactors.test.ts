import { scenarios } from '../../../../test/harness/scenarios.js'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import type { UserRecord } from '../../../store/types.js'

const url = '/v1/account/mfa/factors'

async function patchUser(app: TestApp, patch: Partial<UserRecord>) {
  const user = (await app.store.users.get(PROJECT, 'alice'))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

async function addAuthenticator(app: TestApp, verified: boolean) {
  const at = '2024-05-01T10:00:00.000+00:00'
  await app.store.transaction(() => app.store.authenticators.insert(PROJECT, { id: 'auth1', userId: 'alice', createdAt: at, updatedAt: at, type: 'totp', verified, secret: 'JBSWY3DPEHPK3PXP' }))
}

scenarios('account.listMfaFactors', [
  { name: 'guest is refused', request: { method: 'GET', url }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'a new account has no second factor',
    as: 'alice',
    request: { method: 'GET', url },
    expect: { status: 200, body: { totp: false, phone: false, email: false, recoveryCode: false } },
  },
  {
    name: 'an unverified authenticator, email or phone does not count, nor does an empty set of recovery codes',
    as: 'alice',
    async before(app) {
      await addAuthenticator(app, false)
      await patchUser(app, { phone: '+15555550100', mfaRecoveryCodes: [] })
    },
    request: { method: 'GET', url },
    expect: { status: 200, body: { totp: false, phone: false, email: false, recoveryCode: false } },
  },
  {
    name: 'every verified factor and unused recovery codes count',
    as: 'alice',
    async before(app) {
      await addAuthenticator(app, true)
      await patchUser(app, { emailVerification: true, phone: '+15555550100', phoneVerification: true, mfaRecoveryCodes: ['0123456789'] })
    },
    request: { method: 'GET', url },
    expect: { status: 200, body: { totp: true, phone: true, email: true, recoveryCode: true } },
  },
  {
    name: 'it is in the MFA group: a session still short of factors may read it',
    as: 'alice',
    async before(app) {
      await patchUser(app, { mfa: true, emailVerification: true })
    },
    request: { method: 'GET', url },
    expect: { status: 200, body: { email: true, totp: false } },
  },
])
