import { expect, it } from 'vitest'
import { scenarios, type ScenarioContext } from '../../../../test/harness/scenarios.js'
import { cookieHeader, createTestApp, PROJECT, USERS, type SeedUser, type TestApp } from '../../../../test/harness/app.js'

const NOW = '2024-05-01T10:20:30.123+00:00'
const CAROL: SeedUser = { id: 'carol', email: 'carol@example.test', password: 'carol-password-1', name: 'Carol' }
const URL_RULE = 'URL host must be one of: localhost, 127.0.0.1, [::1], app.example.test, app.example.com'
const q = (query: object) => encodeURIComponent(JSON.stringify(query))

/** Alice (the row's `as`) owns team1; bob is signed in (`ctx.bob`); with `bobJoins` he is a confirmed member. */
async function aliceTeam(app: TestApp, ctx: ScenarioContext, options: { bobJoins?: boolean; bobInvited?: boolean } = {}) {
  const res = await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: 'team1', name: 'Team One' } })
  if (res.status !== 201) throw new Error(res.text)
  ctx.bob = await app.signIn(USERS.bob)
  if (options.bobJoins || options.bobInvited) {
    const invitation = await invite(app, ctx.cookie!, 'team1', { userId: 'bob', roles: ['member'] })
    Object.assign(ctx, { bobMembership: invitation.membershipId, bobSecret: invitation.secret })
    if (options.bobJoins) await accept(app, ctx.bob as string, 'team1', invitation.membershipId, 'bob', invitation.secret)
  }
}

async function invite(app: TestApp, cookie: string, teamId: string, body: Record<string, unknown>) {
  const res = await app.request({ method: 'POST', url: `/v1/teams/${teamId}/memberships`, cookie, body: { url: 'http://localhost/join', ...body } })
  if (res.status !== 201) throw new Error(res.text)
  return { membershipId: res.body.$id as string, secret: (await lastMessage(app)).data.secret! }
}

async function accept(app: TestApp, cookie: string | undefined, teamId: string, membershipId: string, userId: string, secret: string) {
  const res = await app.request({ method: 'PATCH', url: `/v1/teams/${teamId}/memberships/${membershipId}/status`, cookie, body: { userId, secret } })
  if (res.status !== 200) throw new Error(res.text)
  return res
}

async function lastMessage(app: TestApp) {
  const messages = await app.store.messages.list(PROJECT)
  return messages[messages.length - 1]!
}

const inviteRequest = (body: Record<string, unknown>) => ({ method: 'POST' as const, url: '/v1/teams/team1/memberships', body })

scenarios('teams.createMembership', [
  { name: 'guest is refused', request: inviteRequest({ email: 'x@example.test', roles: [], url: 'http://localhost/' }), expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'roles are required', as: 'alice', request: inviteRequest({ email: 'x@example.test', url: 'http://localhost/' }), expect: { status: 400, type: 'general_argument_invalid', message: 'Param "roles" is not optional.' } },
  { name: 'roles must be an array', as: 'alice', request: inviteRequest({ email: 'x@example.test', roles: 'owner', url: 'http://localhost/' }), expect: { status: 400, message: /^Invalid `roles` param: Value must a valid array/ } },
  { name: 'a bad email', as: 'alice', request: inviteRequest({ email: 'nope', roles: [], url: 'http://localhost/' }), expect: { status: 400, message: 'Invalid `email` param: Value must be a valid email address' } },
  { name: 'a bad phone', as: 'alice', request: inviteRequest({ phone: '555', roles: [], url: 'http://localhost/' }), expect: { status: 400, message: "Invalid `phone` param: Phone number must start with a '+' can have a maximum of fifteen digits." } },
  { name: 'a URL that is not http(s)', as: 'alice', request: inviteRequest({ email: 'x@example.test', roles: [], url: 'javascript:alert(1)' }), expect: { status: 400, message: `Invalid \`url\` param: ${URL_RULE}` } },
  { name: 'a URL that is not a URL', as: 'alice', request: inviteRequest({ email: 'x@example.test', roles: [], url: 'not a url' }), expect: { status: 400, message: `Invalid \`url\` param: ${URL_RULE}` } },
  { name: 'no URL', as: 'alice', request: inviteRequest({ email: 'x@example.test', roles: [] }), expect: { status: 400, type: 'general_argument_invalid', message: 'URL is required' } },
  { name: 'nobody to invite', as: 'alice', request: inviteRequest({ roles: [], url: 'http://localhost/' }), expect: { status: 400, type: 'general_argument_invalid', message: 'At least one of userId, email, or phone is required' } },
  {
    name: 'invitations disabled on the project',
    as: 'alice',
    async before(app) {
      ;(await app.services.projects.get(PROJECT))!.settings.authMethods.invites = false
    },
    request: inviteRequest({ email: 'x@example.test', roles: [], url: 'http://localhost/' }),
    expect: { status: 501, type: 'user_auth_method_unsupported' },
  },
  { name: 'a missing team', as: 'alice', request: inviteRequest({ email: 'x@example.test', roles: [], url: 'http://localhost/' }), expect: { status: 404, type: 'team_not_found' } },
  {
    name: 'a team the caller is not in reads as missing',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      ctx.cookie = ctx.bob as string
    },
    request: inviteRequest({ email: 'x@example.test', roles: [], url: 'http://localhost/' }),
    expect: { status: 404, type: 'team_not_found' },
  },
  { name: 'an unknown userId', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: inviteRequest({ userId: 'nobody', roles: [], url: 'http://localhost/' }), expect: { status: 404, type: 'user_not_found', message: "User with given userId doesn't exist." } },
  { name: 'userId and email name different users', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: inviteRequest({ userId: 'bob', email: 'alice@example.test', roles: [], url: 'http://localhost/' }), expect: { status: 409, type: 'user_already_exists', message: "Given userId and email doesn't match" } },
  { name: 'userId and phone name different users', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: inviteRequest({ userId: 'bob', phone: '+15555550100', roles: [], url: 'http://localhost/' }), expect: { status: 409, type: 'user_already_exists', message: "Given userId and phone doesn't match" } },
  { name: 'email and phone name different users', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: inviteRequest({ email: 'bob@example.test', phone: '+15555550100', roles: [], url: 'http://localhost/' }), expect: { status: 409, type: 'user_already_exists', message: "Given email and phone doesn't match" } },
  {
    name: 'a member who is not an owner cannot invite, and no user is left behind',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: inviteRequest({ email: 'new@example.test', roles: [], url: 'http://localhost/' }),
    expect: { status: 401, type: 'user_unauthorized', message: 'User is not allowed to send invitations for this team' },
    async after(_res, app) {
      expect(await app.store.users.findOne(PROJECT, { email: 'new@example.test' })).toBeNull()
    },
  },
  {
    name: 'inviting someone already invited',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }),
    request: inviteRequest({ email: 'BOB@example.test', roles: [], url: 'http://localhost/' }),
    expect: { status: 409, type: 'team_invite_already_exists', message: 'User has already been invited or is already a member of this team' },
  },
  { name: 'inviting a member', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: inviteRequest({ userId: 'alice', roles: [], url: 'http://localhost/' }), expect: { status: 409, type: 'team_invite_already_exists' } },
  {
    name: 'the project user limit stops a new invitee',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      ;(await app.services.projects.get(PROJECT))!.settings.security.limit = 2
    },
    request: inviteRequest({ email: 'new@example.test', roles: [], url: 'http://localhost/' }),
    expect: { status: 400, type: 'user_count_exceeded', message: 'Project registration is restricted. Contact your administrator for more information.' },
  },
  {
    name: 'an unknown email: a new user and an email with the link; only the hash is kept',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: inviteRequest({ email: 'New@Example.test', roles: ['editor'], url: 'https://app.example.test/join?from=mail', name: 'Newton' }),
    expect: {
      status: 201,
      body: { teamId: 'team1', teamName: 'Team One', userName: 'Newton', userEmail: 'new@example.test', roles: ['editor'], invited: NOW, joined: '', confirm: false, mfa: false, $createdAt: NOW },
      headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9' },
    },
    events: { 'teams.team1.memberships.*.create': 1 },
    async after(res, app) {
      const user = (await app.store.users.findOne(PROJECT, { email: 'new@example.test' }))!
      expect(user).toMatchObject({ id: res.body.userId, name: 'Newton', emailVerification: false, passwordUpdate: null, status: true })
      const mail = await lastMessage(app)
      expect(mail).toMatchObject({ channel: 'email', to: 'new@example.test', subject: 'Invitation to Team One Team at test-project' })
      const { secret, url } = mail.data
      expect(secret).toMatch(/^[0-9a-f]{256}$/)
      const link = new URL(url!)
      expect(link.origin + link.pathname).toBe('https://app.example.test/join')
      expect(Object.fromEntries(link.searchParams)).toEqual({ from: 'mail', membershipId: res.body.$id, userId: user.id, secret, teamId: 'team1' })
      expect(mail.text).toContain(url)
      const stored = (await app.store.memberships.get(PROJECT, res.body.$id))!
      expect(stored.secretHash).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.stringify(stored)).not.toContain(secret)
      expect((await app.store.teams.get(PROJECT, 'team1'))!.total, 'an invitation is not a member yet').toBe(1)
    },
  },
  {
    name: 'a known user by ID: the email goes to their address and the audit to them',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: inviteRequest({ userId: 'bob', email: 'bob@example.test', roles: [], url: 'http://localhost/' }),
    expect: { status: 201, body: { userId: 'bob', userName: 'Bob', userEmail: 'bob@example.test', roles: [] } },
    async after(_res, app, ctx) {
      expect(await lastMessage(app)).toMatchObject({ to: 'bob@example.test', data: { userId: 'bob', teamId: 'team1' } })
      const logs = await app.request({ method: 'GET', url: '/v1/account/logs', cookie: ctx.bob as string })
      expect(logs.body.logs[0]).toMatchObject({ event: 'membership.create', userId: 'bob' })
    },
  },
  {
    name: 'an unknown phone: a new user and an SMS with the link',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: inviteRequest({ phone: '+15555550199', roles: [], url: 'http://localhost/join' }),
    expect: { status: 201, body: { userName: '', userEmail: '', confirm: false } },
    async after(res, app) {
      expect((await app.store.users.get(PROJECT, res.body.userId))).toMatchObject({ phone: '+15555550199', email: null })
      const sms = await lastMessage(app)
      expect(sms).toMatchObject({ channel: 'sms', to: '+15555550199', subject: '', data: { membershipId: res.body.$id } })
      expect(sms.text).toContain(sms.data.url)
    },
  },
])

it('teams.createMembership allows 10 invitations an hour per URL and IP', async () => {
  const app = await createTestApp({ rateLimits: true })
  try {
    const cookie = await app.signIn(USERS.alice)
    await app.request({ method: 'POST', url: '/v1/teams', cookie, body: { teamId: 'team1', name: 'T' } })
    const statuses: number[] = []
    for (let i = 0; i < 11; i++) {
      statuses.push((await app.request({ method: 'POST', url: '/v1/teams/team1/memberships', cookie, body: { email: `u${i}@example.test`, roles: [], url: 'http://localhost/' } })).status)
    }
    expect(statuses).toEqual([...Array(10).fill(201), 429])
  } finally {
    await app.close()
  }
})

const statusRequest = (ctx: ScenarioContext, body: Record<string, unknown> = {}, teamId = 'team1') => ({
  method: 'PATCH' as const,
  url: `/v1/teams/${teamId}/memberships/${ctx.bobMembership}/status`,
  cookie: '',
  body: { userId: 'bob', secret: ctx.bobSecret, ...body },
})

scenarios('teams.updateMembershipStatus', [
  { name: 'userId is required', request: { method: 'PATCH', url: '/v1/teams/team1/memberships/m1/status', body: { secret: 'x' } }, expect: { status: 400, message: 'Param "userId" is not optional.' } },
  { name: 'secret is required', request: { method: 'PATCH', url: '/v1/teams/team1/memberships/m1/status', body: { userId: 'bob' } }, expect: { status: 400, message: 'Param "secret" is not optional.' } },
  { name: 'a missing membership', request: { method: 'PATCH', url: '/v1/teams/team1/memberships/nope/status', body: { userId: 'bob', secret: 'x' } }, expect: { status: 404, type: 'membership_not_found' } },
  { name: 'a missing team', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }), request: (ctx) => statusRequest(ctx, {}, 'nope'), expect: { status: 404, type: 'team_not_found' } },
  {
    name: 'a membership of another team',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobInvited: true })
      await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: 'team2', name: 'Two' } })
    },
    request: (ctx) => statusRequest(ctx, {}, 'team2'),
    expect: { status: 404, type: 'team_membership_mismatch', message: 'The membership ID does not belong to the team ID.' },
  },
  { name: 'a wrong secret', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }), request: (ctx) => statusRequest(ctx, { secret: 'f'.repeat(256) }), expect: { status: 401, type: 'team_invalid_secret' } },
  { name: 'someone else’s userId', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }), request: (ctx) => statusRequest(ctx, { userId: 'alice' }), expect: { status: 401, type: 'team_invite_mismatch', message: 'Invite does not belong to current user ()' } },
  {
    name: 'signed in as another user',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }),
    request: (ctx) => ({ ...statusRequest(ctx), cookie: ctx.cookie }),
    expect: { status: 401, type: 'team_invite_mismatch', message: 'Invite does not belong to current user (alice@example.test)' },
  },
  {
    name: 'already accepted',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
    },
    request: (ctx) => statusRequest(ctx),
    expect: { status: 409, type: 'membership_already_confirmed' },
  },
  {
    name: "a creator's membership cannot be read by a guest",
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      ctx.bobMembership = (await app.store.memberships.findOne(PROJECT, { user_id: 'alice' }))!.id
    },
    request: (ctx) => statusRequest(ctx, { userId: 'alice', secret: 'x' }),
    expect: { status: 404, type: 'membership_not_found' },
  },
  {
    name: 'a guest accepts: confirmed, email verified, signed in with cookies and the fallback header',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobInvited: true })
      app.clock.advance(60_000)
    },
    request: (ctx) => statusRequest(ctx),
    expect: {
      status: 200,
      body: { userId: 'bob', userName: 'Bob', userEmail: 'bob@example.test', teamId: 'team1', teamName: 'Team One', confirm: true, joined: '2024-05-01T10:21:30.123+00:00', invited: NOW, roles: ['member'], mfa: false },
      headers: { 'x-fallback-cookies': /^\{"a_session_test-project":"[A-Za-z0-9+\\/=]+"\}$/ },
    },
    events: { 'teams.team1.memberships.*.update.status': 1, 'users.*.sessions.*.create': 0 },
    async after(res, app) {
      const cookies = res.headers['set-cookie'] as string[]
      expect(cookies.map((c) => c.split('=')[0])).toEqual(['a_session_test-project_legacy', 'a_session_test-project'])
      const cookie = cookieHeader(cookies)
      const account = await app.request({ method: 'GET', url: '/v1/account', cookie })
      expect(account.body).toMatchObject({ $id: 'bob', emailVerification: true })
      const session = await app.request({ method: 'GET', url: '/v1/account/sessions/current', cookie })
      expect(session.body).toMatchObject({ provider: 'email', providerUid: 'bob@example.test', factors: ['email'] })
      expect((await app.request({ method: 'GET', url: '/v1/teams/team1', cookie })).body.total).toBe(2)
      const logs = await app.request({ method: 'GET', url: '/v1/account/logs', cookie })
      expect(logs.body.logs[0]).toMatchObject({ event: 'membership.update', userId: 'bob' })
    },
  },
  {
    name: 'the invitee accepts while signed in and gets a fresh session',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }),
    request: (ctx) => ({ ...statusRequest(ctx), cookie: ctx.bob as string }),
    expect: { status: 200, body: { confirm: true }, headers: { 'set-cookie': /a_session_test-project/ } },
    async after(_res, app) {
      expect(await app.store.sessions.count(PROJECT, { user_id: 'bob' })).toBe(2)
    },
  },
])

scenarios('teams.listMemberships', [
  { name: 'guest is refused', request: { method: 'GET', url: '/v1/teams/team1/memberships' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'a missing team', as: 'alice', request: { method: 'GET', url: '/v1/teams/nope/memberships' }, expect: { status: 404, type: 'team_not_found' } },
  {
    name: 'an invitee who has not accepted cannot see the team',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobInvited: true })
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'GET', url: '/v1/teams/team1/memberships' },
    expect: { status: 404, type: 'team_not_found' },
  },
  { name: 'a boolean attribute takes booleans', as: 'alice', request: { method: 'GET', url: `/v1/teams/team1/memberships?queries[]=${q({ method: 'equal', attribute: 'confirm', values: ['true'] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Query value is invalid for attribute "confirm"' } },
  { name: 'roles cannot be queried', as: 'alice', request: { method: 'GET', url: `/v1/teams/team1/memberships?queries[]=${q({ method: 'contains', attribute: 'roles', values: ['owner'] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Attribute not found in schema: roles' } },
  { name: 'between needs two values', as: 'alice', request: { method: 'GET', url: `/v1/teams/team1/memberships?queries[]=${q({ method: 'between', attribute: 'invited', values: [NOW] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Between queries require exactly two values.' } },
  { name: 'contains on a boolean', as: 'alice', request: { method: 'GET', url: `/v1/teams/team1/memberships?queries[]=${q({ method: 'contains', attribute: 'confirm', values: [true] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Cannot query contains on attribute "confirm" because it is not an array or string.' } },
  { name: 'or needs two queries', as: 'alice', request: { method: 'GET', url: `/v1/teams/team1/memberships?queries[]=${q({ method: 'or', values: [{ method: 'equal', attribute: 'confirm', values: [true] }] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Or queries require at least two queries' } },
  {
    name: 'a cursor that names no membership',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: { method: 'GET', url: `/v1/teams/team1/memberships?queries[]=${q({ method: 'cursorAfter', values: ['nope'] })}` },
    expect: { status: 400, type: 'general_cursor_not_found', message: "Membership 'nope' for the 'cursor' value not found." },
  },
  {
    name: 'members and open invitations, with user fields; queries and search',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.carolMembership = (await invite(app, ctx.cookie!, 'team1', { email: 'carol@example.test', roles: ['guest'] })).membershipId
      // Alice turns MFA on with a verified email: her membership shows mfa true. Bob asks.
      const alice = (await app.store.users.get(PROJECT, 'alice'))!
      await app.store.transaction(() => app.store.users.update(PROJECT, { ...alice, mfa: true, emailVerification: true }))
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'GET', url: '/v1/teams/team1/memberships' },
    expect: { status: 200, body: { total: 3 } },
    async after(res, app, ctx) {
      expect(res.body.memberships).toEqual([
        expect.objectContaining({ userId: 'alice', userName: 'Alice', userEmail: 'alice@example.test', teamName: 'Team One', confirm: true, joined: NOW, roles: ['owner'], mfa: true }),
        expect.objectContaining({ userId: 'bob', userName: 'Bob', userEmail: 'bob@example.test', teamName: 'Team One', confirm: true, joined: NOW, roles: ['member'], mfa: false }),
        expect.objectContaining({ $id: ctx.carolMembership, userName: 'carol@example.test', userEmail: 'carol@example.test', confirm: false, joined: '', roles: ['guest'], mfa: false }),
      ])
      const list = async (query: string) => (await app.request({ method: 'GET', url: `/v1/teams/team1/memberships?${query}`, cookie: ctx.cookie })).body
      expect((await list(`queries[]=${q({ method: 'isNull', attribute: 'joined' })}`)).memberships.map((m: any) => m.$id)).toEqual([ctx.carolMembership])
      expect((await list(`queries[]=${q({ method: 'equal', attribute: 'confirm', values: [true] })}`)).memberships.map((m: any) => m.userId)).toEqual(['alice', 'bob'])
      expect((await list('search=bob')).memberships.map((m: any) => m.userId), 'search covers user IDs').toEqual(['bob'])
      expect((await list(`search=${ctx.carolMembership}`)).total, 'and membership IDs').toBe(1)
      expect(await list(`queries[]=${q({ method: 'orderDesc', attribute: 'confirm' })}&queries[]=${q({ method: 'limit', values: [1] })}&queries[]=${q({ method: 'offset', values: [1] })}`)).toMatchObject({ total: 3, memberships: [{ userId: 'bob' }] })
    },
  },
])

scenarios('teams.getMembership', [
  { name: 'a bad membership ID', as: 'alice', request: { method: 'GET', url: '/v1/teams/team1/memberships/_x' }, expect: { status: 400, message: /^Invalid `membershipId` param: UID must contain/ } },
  { name: 'a missing team', as: 'alice', request: { method: 'GET', url: '/v1/teams/nope/memberships/m1' }, expect: { status: 404, type: 'team_not_found' } },
  { name: 'a missing membership', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: { method: 'GET', url: '/v1/teams/team1/memberships/nope' }, expect: { status: 404, type: 'membership_not_found', message: 'Membership with the requested ID could not be found.' } },
  {
    name: 'an outsider cannot read it',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobInvited: true })
      ctx.cookie = await app.signIn(CAROL)
    },
    request: (ctx) => ({ method: 'GET', url: `/v1/teams/team1/memberships/${ctx.bobMembership}` }),
    expect: { status: 404, type: 'team_not_found' },
  },
  {
    name: 'a member reads another member',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'GET', url: '/v1/teams/team1/memberships' },
    expect: { status: 200, body: { total: 2 } },
    async after(_res, app, ctx) {
      const aliceMembership = (await app.store.memberships.findOne(PROJECT, { user_id: 'alice' }))!.id
      const one = await app.request({ method: 'GET', url: `/v1/teams/team1/memberships/${aliceMembership}`, cookie: ctx.bob as string })
      expect(one.status).toBe(200)
      expect(one.body).toMatchObject({ $id: aliceMembership, userId: 'alice', userName: 'Alice', teamName: 'Team One', roles: ['owner'], confirm: true })
    },
  },
])

scenarios('teams.updateMembership', [
  { name: 'roles are required', as: 'alice', request: { method: 'PATCH', url: '/v1/teams/team1/memberships/m1', body: {} }, expect: { status: 400, message: 'Param "roles" is not optional.' } },
  { name: 'a missing team', as: 'alice', request: { method: 'PATCH', url: '/v1/teams/nope/memberships/m1', body: { roles: [] } }, expect: { status: 404, type: 'team_not_found' } },
  { name: 'a missing membership', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: { method: 'PATCH', url: '/v1/teams/team1/memberships/nope', body: { roles: [] } }, expect: { status: 404, type: 'membership_not_found' } },
  {
    name: 'a member who is not an owner',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: (ctx) => ({ method: 'PATCH', url: `/v1/teams/team1/memberships/${ctx.bobMembership}`, body: { roles: ['owner'] } }),
    expect: { status: 401, type: 'user_unauthorized', message: 'User is not allowed to modify roles' },
  },
  {
    name: 'the owner promotes a member, who can then rename the team',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      app.clock.advance(1000)
    },
    request: (ctx) => ({ method: 'PATCH', url: `/v1/teams/team1/memberships/${ctx.bobMembership}`, body: { roles: ['owner', 'billing'] } }),
    expect: { status: 200, body: { userId: 'bob', userName: 'Bob', teamName: 'Team One', roles: ['owner', 'billing'], confirm: true, $updatedAt: '2024-05-01T10:20:31.123+00:00' } },
    events: { 'teams.team1.memberships.*.update': 1 },
    async after(_res, app, ctx) {
      expect((await app.request({ method: 'PUT', url: '/v1/teams/team1', cookie: ctx.bob as string, body: { name: 'Bob was here' } })).status).toBe(200)
    },
  },
])

scenarios('teams.deleteMembership', [
  { name: 'guest is refused', request: { method: 'DELETE', url: '/v1/teams/team1/memberships/m1' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'a missing membership', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: { method: 'DELETE', url: '/v1/teams/team1/memberships/nope' }, expect: { status: 404, type: 'team_invite_not_found' } },
  {
    name: 'a membership of another team',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobInvited: true })
      await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: 'team2', name: 'Two' } })
    },
    request: (ctx) => ({ method: 'DELETE', url: `/v1/teams/team2/memberships/${ctx.bobMembership}` }),
    expect: { status: 404, type: 'team_membership_mismatch' },
  },
  {
    name: 'a member cannot remove another member',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.aliceMembership = (await app.store.memberships.findOne(PROJECT, { user_id: 'alice' }))!.id
      ctx.cookie = ctx.bob as string
    },
    request: (ctx) => ({ method: 'DELETE', url: `/v1/teams/team1/memberships/${ctx.aliceMembership}` }),
    expect: { status: 401, type: 'user_unauthorized', message: 'The current user is not authorized to perform the requested action.' },
  },
  {
    name: 'an invitee cannot decline before joining: the team is not theirs to read yet',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobInvited: true })
      ctx.cookie = ctx.bob as string
    },
    request: (ctx) => ({ method: 'DELETE', url: `/v1/teams/team1/memberships/${ctx.bobMembership}` }),
    expect: { status: 404, type: 'team_not_found' },
  },
  {
    name: 'the owner withdraws an invitation; total is unchanged',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx, { bobInvited: true }),
    request: (ctx) => ({ method: 'DELETE', url: `/v1/teams/team1/memberships/${ctx.bobMembership}` }),
    expect: { status: 204 },
    events: { 'teams.team1.memberships.*.delete': 1 },
    async after(_res, app) {
      expect((await app.store.teams.get(PROJECT, 'team1'))!.total).toBe(1)
      expect(await app.store.memberships.count(PROJECT, { team_id: 'team1' })).toBe(1)
    },
  },
  {
    name: 'a member leaves; total drops and the team roles go',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: (ctx) => ({ method: 'DELETE', url: `/v1/teams/team1/memberships/${ctx.bobMembership}` }),
    expect: { status: 204 },
    async after(_res, app, ctx) {
      expect((await app.store.teams.get(PROJECT, 'team1'))!.total).toBe(1)
      expect((await app.request({ method: 'GET', url: '/v1/teams/team1', cookie: ctx.bob as string })).status).toBe(404)
    },
  },
  {
    name: 'the last owner may leave (Appwrite 1.5 keeps no last owner)',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: { method: 'GET', url: '/v1/teams/team1/memberships' },
    expect: { status: 200 },
    async after(res, app, ctx) {
      const own = res.body.memberships[0].$id
      expect((await app.request({ method: 'DELETE', url: `/v1/teams/team1/memberships/${own}`, cookie: ctx.cookie })).status).toBe(204)
      expect(await app.store.teams.get(PROJECT, 'team1')).toMatchObject({ id: 'team1', total: 0 })
    },
  },
])
