import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { cookieHeader, USERS } from '../../../../test/harness/app.js'

/** A second session for alice, made by signing in again without the first cookie. */
async function secondSession(app: any, ctx: any) {
  const res = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: USERS.alice.password } })
  ctx.other = res.body.$id
  ctx.otherCookie = cookieHeader(res.headers['set-cookie'])
}

scenarios('account.listSessions', [
  { name: 'guest is refused', request: { method: 'GET', url: '/v1/account/sessions' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'lists every session with the current one marked',
    as: 'alice',
    before: secondSession,
    request: { method: 'GET', url: '/v1/account/sessions' },
    expect: { status: 200, body: { total: 2 } },
    async after(res, _app, ctx) {
      const current = res.body.sessions.filter((s: any) => s.current)
      expect(current).toHaveLength(1)
      expect(current[0].$id).not.toBe(ctx.other)
      expect(res.body.sessions.every((s: any) => s.secret === '')).toBe(true)
    },
  },
])

scenarios('account.getSession', [
  { name: 'a bad session ID', as: 'alice', request: { method: 'GET', url: '/v1/account/sessions/_x' }, expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `sessionId` param: UID must contain at most 36 chars/ } },
  { name: 'an unknown session', as: 'alice', request: { method: 'GET', url: '/v1/account/sessions/nope' }, expect: { status: 404, type: 'user_session_not_found' } },
  {
    name: "another user's session reads as missing",
    as: 'alice',
    async before(app, ctx) {
      const bob = await app.signIn(USERS.bob)
      const res = await app.request({ method: 'GET', url: '/v1/account/sessions/current', cookie: bob })
      ctx.bobSession = res.body.$id
    },
    request: (ctx) => ({ method: 'GET', url: `/v1/account/sessions/${ctx.bobSession}` }),
    expect: { status: 404, type: 'user_session_not_found' },
  },
  { name: '`current` is the caller\'s session', as: 'alice', request: { method: 'GET', url: '/v1/account/sessions/current' }, expect: { status: 200, body: { current: true, userId: 'alice', provider: 'email' } } },
])

scenarios('account.updateSession', [
  {
    name: 'extends the expiry by the session duration from now',
    as: 'alice',
    async before(app) {
      app.clock.advance(86_400_000)
    },
    request: { method: 'PATCH', url: '/v1/account/sessions/current' },
    expect: { status: 200, body: { expire: '2025-05-02T10:20:30.123+00:00', $updatedAt: '2024-05-02T10:20:30.123+00:00' } },
    events: { 'users.alice.sessions.*.update': 1 },
  },
])

scenarios('account.deleteSession', [
  { name: 'guest is refused', request: { method: 'DELETE', url: '/v1/account/sessions/current' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'an unknown session', as: 'alice', request: { method: 'DELETE', url: '/v1/account/sessions/nope' }, expect: { status: 404, type: 'user_session_not_found' } },
  {
    name: 'deleting another session keeps the caller signed in',
    as: 'alice',
    before: secondSession,
    request: (ctx) => ({ method: 'DELETE', url: `/v1/account/sessions/${ctx.other}` }),
    expect: { status: 204, headers: { 'set-cookie': undefined, 'x-fallback-cookies': undefined } },
    async after(res, app, ctx) {
      expect(res.text).toBe('')
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).status).toBe(200)
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.otherCookie as string })).status).toBe(401)
    },
  },
  {
    name: 'deleting the current session clears both cookies and the fallback',
    as: 'alice',
    request: { method: 'DELETE', url: '/v1/account/sessions/current' },
    expect: { status: 204, headers: { 'x-fallback-cookies': '[]' } },
    events: { 'users.alice.sessions.*.delete': 1 },
    async after(res, app, ctx) {
      const cookies = res.headers['set-cookie'] as string[]
      expect(cookies[0]).toMatch(/^a_session_test-project_legacy=deleted; expires=Thu, 01 Jan 1970/)
      expect(cookies[1]).toMatch(/^a_session_test-project=deleted;/)
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).status).toBe(401)
    },
  },
])

scenarios('account.deleteSessions', [
  {
    name: 'signs out everywhere',
    as: 'alice',
    before: secondSession,
    request: { method: 'DELETE', url: '/v1/account/sessions' },
    expect: { status: 204, headers: { 'x-fallback-cookies': '[]', 'x-ratelimit-limit': '100' } },
    events: { 'users.alice.sessions.*.delete': 2 },
    async after(_res, app, ctx) {
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.otherCookie as string })).status).toBe(401)
    },
  },
])

scenarios('session expiry and limits', [
  {
    name: 'an expired session is a guest',
    as: 'alice',
    async before(app) {
      app.clock.advance(366 * 86_400_000)
    },
    request: { method: 'GET', url: '/v1/account' },
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
  {
    name: 'the eleventh sign-in drops the oldest session',
    as: 'alice',
    async before(app) {
      for (let i = 0; i < 10; i++) {
        app.clock.advance(1000)
        await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: USERS.alice.email, password: USERS.alice.password } })
      }
    },
    request: { method: 'GET', url: '/v1/account' },
    expect: { status: 401 },
    async after(_res, app) {
      expect(await app.store.sessions.count('test-project', { user_id: 'alice' })).toBe(10)
    },
  },
])
