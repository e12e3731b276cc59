import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'

async function jwtFor(app: any, ctx: any) {
  const res = await app.request({ method: 'POST', url: '/v1/account/jwt', cookie: ctx.cookie })
  ctx.jwt = res.body.jwt
}

scenarios('account.createJWT', [
  { name: 'guest is refused', request: { method: 'POST', url: '/v1/account/jwt' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'a JWT caller has no session to make another JWT from',
    as: 'alice',
    before: jwtFor,
    request: (ctx) => ({ method: 'POST', url: '/v1/account/jwt', cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 404, type: 'user_session_not_found' },
  },
  {
    name: 'issues an HS256 token of userId, sessionId and a 15-minute expiry',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/jwt' },
    expect: { status: 201, headers: { 'x-ratelimit-limit': '100' } },
    async after(res) {
      const [header, payload] = res.body.jwt.split('.').slice(0, 2).map((p: string) => JSON.parse(Buffer.from(p, 'base64url').toString()))
      expect(header).toEqual({ typ: 'JWT', alg: 'HS256' })
      expect(Object.keys(payload).sort()).toEqual(['exp', 'sessionId', 'userId'])
      expect(payload.userId).toBe('alice')
      expect(payload.exp).toBe(Date.parse('2024-05-01T10:20:30.123Z') / 1000 + 900 - 0.123)
    },
  },
])

scenarios('X-Appwrite-JWT', [
  {
    name: 'a valid JWT acts as the user',
    as: 'alice',
    before: jwtFor,
    request: (ctx) => ({ method: 'GET', url: '/v1/account', cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 200, body: { $id: 'alice' } },
  },
  {
    name: 'an expired JWT, past the 10 s leeway',
    as: 'alice',
    async before(app, ctx) {
      await jwtFor(app, ctx)
      app.clock.advance(911_000)
    },
    request: (ctx) => ({ method: 'GET', url: '/v1/account', cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 401, type: 'user_jwt_invalid', message: 'Failed to verify JWT. Invalid token: Expired' },
  },
  {
    name: 'a tampered JWT',
    as: 'alice',
    before: jwtFor,
    request: (ctx) => ({ method: 'GET', url: '/v1/account', cookie: '', headers: { 'x-appwrite-jwt': `${ctx.jwt}x` } }),
    expect: { status: 401, type: 'user_jwt_invalid', message: 'Failed to verify JWT. Invalid token: Signature failed' },
  },
  { name: 'a JWT with two segments', request: { method: 'GET', url: '/v1/account', headers: { 'x-appwrite-jwt': 'a.b' } }, expect: { status: 401, type: 'user_jwt_invalid', message: 'Failed to verify JWT. Invalid token: Incomplete segments' } },
  {
    name: 'the JWT fails even on routes guests may call',
    request: { method: 'POST', url: '/v1/account/sessions/anonymous', headers: { 'x-appwrite-jwt': 'a.b.c' } },
    expect: { status: 401, type: 'user_jwt_invalid' },
  },
  {
    name: 'a JWT whose session was deleted is a guest',
    as: 'alice',
    async before(app, ctx) {
      await jwtFor(app, ctx)
      await app.request({ method: 'DELETE', url: '/v1/account/sessions/current', cookie: ctx.cookie })
    },
    request: (ctx) => ({ method: 'GET', url: '/v1/account', cookie: '', headers: { 'x-appwrite-jwt': ctx.jwt as string } }),
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
])
