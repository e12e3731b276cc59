import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { cookieHeader, PROJECT, USERS, type TestApp, type TestResponse } from '../../../../test/harness/app.js'

const APP = 'http://127.0.0.1:5173'
const SUCCESS = `${APP}/callback?from=oauth#done`
const FAILURE = `${APP}/sign-in-failed`
const start = (provider = 'github', query = `success=${encodeURIComponent(SUCCESS)}&failure=${encodeURIComponent(FAILURE)}`) =>
  `/v1/account/tokens/oauth2/${provider}?${query}`

async function begin(app: TestApp, url: string, cookie?: string): Promise<string> {
  const res = await app.request({ method: 'GET', url, cookie })
  expect(res.status, res.text).toBe(301)
  return new URL(String(res.headers.location)).searchParams.get('state')!
}

const form = (state: unknown, fields: string) => ({
  method: 'POST' as const,
  url: '/_emulator/oauth2/github/authorize',
  project: null,
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: `state=${state}&${fields}`,
})

/** `userId` and `secret` from the success URL the token flow ends in. */
function credentials(res: TestResponse): { userId: string; secret: string } {
  const url = new URL(String(res.headers.location))
  return { userId: url.searchParams.get('userId')!, secret: url.searchParams.get('secret')! }
}

scenarios('account.createOAuth2Token', [
  {
    name: 'an unknown provider is refused on an HTML error page',
    request: { method: 'GET', url: start('myspace') },
    expect: { status: 400, headers: { 'content-type': /^text\/html/ } },
    async after(res) {
      expect(res.text).toContain('general_argument_invalid')
      expect(res.text).toContain('Invalid `provider` param: Value must be one of (amazon,')
    },
  },
  {
    name: 'a bad success URL',
    request: { method: 'GET', url: start('github', `success=${encodeURIComponent('ftp//nowhere')}`) },
    expect: { status: 400, headers: { 'content-type': /^text\/html/ } },
    async after(res) {
      expect(res.text).toContain('Invalid `success` param: URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com')
    },
  },
  {
    name: 'a guest is sent to the sign-in page, which promises a token',
    request: { method: 'GET', url: `${start()}&project=${PROJECT}`, project: null },
    expect: { status: 301, headers: { location: /^http:\/\/localhost(:80)?\/_emulator\/oauth2\/github\/authorize\?state=[0-9a-f]{64}$/, 'cache-control': /no-store/ } },
    async after(res, app) {
      const page = await app.request({ method: 'GET', url: String(res.headers.location).replace(/^http:\/\/[^/]+/, ''), project: null })
      expect(page.status).toBe(200)
      expect(page.text).toContain('a one-time token to exchange for a session')
    },
  },
  {
    name: 'cancel goes to failure',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => form(ctx.state, 'action=cancel'),
    expect: { status: 303, headers: { location: /^http:\/\/127\.0\.0\.1:5173\/sign-in-failed\?error=%7B%22message%22/ } },
    async after(res) {
      expect(JSON.parse(new URL(String(res.headers.location)).searchParams.get('error')!)).toMatchObject({ type: 'user_oauth2_provider_error', code: 424 })
    },
  },
  {
    name: 'a missing email shows the page again',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => form(ctx.state, 'action=allow&email='),
    expect: { status: 400, headers: { 'content-type': /^text\/html/ } },
    async after(res) {
      expect(res.text).toContain('Enter the email address to sign in with.')
    },
  },
  {
    name: 'signing in puts userId and secret in the success URL, keeping its query and fragment; no cookie',
    async before(app, ctx) {
      ctx.state = await begin(app, start())
    },
    request: (ctx) => form(ctx.state, 'action=allow&email=octo%40example.test&name=Octo'),
    expect: {
      status: 303,
      headers: { location: /^http:\/\/127\.0\.0\.1:5173\/callback\?from=oauth&secret=[0-9a-f]{64}&userId=[0-9a-f]{20}#done$/, 'set-cookie': undefined },
    },
    events: { 'users.*.tokens.*.create': 1, 'users.*.sessions.*.create': 0 },
    async after(res, app) {
      const { userId, secret } = credentials(res)
      const token = await app.services.tokens.find(PROJECT, userId, secret, ['oauth2'])
      // The token lives as long as a session would (one year by default).
      expect(token).toMatchObject({ userId, type: 'oauth2', expire: '2025-05-01T10:20:30.123+00:00' })
    },
  },
  {
    name: 'the token exchanges once for an oauth2 session with the email factor',
    async before(app, ctx) {
      const done = await app.request(form(await begin(app, start()), 'action=allow&email=octo%40example.test&name=Octo'))
      Object.assign(ctx, credentials(done))
    },
    request: (ctx) => ({ method: 'POST', url: '/v1/account/sessions/token', body: { userId: ctx.userId, secret: ctx.secret } }),
    expect: { status: 201, body: { provider: 'oauth2', factors: ['email'], providerUid: '', current: true, secret: '' } },
    async after(res, app, ctx) {
      const cookie = cookieHeader(res.headers['set-cookie'])
      const account = await app.request({ method: 'GET', url: '/v1/account', cookie })
      expect(account.body).toMatchObject({ $id: ctx.userId, email: 'octo@example.test', name: 'Octo', emailVerification: true })
      const identities = await app.request({ method: 'GET', url: '/v1/account/identities', cookie })
      expect(identities.body.identities).toEqual([expect.objectContaining({ provider: 'github', providerEmail: 'octo@example.test' })])
      const again = await app.request({ method: 'POST', url: '/v1/account/sessions/token', body: { userId: ctx.userId, secret: ctx.secret } })
      expect(again.status).toBe(401)
      expect(again.body.type).toBe('user_invalid_token')
    },
  },
  {
    name: 'the same email gets a token for the same user',
    async before(app, ctx) {
      const first = await app.request(form(await begin(app, start()), 'action=allow&email=octo%40example.test'))
      ctx.first = credentials(first).userId
      ctx.state = await begin(app, start())
    },
    request: (ctx) => form(ctx.state, 'action=allow&email=octo%40example.test'),
    expect: { status: 303 },
    async after(res, _app, ctx) {
      expect(credentials(res).userId).toBe(ctx.first)
      expect(credentials(res).secret).not.toBe('')
    },
  },
  {
    name: 'a signed-in user is linked and gets the token for their own account',
    as: 'alice',
    async before(app, ctx) {
      ctx.state = await begin(app, start(), ctx.cookie)
    },
    request: (ctx) => form(ctx.state, 'action=allow&email=alice%40example.test'),
    expect: { status: 303 },
    async after(res) {
      expect(credentials(res).userId).toBe(USERS.alice.id)
    },
  },
])
