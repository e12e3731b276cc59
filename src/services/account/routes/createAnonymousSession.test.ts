import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'

const url = '/v1/account/sessions/anonymous'

scenarios('account.createAnonymousSession', [
  { name: 'already signed in', as: 'alice', request: { method: 'POST', url }, expect: { status: 401, type: 'user_session_already_exists' } },
  { name: 'not on the console project', request: { method: 'POST', url, project: null }, expect: { status: 401, type: 'user_anonymous_console_prohibited' } },
  {
    name: 'creates a user with no credentials and signs it in',
    request: { method: 'POST', url },
    expect: { status: 201, body: { provider: 'anonymous', providerUid: '', factors: ['anonymous'], current: true }, headers: { 'x-ratelimit-limit': '50' } },
    events: { 'users.*.create': 1, 'users.*.sessions.*.create': 1 },
    async after(res, app) {
      const cookie = (res.headers['set-cookie'] as string[])[1].split(';')[0]
      const me = await app.request({ method: 'GET', url: '/v1/account', cookie })
      expect(me.body).toMatchObject({ $id: res.body.userId, email: '', phone: '', name: '', passwordUpdate: '', targets: [] })
    },
  },
  {
    name: 'converts to an email account without an old password',
    async before(app, ctx) {
      const res = await app.request({ method: 'POST', url })
      ctx.cookie = (res.headers['set-cookie'] as string[])[1].split(';')[0]
    },
    request: { method: 'PATCH', url: '/v1/account/email', body: { email: 'anon@example.test', password: 'new-password-1' } },
    expect: { status: 200, body: { email: 'anon@example.test', emailVerification: false, targets: [{ providerType: 'email', identifier: 'anon@example.test' }] } },
    async after(_res, app) {
      const login = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: 'anon@example.test', password: 'new-password-1' } })
      expect(login.status).toBe(201)
    },
  },
])
