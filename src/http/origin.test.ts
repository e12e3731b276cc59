import { describe, expect, it, vi } from 'vitest'
import { scenarios } from '../../test/harness/scenarios.js'
import { createTestApp, PROJECT, USERS } from '../../test/harness/app.js'
import { emptyTemplate, type ProjectTemplate } from '../config/appwrite-json.js'

const anonymous = (headers: Record<string, string>, project?: string | null) =>
  ({ method: 'POST' as const, url: '/v1/account/sessions/anonymous', headers, ...(project !== undefined && { project }) })
const refused = (host: string, platform = 'Web') => ({
  status: 403,
  type: 'general_unknown_origin',
  message: `Invalid Origin. Register your new client (${host}) as a new ${platform} platform on your project console dashboard`,
})

// BEHAVIORS §0 step 3 and §22.2: the harness project registers app.example.test and app.example.com.
scenarios('the origin check (registered platforms)', [
  { name: 'a write from an unregistered Origin', request: anonymous({ origin: 'https://evil.example.org' }), expect: refused('evil.example.org') },
  { name: 'the port does not matter, the host does', request: anonymous({ origin: 'http://evil.example.org:5173' }), expect: refused('evil.example.org') },
  { name: 'without Origin, the Referer counts', request: anonymous({ referer: 'https://evil.example.org/page?x=1' }), expect: refused('evil.example.org') },
  { name: 'an app scheme names its platform', request: anonymous({ origin: 'appwrite-ios://com.example.app' }), expect: refused('com.example.app', 'iOS') },
  { name: 'an Android app', request: anonymous({ origin: 'appwrite-android://com.example.app' }), expect: refused('com.example.app', 'Android') },
  { name: 'a scheme no platform has', request: anonymous({ origin: 'chrome-extension://abcdef' }), expect: { status: 403, type: 'general_unknown_origin', message: 'Unsupported platform' } },
  {
    name: 'the origin check comes before the scope check',
    request: { method: 'POST', url: '/v1/account/jwt', headers: { origin: 'https://evil.example.org' } },
    expect: refused('evil.example.org'),
  },
  {
    name: 'a signed-in user is refused too',
    as: 'alice',
    request: { method: 'PATCH', url: '/v1/account/name', body: { name: 'A' }, headers: { origin: 'https://evil.example.org' } },
    expect: refused('evil.example.org'),
  },
  {
    name: 'a DELETE is checked',
    as: 'alice',
    request: { method: 'DELETE', url: '/v1/account/sessions/current', headers: { origin: 'https://evil.example.org' } },
    expect: refused('evil.example.org'),
  },
  { name: 'an API key skips the check', request: anonymous({ origin: 'https://evil.example.org', 'x-appwrite-key': 'anything' }), expect: { status: 201 } },
  { name: 'GET is never origin-checked', request: { method: 'GET', url: '/v1/locale', headers: { origin: 'https://evil.example.org' } }, expect: { status: 200 } },
  { name: 'no Origin and no Referer pass', request: anonymous({}), expect: { status: 201 } },
  { name: 'an Origin without a host passes', request: anonymous({ origin: 'null' }), expect: { status: 201 } },
  { name: 'a registered web platform', request: anonymous({ origin: 'https://app.example.test' }), expect: { status: 201 } },
  { name: 'localhost on any port', request: anonymous({ origin: 'http://localhost:5173' }), expect: { status: 201 } },
  { name: '127.0.0.1', request: anonymous({ origin: 'http://127.0.0.1:3000' }), expect: { status: 201 } },
  { name: '::1', request: anonymous({ origin: 'http://[::1]:3000' }), expect: { status: 201 } },
  { name: 'the API\'s own host', request: anonymous({ host: 'api.example.net:8080', origin: 'https://api.example.net' }), expect: { status: 201 } },
  {
    name: 'the console project (no project header) has only the always-registered hosts',
    request: { method: 'POST', url: '/v1/account', project: null, body: { userId: 'c1', email: 'c1@example.test', password: 'password123' }, headers: { origin: 'https://app.example.test' } },
    expect: refused('app.example.test'),
  },
])

// BEHAVIORS §1: a registered origin is echoed; any other gets `<scheme>://localhost[:port]` (general.php).
scenarios('CORS and the registered platforms', [
  {
    name: 'a registered origin is echoed with its port',
    request: { method: 'GET', url: '/v1/locale', headers: { origin: 'http://app.example.com:5173' } },
    expect: { status: 200, headers: { 'access-control-allow-origin': 'http://app.example.com:5173' } },
  },
  {
    name: 'an unregistered origin gets localhost with its scheme and port',
    request: { method: 'GET', url: '/v1/locale', headers: { origin: 'https://evil.example.org:8443' } },
    expect: { status: 200, headers: { 'access-control-allow-origin': 'https://localhost:8443' } },
  },
  {
    name: 'the Referer stands in for a missing Origin',
    request: { method: 'GET', url: '/v1/locale', headers: { referer: 'https://app.example.test/some/page' } },
    expect: { status: 200, headers: { 'access-control-allow-origin': 'https://app.example.test' } },
  },
  {
    name: 'neither: the request protocol and localhost',
    request: { method: 'GET', url: '/v1/locale' },
    expect: { status: 200, headers: { 'access-control-allow-origin': 'http://localhost' } },
  },
  {
    name: 'a refused write still carries CORS headers, so the browser can read the 403',
    request: anonymous({ origin: 'https://evil.example.org' }),
    expect: { ...refused('evil.example.org'), headers: { 'access-control-allow-origin': 'https://localhost' } },
  },
  {
    name: 'OPTIONS echoes any origin verbatim (general.php App::options)',
    request: { method: 'OPTIONS', url: '/v1/account', headers: { origin: 'https://evil.example.org', 'access-control-request-method': 'POST' } },
    expect: { status: 204, headers: { 'access-control-allow-origin': 'https://evil.example.org' } },
  },
])

// BEHAVIORS §22.1: without X-Appwrite-Project the console project is used.
const NO_PROJECT = 'No Appwrite project was specified. Please specify your project ID when initializing your Appwrite SDK.'
scenarios('no project header: the console project', [
  { name: 'databases', request: { method: 'GET', url: '/v1/databases/db/collections/c/documents', project: null }, expect: { status: 401, type: 'general_access_forbidden', message: NO_PROJECT } },
  { name: 'storage', request: { method: 'GET', url: '/v1/storage/buckets/b/files', project: null }, expect: { status: 401, type: 'general_access_forbidden', message: NO_PROJECT } },
  { name: 'functions', request: { method: 'POST', url: '/v1/functions/f/executions', project: null, body: {} }, expect: { status: 401, type: 'general_access_forbidden', message: NO_PROJECT } },
  {
    name: 'messaging (a user: the scope check comes first)',
    request: { method: 'POST', url: '/v1/messaging/topics/t/subscribers', project: null, body: { subscriberId: 's', targetId: 't' } },
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
  {
    name: 'the console named explicitly gets the other message',
    request: { method: 'GET', url: '/v1/databases/db/collections/c/documents', project: 'console' },
    expect: { status: 401, type: 'general_access_forbidden', message: /^This endpoint is not available for the console project/ },
  },
  { name: 'an unknown route is still route-not-found', request: { method: 'GET', url: '/v1/nothing/here', project: null }, expect: { status: 404, type: 'general_route_not_found' } },
  {
    name: 'account routes act on the console\'s users, apart from the project\'s',
    request: { method: 'POST', url: '/v1/account', project: null, body: { userId: 'consoleuser', email: USERS.alice.email, password: 'password123' } },
    expect: { status: 201, body: { $id: 'consoleuser', email: USERS.alice.email } },
    async after(_res, app) {
      const session = await app.request({ method: 'POST', url: '/v1/account/sessions/email', project: null, body: { email: USERS.alice.email, password: 'password123' } })
      expect(session.status).toBe(201)
      const cookies = (session.headers['set-cookie'] as string[]).map((c) => c.split(';')[0]).join('; ')
      expect(cookies).toMatch(/(^|; )a_session_console=/)
      const me = await app.request({ method: 'GET', url: '/v1/account', project: null, cookie: cookies })
      expect(me.body).toMatchObject({ $id: 'consoleuser' })
      const inProject = await app.request({ method: 'GET', url: '/v1/account', project: PROJECT, cookie: cookies })
      expect(inProject.status, 'the console session is not a session of the project').toBe(401)
    },
  },
])

describe('platforms from the config', () => {
  const withPlatforms = (platforms: ProjectTemplate['platforms']): ProjectTemplate => ({ ...emptyTemplate(), platforms })

  it('registers app keys, wildcards and web hostnames; a refusal logs how to register the host', async () => {
    const app = await createTestApp({ template: withPlatforms([{ type: 'apple-ios', key: 'com.example.app' }, { type: 'web', hostname: '*.example.net' }]) })
    const warn = vi.spyOn(app.services.log, 'warn')
    try {
      expect((await app.request(anonymous({ origin: 'appwrite-ios://com.example.app' }))).status).toBe(201)
      expect((await app.request(anonymous({ origin: 'https://shop.example.net' }))).status).toBe(201)
      const bare = await app.request(anonymous({ origin: 'https://example.net' }))
      const { status, ...error } = refused('example.net')
      expect(bare.body, 'a * stands for one label').toMatchObject({ ...error, code: status })
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('"hostname": "example.net"'))
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('--platform example.net'))
      const url = await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: 'x@example.test', url: 'https://evil.example.org/reset' } })
      expect(url.body).toMatchObject({ code: 400, message: 'Invalid `url` param: URL host must be one of: localhost, 127.0.0.1, [::1], *.example.net' })
      expect(warn).toHaveBeenCalledWith(expect.stringContaining('redirect URL https://evil.example.org/reset refused'))
      expect((await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: 'x@example.test', url: 'https://app.example.net/reset' } })).status).toBe(404)
    } finally {
      await app.close()
    }
  })

  it('"platforms": "*" accepts every origin and redirect host and echoes every origin', async () => {
    const app = await createTestApp({ template: withPlatforms('*') })
    try {
      const res = await app.request(anonymous({ origin: 'https://evil.example.org' }))
      expect(res.status).toBe(201)
      expect(res.headers['access-control-allow-origin']).toBe('https://evil.example.org')
      const url = await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: 'x@example.test', url: 'https://evil.example.org/reset' } })
      expect(url.body).toMatchObject({ type: 'user_not_found' })
      const bad = await app.request({ method: 'POST', url: '/v1/account/recovery', body: { email: 'x@example.test', url: 'not a url' } })
      expect(bad.body).toMatchObject({ message: 'Invalid `url` param: Value must be a valid URL' })
    } finally {
      await app.close()
    }
  })
})
