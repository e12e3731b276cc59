import { describe, expect, it } from 'vitest'
import { scenarios } from '../../test/harness/scenarios.js'
import { createTestApp } from '../../test/harness/app.js'
import { defaultSettings, emptyTemplate } from '../config/appwrite-json.js'
import { renderError } from '../errors/render.js'
import { AppwriteException } from '../errors/appwrite-exception.js'

scenarios('request pipeline', [
  { name: 'an unknown route under /v1', request: { method: 'GET', url: '/v1/nope' }, expect: { status: 404, type: 'general_route_not_found', headers: { 'cache-control': 'no-cache, no-store, must-revalidate', expires: '0', pragma: 'no-cache' } } },
  { name: 'an unknown method on a known path', request: { method: 'PUT', url: '/v1/account' }, expect: { status: 404, type: 'general_route_not_found' } },
  { name: 'an unknown route for an invalid project names the project first', request: { method: 'GET', url: '/v1/nope', project: '!!' }, expect: { status: 404, type: 'project_not_found' } },
  {
    name: 'OPTIONS on any path is 204 with credentials and the origin echoed',
    request: { method: 'OPTIONS', url: '/v1/anything/at/all', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } },
    expect: {
      status: 204,
      headers: {
        'access-control-allow-origin': 'http://localhost:5173',
        'access-control-allow-credentials': 'true',
        'access-control-expose-headers': 'X-Appwrite-Session, X-Fallback-Cookies',
        'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE',
        'access-control-allow-headers': /X-Fallback-Cookies$/,
      },
    },
  },
  {
    name: 'every response carries Appwrite\'s headers',
    request: { method: 'GET', url: '/v1/account', headers: { origin: 'https://app.example.test' } },
    expect: {
      status: 401,
      headers: {
        server: 'Appwrite',
        'x-content-type-options': 'nosniff',
        'access-control-allow-origin': 'https://app.example.test',
        'access-control-allow-credentials': 'true',
        'access-control-allow-headers': /X-Appwrite-Project, X-Appwrite-Key.*Content-Range, Range/,
        'x-debug-fallback': 'true',
      },
    },
  },
  {
    name: 'GET reads the query string only: a body is ignored',
    as: 'alice',
    request: { method: 'GET', url: '/v1/account/logs', body: { queries: ['garbage'] } },
    expect: { status: 200 },
  },
  {
    name: 'PHP-style indexed arrays in the query string',
    as: 'alice',
    request: { method: 'GET', url: `/v1/account/logs?queries[0]=${encodeURIComponent('{"method":"limit","values":[1]}')}` },
    expect: { status: 200, body: { total: 2 } },
    async after(res) {
      expect(res.body.logs).toHaveLength(1)
    },
  },
  {
    name: 'non-GET methods read the body only: query params are ignored',
    request: { method: 'POST', url: '/v1/account?userId=x&email=a@b.co&password=password1', body: {} },
    expect: { status: 400, message: 'Param "userId" is not optional.' },
  },
  {
    name: 'form-encoded bodies are read',
    request: { method: 'POST', url: '/v1/account', body: 'userId=formuser&email=form%40example.test&password=password123', headers: { 'content-type': 'application/x-www-form-urlencoded' } },
    expect: { status: 201, body: { $id: 'formuser', email: 'form@example.test' } },
  },
  {
    name: 'an unknown content type reads as no params',
    request: { method: 'POST', url: '/v1/account', body: 'hello', headers: { 'content-type': 'text/plain' } },
    expect: { status: 400, message: 'Param "userId" is not optional.' },
  },
  {
    name: 'unknown params are ignored',
    request: { method: 'POST', url: '/v1/account', body: { userId: 'x1', email: 'x1@example.test', password: 'password123', admin: true } },
    expect: { status: 201, absent: ['admin'] },
  },
  {
    name: 'path params win over body values',
    as: 'alice',
    request: { method: 'DELETE', url: '/v1/account/sessions/nope', body: { sessionId: 'current' } },
    expect: { status: 404, type: 'user_session_not_found' },
  },
  {
    name: 'a body over 12 MB is refused with 413',
    request: { method: 'POST', url: '/v1/account', body: JSON.stringify({ name: 'x'.repeat(12 * 1024 * 1024 + 10) }) },
    expect: { status: 413 },
  },
  {
    name: 'the scope check comes before param validation',
    request: { method: 'PATCH', url: '/v1/account/name', body: { name: 42 } },
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
  {
    name: 'the session check comes before param validation',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/sessions/email', body: {} },
    expect: { status: 401, type: 'user_session_already_exists' },
  },
  {
    name: 'HEAD is answered like GET without a body',
    request: { method: 'HEAD', url: '/_emulator/health' },
    expect: { status: 200 },
    async after(res) {
      expect(res.text).toBe('')
    },
  },
  {
    name: 'JSON escapes slashes as PHP does',
    request: { method: 'POST', url: '/v1/account', body: { userId: 'slashy', email: 's@example.test', password: 'password123', name: 'a/b' } },
    expect: { status: 201 },
    async after(res) {
      expect(res.text).toContain('"name":"a\\/b"')
    },
  },
])

describe('project settings', () => {
  const withSettings = (mutate: (s: ReturnType<typeof defaultSettings>) => void) => {
    const template = emptyTemplate()
    mutate(template.settings)
    return createTestApp({ template })
  }

  it('a disabled service answers general_service_disabled', async () => {
    const app = await withSettings((s) => (s.services.account = false))
    const res = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
    expect([res.status, res.body.type]).toEqual([403, 'general_service_disabled'])
    await app.close()
  })

  it('the console project ignores the app settings', async () => {
    const app = await withSettings((s) => (s.services.account = false))
    const res = await app.request({ method: 'POST', url: '/v1/account', project: null, body: { userId: 'c1', email: 'c1@example.test', password: 'password123' } })
    expect(res.status).toBe(201)
    await app.close()
  })

  it('a disabled auth method answers user_auth_method_unsupported (501) after the scope check', async () => {
    const app = await withSettings((s) => (s.authMethods.anonymous = false))
    const res = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
    expect([res.status, res.body.type]).toEqual([501, 'user_auth_method_unsupported'])
    await app.close()
  })

  it('the user limit answers user_count_exceeded', async () => {
    const app = await withSettings((s) => (s.security.limit = 1))
    expect((await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })).status).toBe(201)
    const res = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u2', email: 'u2@example.test', password: 'password123' } })
    expect([res.status, res.body.type]).toEqual([400, 'user_count_exceeded'])
    await app.close()
  })

  it('the session duration sets the expiry', async () => {
    const app = await withSettings((s) => (s.security.duration = 60))
    const res = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
    expect(res.body.expire).toBe('2024-05-01T10:21:30.123+00:00')
    app.clock.advance(61_000)
    const cookie = (res.headers['set-cookie'] as string[])[1].split(';')[0]
    expect((await app.request({ method: 'GET', url: '/v1/account', cookie })).status).toBe(401)
    await app.close()
  })

  it('the password dictionary refuses common passwords', async () => {
    const app = await withSettings((s) => (s.security.passwordDictionary = true))
    const res = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'password123' } })
    expect([res.status, res.body.message]).toEqual([400, 'Invalid `password` param: Password must be between 8 and 265 characters long, and should not be one of the commonly used password.'])
    const ok = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'correct horse battery' } })
    expect(ok.status).toBe(201)
    await app.close()
  })

  it('the personal-data check refuses passwords with the name or email in them', async () => {
    const app = await withSettings((s) => (s.security.personalDataCheck = true))
    const res = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'dana@example.test', password: 'xxDANAxx99', name: 'Dana' } })
    expect([res.status, res.body.type]).toEqual([400, 'password_personal_data'])
    await app.close()
  })

  it('password history refuses a recent password', async () => {
    const app = await withSettings((s) => (s.security.passwordHistory = 2))
    await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'first-password' } })
    const login = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: 'u1@example.test', password: 'first-password' } })
    const cookie = (login.headers['set-cookie'] as string[])[1].split(';')[0]
    const change = (password: string, oldPassword: string) => app.request({ method: 'PATCH', url: '/v1/account/password', cookie, body: { password, oldPassword } })
    expect((await change('second-password', 'first-password')).status).toBe(200)
    const reuse = await change('first-password', 'second-password')
    expect([reuse.status, reuse.body.type]).toEqual([400, 'password_recently_used'])
    await app.close()
  })
})

describe('rate limits', () => {
  it('are counted and enforced with --rate-limits', async () => {
    const app = await createTestApp({ rateLimits: true })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      const res = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: 'same@example.test', password: 'whatever1' } })
      statuses.push(res.status)
      if (i === 9) expect(res.headers['x-ratelimit-remaining']).toBe('0')
    }
    expect(statuses).toEqual([...Array(10).fill(401), 429])
    const other = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: 'other@example.test', password: 'whatever1' } })
    expect(other.status).toBe(401)
    await app.close()
  })

  it('are counted but not enforced by default', async () => {
    const app = await createTestApp()
    let last
    for (let i = 0; i < 12; i++) last = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: 'same@example.test', password: 'whatever1' } })
    expect(last!.status).toBe(401)
    expect(last!.headers['x-ratelimit-remaining']).toBe('0')
    expect(last!.headers['x-ratelimit-reset']).toBe(String(Date.parse('2024-05-01T11:00:00Z') / 1000))
    await app.close()
  })
})

describe('error rendering', () => {
  it('passes through Appwrite\'s client codes', () => {
    expect(renderError(new AppwriteException('user_blocked'))).toEqual({
      status: 401,
      body: { message: 'The current user has been blocked. You can unblock the user by making a request to the User API\'s "Update User Status" endpoint or in the Appwrite Console\'s Auth section.', code: 401, type: 'user_blocked', version: '1.5.11' },
    })
  })
  it('turns other codes into 500 Server Error, keeping the type', () => {
    expect(renderError(new AppwriteException('user_email_not_verified'))).toEqual({ status: 500, body: { message: 'Server Error', code: 500, type: 'user_email_not_verified', version: '1.5.11' } })
    expect(renderError(new AppwriteException('general_protocol_unsupported')).status).toBe(500)
  })
  it('never leaks a non-Appwrite cause', () => {
    expect(renderError(new Error('SQLITE_BUSY at /secret/path'))).toEqual({ status: 500, body: { message: 'Server Error', code: 500, type: 'general_unknown', version: '1.5.11' } })
  })
})

describe('query strings', () => {
  it('parse plain, repeated, bracketed and hostile keys', async () => {
    const { parseQueryString } = await import('./body.js')
    expect(parseQueryString('a=1&a=2&b=%20x+y')).toEqual({ a: ['1', '2'], b: ' x y' })
    expect(parseQueryString('queries[0]=x&queries[1]=y')).toEqual({ queries: ['x', 'y'] })
    expect(parseQueryString('queries%5B%5D=x&queries%5B%5D=y')).toEqual({ queries: ['x', 'y'] })
    const hostile = parseQueryString('__proto__=x&constructor=y&toString=z&ok=1')
    expect(hostile).toEqual({ ok: '1' })
    expect(Object.getPrototypeOf(hostile)).toBe(Object.prototype)
    expect(parseQueryString('')).toEqual({})
  })
})
