import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { USERS } from '../../../../test/harness/app.js'

scenarios('account.updateName', [
  { name: 'guest is refused', request: { method: 'PATCH', url: '/v1/account/name', body: { name: 'X' } }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'missing name', as: 'alice', request: { method: 'PATCH', url: '/v1/account/name', body: {} }, expect: { status: 400, message: 'Param "name" is not optional.' } },
  { name: 'an empty name', as: 'alice', request: { method: 'PATCH', url: '/v1/account/name', body: { name: '' } }, expect: { status: 400, type: 'general_argument_invalid' } },
  {
    name: 'renames and moves $updatedAt',
    as: 'alice',
    async before(app) {
      app.clock.advance(5000)
    },
    request: { method: 'PATCH', url: '/v1/account/name', body: { name: 'Alice Cooper' } },
    expect: { status: 200, body: { name: 'Alice Cooper', $updatedAt: '2024-05-01T10:20:35.123+00:00', $createdAt: '2024-05-01T10:20:30.123+00:00' } },
    events: { 'users.alice.update.name': 1 },
  },
])

scenarios('account.updatePassword', [
  { name: 'wrong old password', as: 'alice', request: { method: 'PATCH', url: '/v1/account/password', body: { password: 'new-password-1', oldPassword: 'wrong-password' } }, expect: { status: 401, type: 'user_invalid_credentials' } },
  { name: 'missing old password', as: 'alice', request: { method: 'PATCH', url: '/v1/account/password', body: { password: 'new-password-1' } }, expect: { status: 401, type: 'user_invalid_credentials' } },
  { name: 'a short new password', as: 'alice', request: { method: 'PATCH', url: '/v1/account/password', body: { password: 'short', oldPassword: USERS.alice.password } }, expect: { status: 400, type: 'general_argument_invalid' } },
  {
    name: 'changes the password; the old one stops working',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/password', body: { password: 'new-password-1', oldPassword: USERS.alice.password } },
    expect: { status: 200, body: { $id: 'alice' }, headers: { 'x-ratelimit-limit': '10' } },
    events: { 'users.alice.update.password': 1 },
    async after(_res, app) {
      const old = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: USERS.alice.password } })
      expect(old.body.type).toBe('user_invalid_credentials')
      const fresh = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: 'new-password-1' } })
      expect(fresh.status).toBe(201)
    },
  },
])

scenarios('account.updateEmail', [
  { name: 'a bad email', as: 'alice', request: { method: 'PATCH', url: '/v1/account/email', body: { email: 'x', password: USERS.alice.password } }, expect: { status: 400, type: 'general_argument_invalid' } },
  { name: 'wrong password', as: 'alice', request: { method: 'PATCH', url: '/v1/account/email', body: { email: 'new@example.test', password: 'wrong-password' } }, expect: { status: 401, type: 'user_invalid_credentials' } },
  {
    name: "another account's email is a target that already exists",
    as: 'alice',
    async before(app) {
      await app.signIn(USERS.bob)
    },
    request: { method: 'PATCH', url: '/v1/account/email', body: { email: USERS.bob.email, password: USERS.alice.password } },
    expect: { status: 409, type: 'user_target_already_exists' },
    async after(_res, app) {
      expect((await app.store.users.get('test-project', 'alice'))?.email).toBe(USERS.alice.email)
    },
  },
  {
    name: 'changes the email, lower-cased, and its target',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/email', body: { email: 'New@Example.test', password: USERS.alice.password } },
    expect: { status: 200, body: { email: 'new@example.test', emailVerification: false, targets: [{ providerType: 'email', identifier: 'new@example.test' }] } },
    events: { 'users.alice.update.email': 1 },
  },
])

scenarios('account.updatePhone', [
  {
    name: 'a number without a plus',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/phone', body: { phone: '15555550100', password: USERS.alice.password } },
    expect: { status: 400, message: "Invalid `phone` param: Phone number must start with a '+' can have a maximum of fifteen digits." },
  },
  { name: 'wrong password', as: 'alice', request: { method: 'PATCH', url: '/v1/account/phone', body: { phone: '+15555550100', password: 'wrong-password' } }, expect: { status: 401, type: 'user_invalid_credentials' } },
  {
    name: "another account's phone",
    as: 'alice',
    async before(app) {
      const bob = await app.signIn(USERS.bob)
      await app.request({ method: 'PATCH', url: '/v1/account/phone', cookie: bob, body: { phone: '+15555550100', password: USERS.bob.password } })
    },
    request: { method: 'PATCH', url: '/v1/account/phone', body: { phone: '+15555550100', password: USERS.alice.password } },
    expect: { status: 409, type: 'user_target_already_exists' },
  },
  {
    name: 'sets the phone and an sms target',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/phone', body: { phone: '+15555550100', password: USERS.alice.password } },
    expect: { status: 200, body: { phone: '+15555550100', phoneVerification: false } },
    async after(res) {
      expect(res.body.targets.map((t: any) => t.providerType).sort()).toEqual(['email', 'sms'])
    },
  },
])

scenarios('account.updatePrefs and getPrefs', [
  { name: 'a list is not an object', as: 'alice', request: { method: 'PATCH', url: '/v1/account/prefs', body: { prefs: [1, 2] } }, expect: { status: 400, message: 'Invalid `prefs` param: Value must be a valid object.' } },
  { name: 'a string is not an object', as: 'alice', request: { method: 'PATCH', url: '/v1/account/prefs', body: { prefs: 'x' } }, expect: { status: 400, type: 'general_argument_invalid' } },
  {
    name: 'prefs over 65,535 chars as PHP encodes them (emoji count 12)',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/prefs', body: { prefs: { longValue: '🍰'.repeat(6000) } } },
    expect: {
      status: 400,
      type: 'document_invalid_structure',
      message: 'Invalid document structure: Attribute "prefs" has invalid type. Value must be a valid string and no longer than 65535 chars',
    },
  },
  { name: 'a long plain string', as: 'alice', request: { method: 'PATCH', url: '/v1/account/prefs', body: { prefs: { v: '-'.repeat(100000) } } }, expect: { status: 400, type: 'document_invalid_structure' } },
  {
    name: 'replaces all prefs',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'PATCH', url: '/v1/account/prefs', cookie: ctx.cookie, body: { prefs: { old: 1 } } })
    },
    request: { method: 'PATCH', url: '/v1/account/prefs', body: { prefs: { theme: 'dark', nested: { a: [1, 2] } } } },
    expect: { status: 200, body: { prefs: { theme: 'dark', nested: { a: [1, 2] } } } },
    events: { 'users.alice.update.prefs': 1 },
    async after(_res, app, ctx) {
      const prefs = await app.request({ method: 'GET', url: '/v1/account/prefs', cookie: ctx.cookie })
      expect(prefs.body).toEqual({ theme: 'dark', nested: { a: [1, 2] } })
    },
  },
])

scenarios('account.updateStatus', [
  {
    name: 'blocks the account and signs this client out',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/status' },
    expect: { status: 200, body: { status: false }, headers: { 'x-fallback-cookies': '[]' } },
    events: { 'users.alice.update.status': 1 },
    async after(res, app, ctx) {
      expect(String(res.headers['set-cookie'])).toContain('a_session_test-project=deleted')
      const again = await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })
      expect(again.status).toBe(401)
      expect(again.body.type).toBe('user_blocked')
    },
  },
])

scenarios('X-Appwrite-Timestamp on account updates', [
  {
    name: 'an older timestamp than the account is a conflict, and nothing changes',
    as: 'alice',
    async before(app) {
      app.clock.advance(1000)
    },
    request: { method: 'PATCH', url: '/v1/account/name', body: { name: 'Late' }, headers: { 'x-appwrite-timestamp': '2024-05-01T10:20:29.000+00:00' } },
    expect: { status: 409, type: 'document_update_conflict', message: 'Remote document is newer than local.' },
    async after(_res, app) {
      expect((await app.store.users.get('test-project', 'alice'))?.name).toBe('Alice')
    },
  },
  {
    name: 'an unparseable timestamp',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/prefs', body: { prefs: {} }, headers: { 'x-appwrite-timestamp': 'yesterday-ish' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid X-Appwrite-Timestamp header value' },
  },
  {
    name: 'a current timestamp passes',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/name', body: { name: 'Now' }, headers: { 'x-appwrite-timestamp': '2024-05-01T10:20:31.000Z' } },
    expect: { status: 200, body: { name: 'Now' } },
  },
  {
    name: 'routes that do not honour it ignore a bad one',
    as: 'alice',
    request: { method: 'GET', url: '/v1/account', headers: { 'x-appwrite-timestamp': 'garbage' } },
    expect: { status: 200 },
  },
])
