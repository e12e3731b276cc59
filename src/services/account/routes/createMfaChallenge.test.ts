import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { cookieHeader, PROJECT, type TestApp } from '../../../../test/harness/app.js'
import type { UserRecord } from '../../../store/types.js'

const url = '/v1/account/mfa/challenge'

async function patchUser(app: TestApp, patch: Partial<UserRecord>) {
  const user = (await app.store.users.get(PROJECT, 'alice'))!
  await app.store.transaction(() => app.store.users.update(PROJECT, { ...user, ...patch }))
}

const challenges = (app: TestApp) => app.store.challenges.list(PROJECT, { user_id: 'alice' })
const messages = (app: TestApp) => app.store.messages.list(PROJECT)

scenarios('account.createMfaChallenge', [
  { name: 'guest is refused: the scope is `account`', request: { method: 'POST', url, body: { factor: 'email' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: '`factor` is required', as: 'alice', request: { method: 'POST', url, body: {} }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "factor" is not optional.' } },
  {
    name: 'an unknown factor; the list is lower-cased as utopia\'s WhiteList keeps it',
    as: 'alice',
    request: { method: 'POST', url, body: { factor: 'sms' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `factor` param: Value must be one of (email, phone, totp, recoverycode)' },
  },
  {
    name: 'an unverified email is a 500 (no catalogue entry in 1.5), and the challenge is stored all the same',
    as: 'alice',
    request: { method: 'POST', url, body: { factor: 'email' } },
    expect: { status: 500, type: 'user_email_not_verified', message: 'Server Error', body: { code: 500 } },
    events: { 'users.*.challenges.*.create': 0 },
    async after(_res, app) {
      expect(await challenges(app)).toHaveLength(1)
      expect(await messages(app)).toEqual([])
    },
  },
  {
    name: 'an account without an email (anonymous) is a 500 as well',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
      ctx.cookie = cookieHeader(res.headers['set-cookie'])
    },
    request: { method: 'POST', url, body: { factor: 'email' } },
    expect: { status: 500, type: 'user_email_not_found', message: 'Server Error' },
  },
  { name: 'no phone number', as: 'alice', request: { method: 'POST', url, body: { factor: 'phone' } }, expect: { status: 400, type: 'user_phone_not_found' } },
  {
    name: 'an unverified phone is a 500',
    as: 'alice',
    before: (app) => patchUser(app, { phone: '+15555550100' }),
    request: { method: 'POST', url, body: { factor: 'phone' } },
    expect: { status: 500, type: 'user_phone_not_verified', message: 'Server Error' },
  },
  {
    name: 'email: a 6-digit code is mailed, and the answer is 200 (not the spec\'s 201)',
    as: 'alice',
    before: (app) => patchUser(app, { emailVerification: true }),
    request: { method: 'POST', url, body: { factor: 'email' } },
    expect: { status: 200, body: { userId: 'alice', $createdAt: '2024-05-01T10:20:30.123+00:00', expire: '2024-05-01T11:20:30.123+00:00' } },
    events: { 'users.alice.challenges.*.create': 1 },
    async after(res, app) {
      expect(Object.keys(res.body)).toEqual(['$id', '$createdAt', 'userId', 'expire'])
      const [mail] = await messages(app)
      expect(mail).toMatchObject({ channel: 'email', to: 'alice@example.test', data: { userId: 'alice', secret: expect.stringMatching(/^\d{6}$/) } })
      expect(mail!.text).toContain(mail!.data.secret)
      expect(mail!.html).toContain(mail!.data.secret)
      const [stored] = await challenges(app)
      expect(stored).toMatchObject({ id: res.body.$id, type: 'email' })
      expect(stored!.codeHash).not.toContain(mail!.data.secret)
    },
  },
  {
    name: 'phone: the code goes out by SMS',
    as: 'alice',
    before: (app) => patchUser(app, { phone: '+15555550100', phoneVerification: true }),
    request: { method: 'POST', url, body: { factor: 'phone' } },
    expect: { status: 200, body: { userId: 'alice' } },
    async after(_res, app) {
      const [sms] = await messages(app)
      expect(sms).toMatchObject({ channel: 'sms', to: '+15555550100', data: { userId: 'alice', secret: expect.stringMatching(/^\d{6}$/) } })
      expect(sms!.text).toContain(sms!.data.secret)
    },
  },
  {
    name: 'totp sends nothing',
    as: 'alice',
    request: { method: 'POST', url, body: { factor: 'totp' } },
    expect: { status: 200, body: { userId: 'alice' } },
    async after(_res, app) {
      expect(await messages(app)).toEqual([])
      expect((await challenges(app))[0]).toMatchObject({ type: 'totp', codeHash: '' })
    },
  },
  {
    name: 'the SDK spells the recovery-code factor `recoverycode`',
    as: 'alice',
    request: { method: 'POST', url, body: { factor: 'recoverycode' } },
    expect: { status: 200 },
    async after(_res, app) {
      expect((await challenges(app))[0]).toMatchObject({ type: 'recoveryCode' })
    },
  },
  {
    name: 'it is in the MFA group: a session short of factors may ask for a challenge',
    as: 'alice',
    before: (app) => patchUser(app, { mfa: true, emailVerification: true }),
    request: { method: 'POST', url, body: { factor: 'email' } },
    expect: { status: 200 },
  },
])
