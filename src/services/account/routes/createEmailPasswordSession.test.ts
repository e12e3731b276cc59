import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { USERS } from '../../../../test/harness/app.js'

const url = '/v1/account/sessions/email'
const signUpAlice = async (app: { request: Function }) => {
  await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'alice', email: USERS.alice.email, password: USERS.alice.password, name: 'Alice' } })
}

scenarios('account.createEmailPasswordSession', [
  { name: 'missing password', request: { method: 'POST', url, body: { email: 'a@b.co' } }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "password" is not optional.' } },
  { name: 'a short password uses the sign-in message', request: { method: 'POST', url, body: { email: 'a@b.co', password: 'x' } }, expect: { status: 400, message: 'Invalid `password` param: Password must be between 8 and 256 characters long.' } },
  { name: 'unknown email', request: { method: 'POST', url, body: { email: 'nobody@example.test', password: 'whatever123' } }, expect: { status: 401, type: 'user_invalid_credentials' } },
  { name: 'wrong password', before: signUpAlice, request: { method: 'POST', url, body: { email: USERS.alice.email, password: 'wrong-password' } }, expect: { status: 401, type: 'user_invalid_credentials' } },
  { name: 'already signed in', as: 'alice', request: { method: 'POST', url, body: { email: USERS.alice.email, password: USERS.alice.password } }, expect: { status: 401, type: 'user_session_already_exists' } },
  {
    name: 'an anonymous user has no password to sign in with',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
      ctx.anonymousId = res.body.userId
    },
    request: { method: 'POST', url, body: { email: 'anon@example.test', password: 'whatever123' } },
    expect: { status: 401, type: 'user_invalid_credentials' },
  },
  {
    name: 'a blocked user is told so after the password checks',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'PATCH', url: '/v1/account/status', cookie: ctx.cookie })
      ctx.cookie = ''
    },
    request: { method: 'POST', url, body: { email: USERS.alice.email, password: USERS.alice.password } },
    expect: { status: 401, type: 'user_blocked' },
  },
  {
    name: 'the alias POST /account/sessions signs in too',
    before: signUpAlice,
    request: { method: 'POST', url: '/v1/account/sessions', body: { email: USERS.alice.email, password: USERS.alice.password } },
    expect: { status: 201, body: { provider: 'email' } },
  },
  {
    name: 'signs in with cookies, fallback header and a password factor',
    before: signUpAlice,
    request: {
      method: 'POST',
      url,
      body: { email: 'ALICE@example.test', password: USERS.alice.password },
      headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36' },
    },
    expect: {
      status: 201,
      body: {
        userId: 'alice', provider: 'email', providerUid: 'alice@example.test', factors: ['password'], current: true, secret: '',
        expire: '2025-05-01T10:20:30.123+00:00', countryCode: '--', countryName: 'Unknown', mfaUpdatedAt: '',
        osCode: 'WIN', osName: 'Windows', osVersion: '10', clientType: 'browser', clientCode: 'CH', clientName: 'Chrome',
        clientVersion: '70.0', clientEngine: 'Blink', deviceName: 'desktop', deviceBrand: '', deviceModel: '',
      },
      headers: { 'x-fallback-cookies': /^\{"a_session_test-project":"[A-Za-z0-9+\\/=]+"\}$/ },
    },
    events: { 'users.alice.sessions.*.create': 1 },
    async after(res, app) {
      const cookies = res.headers['set-cookie'] as string[]
      expect(cookies).toHaveLength(2)
      expect(cookies[0]).toMatch(/^a_session_test-project_legacy=[^;]+; expires=Thu, 01 May 2025 10:20:30 GMT; path=\/; httponly$/)
      expect(cookies[1]).toMatch(/^a_session_test-project=[^;]+; expires=.*; path=\/; httponly; SameSite=None$/)
      const value = JSON.parse(Buffer.from(decodeURIComponent(cookies[1].split(';')[0].split('=').slice(1).join('=')), 'base64').toString())
      expect(value.id).toBe('alice')
      expect(value.secret).toMatch(/^[0-9a-f]{256}$/)
      const stored = await app.store.sessions.list('test-project', { user_id: 'alice' })
      expect(JSON.stringify(stored)).not.toContain(value.secret)
    },
  },
  {
    name: 'a project ID with capitals gets a lower-cased cookie name and a cased fallback key',
    async before(app) {
      await app.request({ method: 'POST', url: '/v1/account', project: 'MyProj', body: { userId: 'alice', email: USERS.alice.email, password: USERS.alice.password } })
    },
    request: { method: 'POST', url, project: 'MyProj', body: { email: USERS.alice.email, password: USERS.alice.password } },
    expect: { status: 201, headers: { 'x-fallback-cookies': /^\{"a_session_MyProj":/ } },
    async after(res) {
      expect((res.headers['set-cookie'] as string[])[1]).toMatch(/^a_session_myproj=/)
    },
  },
  {
    name: 'a page on the same site gets no fallback header',
    before: signUpAlice,
    request: { method: 'POST', url, body: { email: USERS.alice.email, password: USERS.alice.password }, headers: { host: 'api.example.com', origin: 'https://app.example.com' } },
    expect: { status: 201, headers: { 'x-fallback-cookies': undefined } },
    async after(res) {
      expect((res.headers['set-cookie'] as string[])[0]).toContain('domain=.api.example.com')
    },
  },
])
