import { describe, expect, it } from 'vitest'
import { scenarios, type ScenarioContext } from '../../../../test/harness/scenarios.js'
import { cookieHeader, createTestApp, PROJECT, USERS, type TestApp, type TestResponse } from '../../../../test/harness/app.js'
import { emptyTemplate } from '../../../config/appwrite-json.js'
import { fakeProviderUid } from '../oauth2/providers.js'

const APP = 'http://127.0.0.1:5173'
const SUCCESS = `${APP}/signed-in`
const FAILURE = `${APP}/sign-in-failed`
const start = (provider = 'github', query = `success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`) =>
  `/v1/account/sessions/oauth2/${provider}?${query}`
const SIGN_IN_PAGE = /^http:\/\/localhost(:80)?\/_emulator\/oauth2\/github\/authorize\?state=[0-9a-f]{64}$/

/** Follows the route's 301 and returns the sign-in page's state. */
async function begin(app: TestApp, url: string, cookie?: string): Promise<string> {
  const res = await app.request({ method: 'GET', url, cookie })
  expect(res.status, res.text).toBe(301)
  return new URL(String(res.headers.location)).searchParams.get('state')!
}

/** Submits the sign-in form as a browser does (form-encoded). */
function submit(app: TestApp, state: string, fields: Record<string, string>, cookie?: string, provider = 'github'): Promise<TestResponse> {
  const body = new URLSearchParams({ state, action: 'allow', ...fields }).toString()
  return app.request({ method: 'POST', url: `/_emulator/oauth2/${provider}/authorize`, body, headers: { 'content-type': 'application/x-www-form-urlencoded' }, cookie, project: null })
}

function errorOf(location: string): { message: string; type: string; code: number } {
  return JSON.parse(new URL(location).searchParams.get('error')!)
}

async function signInAs(app: TestApp, ctx: ScenarioContext, email: string, name = 'Octo Cat') {
  const state = await begin(app, start())
  ctx.state = state
  const res = await submit(app, state, { email, name })
  ctx.cookie = cookieHeader(res.headers['set-cookie'])
  return res
}

/** HTML error pages (Appwrite's `error` label) still carry the status, type and message. */
const htmlError = (type: string, message?: string | RegExp) => async (res: TestResponse) => {
  expect(res.headers['content-type']).toMatch(/^text\/html/)
  expect(res.text).toContain(type)
  if (typeof message === 'string') expect(res.text).toContain(message)
  else if (message) expect(res.text).toMatch(message)
}

scenarios('account.createOAuth2Session: starting', [
  {
    name: 'an unknown provider is refused on an HTML error page',
    request: { method: 'GET', url: start('myspace') },
    expect: { status: 400, headers: { 'content-type': /^text\/html/ } },
    after: htmlError('general_argument_invalid', 'Invalid `provider` param: Value must be one of (amazon, apple, auth0,'),
  },
  {
    name: 'provider names are case-sensitive',
    request: { method: 'GET', url: start('GitHub') },
    expect: { status: 400 },
    after: htmlError('general_argument_invalid'),
  },
  {
    name: 'a success that is not a URL',
    request: { method: 'GET', url: start('github', 'success=not-a-url') },
    expect: { status: 400 },
    after: htmlError('general_argument_invalid', 'Invalid `success` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com'),
  },
  {
    name: 'a javascript: success is not a URL with a host',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent('javascript:alert(1)')}`) },
    expect: { status: 400 },
    after: htmlError('Invalid `success` param'),
  },
  {
    name: 'an empty success is validated, not defaulted',
    request: { method: 'GET', url: start('github', 'success=') },
    expect: { status: 400 },
    after: htmlError('Invalid `success` param'),
  },
  {
    name: 'a bare mobile scheme has no host, which Appwrite 1.5 refuses',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent(`appwrite-callback-${PROJECT}://`)}`) },
    expect: { status: 400 },
    after: htmlError('Invalid `success` param'),
  },
  {
    name: 'a bad failure URL',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent('http://bad host/')}`) },
    expect: { status: 400 },
    after: htmlError('Invalid `failure` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com'),
  },
  {
    name: 'scopes must be a list',
    request: { method: 'GET', url: start('github', 'scopes=repo') },
    expect: { status: 400 },
    after: htmlError('Invalid `scopes` param'),
  },
  {
    name: 'a project ID that cannot exist',
    request: { method: 'GET', url: '/v1/account/sessions/oauth2/github?project=-nope', project: null },
    expect: { status: 404 },
    after: htmlError('project_not_found'),
  },
  {
    name: 'a blocked user is refused',
    as: 'alice',
    async before(app, ctx) {
      await app.request({ method: 'PATCH', url: '/v1/account/status', cookie: ctx.cookie })
    },
    request: { method: 'GET', url: start() },
    expect: { status: 401 },
    after: htmlError('user_blocked'),
  },
  {
    name: 'a guest is sent to the sign-in page, uncached',
    request: { method: 'GET', url: start() },
    expect: { status: 301, headers: { location: SIGN_IN_PAGE, 'cache-control': 'no-store, no-cache, must-revalidate, max-age=0', pragma: 'no-cache' } },
    async after(res) {
      expect(res.text).toBe('')
    },
  },
  {
    name: 'the SDK names the project in the query, as it builds the URL for a navigation',
    request: { method: 'GET', url: `${start()}&project=${PROJECT}&scopes[0]=repo&scopes[1]=user`, project: null },
    expect: { status: 301, headers: { location: SIGN_IN_PAGE } },
  },
  {
    name: 'a signed-in user may start one (routes with oauth2 in the URI skip the session check)',
    as: 'alice',
    request: { method: 'GET', url: start() },
    expect: { status: 301, headers: { location: SIGN_IN_PAGE } },
  },
  {
    name: 'a mobile callback scheme is refused when its host is not a registered platform',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent(`appwrite-callback-${PROJECT}://auth`)}`) },
    expect: { status: 400 },
    after: htmlError('general_argument_invalid', 'Invalid `success` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com'),
  },
  {
    name: 'a mobile callback scheme on a registered host is accepted',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent(`appwrite-callback-${PROJECT}://app.example.test`)}`) },
    expect: { status: 301, headers: { location: SIGN_IN_PAGE } },
  },
  {
    name: 'a failure URL on a host that is not a registered platform',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent('https://evil.example.org/failed')}`) },
    expect: { status: 400 },
    after: htmlError('general_argument_invalid', 'Invalid `failure` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com'),
  },
])

scenarios('account.createOAuth2Session: the sign-in page', [
  {
    name: 'an unknown state',
    request: { method: 'GET', url: `/_emulator/oauth2/github/authorize?state=${'0'.repeat(64)}`, project: null },
    expect: { status: 404, headers: { 'content-type': /^text\/html/ } },
    after: htmlError('already used or expired'),
  },
  {
    name: 'a state under another provider',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({ method: 'GET', url: `/_emulator/oauth2/google/authorize?state=${ctx.state}`, project: null }),
    expect: { status: 404 },
  },
  {
    name: 'an expired state',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
      app.clock.advance(60 * 60 * 1000 + 1)
    },
    request: (ctx) => ({ method: 'GET', url: `/_emulator/oauth2/github/authorize?state=${ctx.state}`, project: null }),
    expect: { status: 404 },
  },
  {
    name: 'says it stands in for the provider and asks for an email and a name',
    async before(app, ctx) {
      ctx.state = await begin(app, `${start()}&scopes[]=read:user`)
    },
    request: (ctx) => ({ method: 'GET', url: `/_emulator/oauth2/github/authorize?state=${ctx.state}`, project: null }),
    expect: { status: 200, headers: { 'content-type': /^text\/html/, 'cache-control': /no-store/, 'referrer-policy': 'no-referrer' } },
    async after(res, _app, ctx) {
      expect(res.text).toContain('Sign in with GitHub')
      expect(res.text).toContain('<strong>Appwrite emulator</strong> standing in for GitHub')
      expect(res.text).toMatch(/<input id="email" name="email" type="email" required/)
      expect(res.text).toMatch(/<input id="name" name="name"/)
      expect(res.text).toContain(`name="state" value="${ctx.state}"`)
      expect(res.text).toMatch(/<button type="submit" class="primary" name="action" value="allow">Continue<\/button>/)
      expect(res.text).toMatch(/value="cancel" formnovalidate>Cancel</)
      expect(res.text).toContain('<code>read:user</code>')
      expect(res.text).toContain('you return to <code>http://127.0.0.1:5173</code> with a session cookie')
    },
  },
  {
    name: 'a missing email shows the page again, and the state still works',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&name=Octo`,
    }),
    expect: { status: 400, headers: { 'content-type': /^text\/html/, 'set-cookie': undefined } },
    async after(res, app, ctx) {
      expect(res.text).toContain('role="alert">Enter the email address to sign in with.')
      expect(res.text).toContain('value="Octo"')
      expect((await submit(app, ctx.state as string, { email: 'octo@example.test' })).status).toBe(303)
    },
  },
  {
    name: 'a bad email shows the page again',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=octo%40`,
    }),
    expect: { status: 400 },
    async after(res) {
      expect(res.text).toContain('is not a valid email address.')
      expect(res.text).toContain('value="octo@"')
    },
  },
  {
    name: 'cancel goes to failure with the provider error as JSON',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=cancel`,
    }),
    expect: { status: 303, headers: { location: /^http:\/\/127\.0\.0\.1:5173\/sign-in-failed\?error=/, 'set-cookie': undefined } },
    async after(res, app, ctx) {
      expect(errorOf(String(res.headers.location))).toEqual({
        message: 'The GitHub OAuth2 provider returned an error: access_denied: The user cancelled the sign-in.',
        type: 'user_oauth2_provider_error',
        code: 424,
      })
      expect((await submit(app, ctx.state as string, { email: 'octo@example.test' })).status, 'the state is used up').toBe(404)
    },
  },
])

scenarios('account.createOAuth2Session: signing in', [
  {
    name: 'a new email creates a verified user, an identity and a session, and sets the cookies',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=Octo%40Example.test&name=Octo+Cat`,
    }),
    expect: { status: 303, headers: { location: SUCCESS, 'x-fallback-cookies': /^\{"a_session_test-project":"/ } },
    events: { 'users.*.sessions.*.create': 1 },
    async after(res, app) {
      const setCookie = res.headers['set-cookie'] as string[]
      expect(setCookie).toHaveLength(2)
      expect(setCookie[0]).toMatch(/^a_session_test-project_legacy=.+; expires=.+; path=\/; httponly$/)
      expect(setCookie[1]).toMatch(/^a_session_test-project=.+; httponly; SameSite=None$/)
      const cookie = cookieHeader(setCookie)
      const account = await app.request({ method: 'GET', url: '/v1/account', cookie })
      expect(account.body).toMatchObject({ email: 'octo@example.test', name: 'Octo Cat', emailVerification: true, passwordUpdate: '', status: true })
      expect(account.body.targets).toEqual([expect.objectContaining({ providerType: 'email', identifier: 'octo@example.test' })])
      const uid = fakeProviderUid('github', 'octo@example.test')
      const session = await app.request({ method: 'GET', url: '/v1/account/sessions/current', cookie })
      expect(session.body).toMatchObject({
        provider: 'github', providerUid: uid, factors: ['email', 'oauth2'], current: true,
        providerAccessToken: expect.stringMatching(/^emu_at_[0-9a-f]{40}$/), providerRefreshToken: expect.stringMatching(/^emu_rt_[0-9a-f]{40}$/),
        providerAccessTokenExpiry: '2024-05-01T11:20:30.123+00:00',
      })
      const identities = await app.request({ method: 'GET', url: '/v1/account/identities', cookie })
      expect(identities.body).toMatchObject({ total: 1 })
      expect(identities.body.identities[0]).toMatchObject({
        userId: account.body.$id, provider: 'github', providerUid: uid, providerEmail: 'octo@example.test',
        providerAccessToken: session.body.providerAccessToken, providerRefreshToken: session.body.providerRefreshToken,
        providerAccessTokenExpiry: '2024-05-01T11:20:30.123+00:00',
      })
    },
  },
  {
    name: 'the same email signs in to the same user and identity',
    async before(app, ctx) {
      await signInAs(app, ctx, 'octo@example.test')
      ctx.first = (await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).body.$id
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=OCTO%40example.test&name=Someone+Else`,
    }),
    expect: { status: 303, headers: { location: SUCCESS } },
    async after(res, app, ctx) {
      const cookie = cookieHeader(res.headers['set-cookie'])
      const account = await app.request({ method: 'GET', url: '/v1/account', cookie })
      expect(account.body).toMatchObject({ $id: ctx.first, name: 'Octo Cat' })
      expect((await app.request({ method: 'GET', url: '/v1/account/identities', cookie })).body.total).toBe(1)
      expect((await app.request({ method: 'GET', url: '/v1/account/sessions', cookie })).body.total).toBe(2)
    },
  },
  {
    name: 'another provider with the same email joins the same user with a second identity',
    async before(app, ctx) {
      await signInAs(app, ctx, 'octo@example.test')
      ctx.first = (await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).body.$id
      ctx.state = await begin(app, start('google'))
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/google/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=octo%40example.test`,
    }),
    expect: { status: 303, headers: { location: SUCCESS } },
    async after(res, app, ctx) {
      const cookie = cookieHeader(res.headers['set-cookie'])
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie })).body.$id).toBe(ctx.first)
      const identities = (await app.request({ method: 'GET', url: '/v1/account/identities', cookie })).body.identities
      expect(identities.map((i: { provider: string }) => i.provider)).toEqual(['github', 'google'])
    },
  },
  {
    name: 'an email/password user with that email is signed in, their verification untouched',
    async before(app) {
      await app.signIn(USERS.alice)
    },
    request: { method: 'GET', url: start() },
    expect: { status: 301 },
    async after(res, app) {
      const state = new URL(String(res.headers.location)).searchParams.get('state')!
      const done = await submit(app, state, { email: USERS.alice.email, name: 'Not Alice' })
      const account = await app.request({ method: 'GET', url: '/v1/account', cookie: cookieHeader(done.headers['set-cookie']) })
      expect(account.body).toMatchObject({ $id: 'alice', name: 'Alice', emailVerification: false })
    },
  },
  {
    name: 'a blocked user goes to failure with user_blocked',
    async before(app, ctx) {
      const cookie = await app.signIn(USERS.alice)
      await app.request({ method: 'PATCH', url: '/v1/account/status', cookie })
      ctx.state = await begin(app, start())
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=alice%40example.test`,
    }),
    expect: { status: 303, headers: { location: /^http:\/\/127\.0\.0\.1:5173\/sign-in-failed\?error=/, 'set-cookie': undefined } },
    events: { 'users.*.sessions.*.create': 0 },
    async after(res, app) {
      expect(errorOf(String(res.headers.location))).toMatchObject({ type: 'user_blocked', code: 401 })
      const bob = await app.signIn(USERS.bob)
      expect((await app.request({ method: 'GET', url: '/v1/account/identities', cookie: bob })).body.total).toBe(0)
    },
  },
  {
    name: 'an anonymous user is upgraded: same $id, email and name set, the old session replaced',
    async before(app, ctx) {
      const anonymous = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
      ctx.anonymousId = anonymous.body.userId
      ctx.cookie = cookieHeader(anonymous.headers['set-cookie'])
      ctx.state = await begin(app, start(), ctx.cookie)
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null, cookie: ctx.cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=octo%40example.test&name=Octo`,
    }),
    expect: { status: 303, headers: { location: SUCCESS } },
    async after(res, app, ctx) {
      const cookie = cookieHeader(res.headers['set-cookie'])
      const account = await app.request({ method: 'GET', url: '/v1/account', cookie })
      expect(account.body).toMatchObject({ $id: ctx.anonymousId, email: 'octo@example.test', name: 'Octo' })
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).status, 'the anonymous session is gone').toBe(401)
      const sessions = await app.request({ method: 'GET', url: '/v1/account/sessions', cookie })
      expect(sessions.body.sessions.map((s: { provider: string }) => s.provider)).toEqual(['github'])
    },
  },
  {
    name: 'linking an email that belongs to someone else is refused on the error page',
    as: 'alice',
    async before(app, ctx) {
      await app.signIn(USERS.bob)
      ctx.state = await begin(app, start(), ctx.cookie)
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null, cookie: ctx.cookie,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=bob%40example.test`,
    }),
    expect: { status: 409, headers: { 'content-type': /^text\/html/, 'set-cookie': undefined } },
    async after(res, app, ctx) {
      await htmlError('user_already_exists')(res)
      expect((await app.request({ method: 'GET', url: '/v1/account', cookie: ctx.cookie })).status, 'alice keeps her session').toBe(200)
    },
  },
  {
    name: 'a new user whose email another user\'s identity still carries is refused on the error page',
    async before(app, ctx) {
      await signInAs(app, ctx, 'octo@example.test')
      // The GitHub user moves their account to another email; the identity keeps the old one.
      await app.request({ method: 'PATCH', url: '/v1/account/email', cookie: ctx.cookie, body: { email: 'cat@example.test', password: 'password123' } })
      ctx.state = await begin(app, start('google'))
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/google/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=octo%40example.test`,
    }),
    expect: { status: 409, headers: { 'content-type': /^text\/html/ } },
    after: htmlError('user_email_already_exists'),
  },
  {
    name: 'the default failure page shows the error',
    request: { method: 'GET', url: `/auth/oauth2/failure?error=${encodeURIComponent('{"message":"The GitHub OAuth2 provider returned an error: access_denied","type":"user_oauth2_provider_error","code":424}')}`, project: null },
    expect: { status: 200, headers: { 'content-type': /^text\/html/ } },
    async after(res) {
      expect(res.text).toContain('Sign-in failed')
      expect(res.text).toContain('The GitHub OAuth2 provider returned an error: access_denied')
      expect(res.text).not.toContain('appwrite-callback-')
    },
  },
  {
    name: 'the default success gets the project, cookie name and session, and its page answers',
    async before(app, ctx) {
      ctx.state = await begin(app, '/v1/account/sessions/oauth2/github')
    },
    request: (ctx) => ({
      method: 'POST', url: '/_emulator/oauth2/github/authorize', project: null,
      headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `state=${ctx.state}&action=allow&email=octo%40example.test`,
    }),
    expect: { status: 303, headers: { location: /^http:\/\/localhost(:80)?\/auth\/oauth2\/success\?project=test-project&key=a_session_test-project&secret=/ } },
    async after(res, app) {
      const location = new URL(String(res.headers.location))
      expect(location.searchParams.get('secret')).toBe(decodeURIComponent(cookieHeader(res.headers['set-cookie']).split('; ')[1]!.split('=').slice(1).join('=')))
      const page = await app.request({ method: 'GET', url: `${location.pathname}${location.search}`, project: null })
      expect(page.status).toBe(200)
      expect(page.text).toContain('Signed in')
      expect(page.text).toContain(`appwrite-callback-${PROJECT}://?project=`)
    },
  },
  {
    name: 'PATCH /account/sessions/current refreshes the provider tokens of session and identity',
    async before(app, ctx) {
      await signInAs(app, ctx, 'octo@example.test')
      app.clock.advance(2 * 60 * 60 * 1000)
    },
    request: { method: 'PATCH', url: '/v1/account/sessions/current' },
    expect: { status: 200, body: { provider: 'github', providerAccessTokenExpiry: '2024-05-01T13:20:30.123+00:00', providerAccessToken: expect.stringMatching(/^emu_at_/) } },
    async after(_res, app, ctx) {
      const identities = await app.request({ method: 'GET', url: '/v1/account/identities', cookie: ctx.cookie })
      expect(identities.body.identities[0]).toMatchObject({ providerAccessTokenExpiry: '2024-05-01T13:20:30.123+00:00', $updatedAt: '2024-05-01T12:20:30.123+00:00' })
    },
  },
])

describe('account.createOAuth2Session: the project user limit', () => {
  it('a new user beyond the limit goes to failure with user_count_exceeded', async () => {
    const template = emptyTemplate()
    template.settings.security.limit = 1
    const app = await createTestApp({ template })
    try {
      await app.signIn(USERS.alice)
      const res = await submit(app, await begin(app, start()), { email: 'octo@example.test' })
      expect(res.status).toBe(303)
      expect(errorOf(String(res.headers.location))).toMatchObject({ type: 'user_count_exceeded', code: 400 })
      const again = await submit(app, await begin(app, start()), { email: USERS.alice.email })
      expect(again.headers.location, 'existing users still sign in').toBe(SUCCESS)
    } finally {
      await app.close()
    }
  })
})
