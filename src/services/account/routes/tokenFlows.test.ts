import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { cookieHeader, PROJECT, USERS, type TestApp } from '../../../../test/harness/app.js'

const lastMessage = async (app: TestApp) => {
  const all = await app.store.messages.list(PROJECT)
  return all[all.length - 1]
}
const cookieOf = (res: { headers: Record<string, unknown> }) => cookieHeader(res.headers['set-cookie'] as string[])

scenarios('account.createVerification and updateVerification', [
  { name: 'guest is refused', request: { method: 'POST', url: '/v1/account/verification', body: { url: 'https://app.example.test/verify' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'url is required', as: 'alice', request: { method: 'POST', url: '/v1/account/verification', body: {} }, expect: { status: 400, message: 'Param "url" is not optional.' } },
  { name: 'a url that is not a URL', as: 'alice', request: { method: 'POST', url: '/v1/account/verification', body: { url: 'not a url' } }, expect: { status: 400, message: 'Invalid `url` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com' } },
  { name: 'a url on a host that is not a registered platform', as: 'alice', request: { method: 'POST', url: '/v1/account/verification', body: { url: 'https://evil.example.org/verify' } }, expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `url` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com' } },
  {
    name: 'a wrong secret',
    as: 'alice',
    request: { method: 'PUT', url: '/v1/account/verification', body: { userId: 'alice', secret: 'wrong' } },
    expect: { status: 401, type: 'user_invalid_token' },
  },
  { name: 'an unknown user', request: { method: 'PUT', url: '/v1/account/verification', body: { userId: 'ghost', secret: 'x' } }, expect: { status: 404, type: 'user_not_found' } },
  {
    name: 'mails a link with userId, secret and expire, and returns a token without its secret',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/verification', body: { url: 'https://app.example.test/verify?from=mail' } },
    expect: { status: 201, body: { userId: 'alice', secret: '', expire: '2024-05-01T11:20:30.123+00:00', phrase: '' } },
    events: { 'users.alice.verification.*.create': 1 },
    async after(_res, app) {
      const mail = await lastMessage(app)
      expect(mail).toMatchObject({ channel: 'email', to: 'alice@example.test', data: { userId: 'alice' } })
      expect(mail.data.secret).toMatch(/^[0-9a-f]{256}$/)
      const url = new URL(mail.data.url)
      expect(url.origin + url.pathname).toBe('https://app.example.test/verify')
      expect(Object.fromEntries(url.searchParams)).toEqual({ from: 'mail', userId: 'alice', secret: mail.data.secret, expire: '2024-05-01T11:20:30.123+00:00' })
      expect(mail.html).toContain(mail.data.url.replace(/&/g, '&#38;'))
      expect(JSON.stringify(await app.store.tokens.list(PROJECT))).not.toContain(mail.data.secret)
    },
  },
  {
    name: 'the link verifies the email once, even for a guest',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'POST', url: '/v1/account/verification', cookie: ctx.cookie, body: { url: 'https://app.example.test/verify' } })
      ctx.secret = (await lastMessage(app)).data.secret
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/verification', cookie: '', body: { userId: 'alice', secret: ctx.secret } }),
    expect: { status: 200, body: { userId: 'alice', secret: '' } },
    events: { 'users.alice.verification.*.update': 1 },
    async after(_res, app, ctx) {
      expect((await app.store.users.get(PROJECT, 'alice'))?.emailVerification).toBe(true)
      const again = await app.request({ method: 'PUT', url: '/v1/account/verification', body: { userId: 'alice', secret: ctx.secret } })
      expect(again.body.type).toBe('user_invalid_token')
      const more = await app.request({ method: 'POST', url: '/v1/account/verification', cookie: ctx.cookie, body: { url: 'https://app.example.test/verify' } })
      expect([more.status, more.body.type]).toEqual([409, 'user_email_already_verified'])
    },
  },
  {
    name: 'an expired link',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'POST', url: '/v1/account/verification', cookie: ctx.cookie, body: { url: 'https://app.example.test/verify' } })
      ctx.secret = (await lastMessage(app)).data.secret
      app.clock.advance(3_600_001)
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/verification', body: { userId: 'alice', secret: ctx.secret } }),
    expect: { status: 401, type: 'user_invalid_token' },
  },
])

scenarios('phone verification', [
  { name: 'no phone on the account', as: 'alice', request: { method: 'POST', url: '/v1/account/verification/phone' }, expect: { status: 400, type: 'user_phone_not_found' } },
  {
    name: 'texts a 6-digit code that verifies the phone',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'PATCH', url: '/v1/account/phone', cookie: ctx.cookie, body: { phone: '+15555550123', password: USERS.alice.password } })
      await app.request({ method: 'POST', url: '/v1/account/verification/phone', cookie: ctx.cookie })
      ctx.code = (await lastMessage(app)).data.secret
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/verification/phone', body: { userId: 'alice', secret: ctx.code } }),
    expect: { status: 200, body: { userId: 'alice' } },
    async after(_res, app, ctx) {
      expect(ctx.code).toMatch(/^\d{6}$/)
      const sms = await lastMessage(app)
      expect(sms).toMatchObject({ channel: 'sms', to: '+15555550123', subject: '' })
      expect(sms.text).toContain(ctx.code as string)
      expect((await app.store.users.get(PROJECT, 'alice'))?.phoneVerification).toBe(true)
      const again = await app.request({ method: 'POST', url: '/v1/account/verification/phone', cookie: ctx.cookie })
      expect(again.body.type).toBe('user_phone_already_verified')
    },
  },
])

scenarios('account.createRecovery and updateRecovery', [
  { name: 'an unknown email', request: { method: 'POST', url: '/v1/account/recovery', body: { email: 'ghost@example.test', url: 'https://app.example.test/reset' } }, expect: { status: 404, type: 'user_not_found' } },
  {
    name: 'a weak new password',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: USERS.alice.email, url: 'https://app.example.test/reset' } })
      ctx.secret = (await lastMessage(app)).data.secret
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/recovery', cookie: '', body: { userId: 'alice', secret: ctx.secret, password: 'short' } }),
    expect: { status: 400, type: 'general_argument_invalid' },
  },
  {
    name: 'resets the password with the mailed secret, once',
    as: 'alice',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: 'ALICE@example.test', url: 'https://app.example.test/reset' } })
      expect(res.status).toBe(201)
      ctx.secret = (await lastMessage(app)).data.secret
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/recovery', cookie: '', body: { userId: 'alice', secret: ctx.secret, password: 'brand-new-password' } }),
    expect: { status: 200, body: { userId: 'alice', secret: '' } },
    events: { 'users.alice.recovery.*.update': 1 },
    async after(_res, app, ctx) {
      const login = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: 'brand-new-password' } })
      expect(login.status).toBe(201)
      expect((await app.store.users.get(PROJECT, 'alice'))?.emailVerification).toBe(true)
      const again = await app.request({ method: 'PUT', url: '/v1/account/recovery', body: { userId: 'alice', secret: ctx.secret, password: 'another-password' } })
      expect(again.body.type).toBe('user_invalid_token')
    },
  },
])

scenarios('account.createEmailToken', [
  { name: 'a strict boolean for phrase', request: { method: 'POST', url: '/v1/account/tokens/email', body: { userId: 'unique()', email: 'x@example.test', phrase: 'true' } }, expect: { status: 400, message: 'Invalid `phrase` param: Value must be a valid boolean' } },
  {
    name: 'an unknown email gets a new user and a 6-digit code that signs in once',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url: '/v1/account/tokens/email', body: { userId: 'otp-user', email: 'OTP@example.test', phrase: true } })
      expect(res.status).toBe(201)
      expect(res.body).toMatchObject({ userId: 'otp-user', secret: '', expire: '2024-05-01T10:35:30.123+00:00' })
      expect(res.body.phrase).toMatch(/^\w+ \w+$/)
      const mail = await lastMessage(app)
      expect(mail).toMatchObject({ subject: 'OTP for test-project Login', to: 'otp@example.test', data: { phrase: res.body.phrase } })
      ctx.code = mail.data.secret
    },
    request: (ctx) => ({ method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'otp-user', secret: ctx.code } }),
    expect: { status: 201, body: { provider: 'token', factors: ['email'], userId: 'otp-user' }, headers: { 'x-fallback-cookies': /a_session_test-project/ } },
    async after(res, app, ctx) {
      const me = await app.request({ method: 'GET', url: '/v1/account', cookie: cookieOf(res) })
      expect(me.body).toMatchObject({ email: 'otp@example.test', emailVerification: true, passwordUpdate: '', name: '' })
      const again = await app.request({ method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'otp-user', secret: ctx.code } })
      expect(again.body.type).toBe('user_invalid_token')
    },
  },
])

scenarios('account.createMagicURLToken', [
  {
    name: 'a known email signs in through the link; the alias and default URL work',
    as: 'alice',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url: '/v1/account/sessions/magic-url', cookie: '', body: { userId: 'unique()', email: USERS.alice.email } })
      expect(res.body.userId).toBe('alice')
      const mail = await lastMessage(app)
      expect(mail.data.secret).toMatch(/^[0-9a-f]{64}$/)
      expect(mail.data.url).toMatch(/^http:\/\/localhost(:\d+)?\/auth\/magic-url\?userId=alice&secret=[0-9a-f]{64}&expire=.*&project=test-project$/)
      ctx.secret = mail.data.secret
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/sessions/magic-url', cookie: '', body: { userId: 'alice', secret: ctx.secret } }),
    expect: { status: 201, body: { provider: 'magic-url', factors: ['email'] } },
    events: { 'users.alice.sessions.*.create': 1 },
  },
  {
    name: 'an expired link does not sign in',
    async before(app, ctx) {
      await app.request({ method: 'POST', url: '/v1/account/tokens/magic-url', body: { userId: 'm1', email: 'm1@example.test', url: 'https://app.example.test/done' } })
      ctx.secret = (await lastMessage(app)).data.secret
      app.clock.advance(3_600_001)
    },
    request: (ctx) => ({ method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'm1', secret: ctx.secret } }),
    expect: { status: 401, type: 'user_invalid_token' },
  },
  {
    name: 'signing in while signed in',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'alice', secret: 'x' } },
    expect: { status: 401, type: 'user_session_already_exists' },
  },
])

scenarios('account.createPhoneToken', [
  { name: 'a malformed number', request: { method: 'POST', url: '/v1/account/tokens/phone', body: { userId: 'unique()', phone: '555-0100' } }, expect: { status: 400, type: 'general_argument_invalid' } },
  {
    name: 'texts a code; the session verifies the phone and the user gets an sms target',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url: '/v1/account/tokens/phone', body: { userId: 'p1', phone: '+15555550199' } })
      expect(res.status).toBe(201)
      ctx.code = (await lastMessage(app)).data.secret
    },
    request: (ctx) => ({ method: 'PUT', url: '/v1/account/sessions/phone', body: { userId: 'p1', secret: ctx.code } }),
    expect: { status: 201, body: { provider: 'phone', factors: ['phone'] } },
    async after(res, app) {
      const me = await app.request({ method: 'GET', url: '/v1/account', cookie: cookieOf(res) })
      expect(me.body).toMatchObject({ phone: '+15555550199', phoneVerification: true, targets: [{ providerType: 'sms', identifier: '+15555550199' }] })
    },
  },
])

scenarios('token exchange refuses the wrong kinds of token', [
  {
    name: 'a recovery secret cannot make a session',
    async before(app, ctx) {
      await app.signIn(USERS.alice)
      await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: USERS.alice.email, url: 'https://app.example.test/reset' } })
      ctx.secret = (await lastMessage(app)).data.secret
    },
    request: (ctx) => ({ method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'alice', secret: ctx.secret } }),
    expect: { status: 401, type: 'user_invalid_token' },
    async after(_res, app, ctx) {
      const reset = await app.request({ method: 'PUT', url: '/v1/account/recovery', body: { userId: 'alice', secret: ctx.secret, password: 'still-usable-1' } })
      expect(reset.status).toBe(200)
    },
  },
  { name: 'an unknown user', request: { method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'ghost', secret: 'x' } }, expect: { status: 401, type: 'user_invalid_token' } },
])

scenarios('push targets', [
  { name: 'guest is refused', request: { method: 'POST', url: '/v1/account/targets/push', body: { targetId: 't1', identifier: 'tok' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'creates a push target named after the device',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/targets/push', body: { targetId: 'phone1', identifier: 'fcm-token-1' }, headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' } },
    expect: { status: 201, body: { $id: 'phone1', providerType: 'push', identifier: 'fcm-token-1', name: 'Apple iPhone', userId: 'alice', providerId: null } },
    async after(_res, app, ctx) {
      const dup = await app.request({ method: 'POST', url: '/v1/account/targets/push', cookie: ctx.cookie, body: { targetId: 'phone1', identifier: 'x' } })
      expect([dup.status, dup.body.type]).toEqual([409, 'user_target_already_exists'])
      const upd = await app.request({ method: 'PUT', url: '/v1/account/targets/phone1/push', cookie: ctx.cookie, body: { identifier: 'fcm-token-2' } })
      expect(upd.body.identifier).toBe('fcm-token-2')
      const bob = await app.signIn(USERS.bob)
      const other = await app.request({ method: 'PUT', url: '/v1/account/targets/phone1/push', cookie: bob, body: { identifier: 'stolen' } })
      expect([other.status, other.body.type]).toEqual([404, 'user_target_not_found'])
      const del = await app.request({ method: 'DELETE', url: '/v1/account/targets/phone1/push', cookie: ctx.cookie })
      expect(del.status).toBe(204)
      const me = await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })
      expect(me.body.targets.map((t: any) => t.providerType)).toEqual(['email'])
    },
  },
])

scenarios('mock phone numbers', [
  {
    name: 'use the configured code and send no SMS',
    async before(app, ctx) {
      const project = await app.services.projects.get(PROJECT)
      ;(project!.settings.security as { mockNumbers: unknown[] }).mockNumbers = [{ phone: '+15550000000', otp: '123456' }]
      await app.request({ method: 'POST', url: '/v1/account/tokens/phone', body: { userId: 'mock', phone: '+15550000000' } })
      ctx.count = (await app.store.messages.list(PROJECT)).length
    },
    request: { method: 'POST', url: '/v1/account/sessions/token', body: { userId: 'mock', secret: '123456' } },
    expect: { status: 201 },
    async after(_res, _app, ctx) {
      expect(ctx.count).toBe(0)
    },
  },
])
