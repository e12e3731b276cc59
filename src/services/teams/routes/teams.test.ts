import { expect, it } from 'vitest'
import { scenarios, type ScenarioContext } from '../../../../test/harness/scenarios.js'
import { createTestApp, PROJECT, USERS, type TestApp } from '../../../../test/harness/app.js'
import { emptyTemplate } from '../../../config/appwrite-json.js'
import type { Caller } from '../../../core/caller.js'

const NOW = '2024-05-01T10:20:30.123+00:00'
const q = (query: object) => encodeURIComponent(JSON.stringify(query))

/** Alice (signed in as the row's `as`) creates a team; bob joins it when `bobJoins`. */
async function aliceTeam(app: TestApp, ctx: ScenarioContext, options: { id?: string; name?: string; bobJoins?: boolean; bobRoles?: string[] } = {}) {
  const id = options.id ?? 'team1'
  const res = await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: id, name: options.name ?? 'Team One' } })
  if (res.status !== 201) throw new Error(res.text)
  ctx.bob = await app.signIn(USERS.bob)
  if (options.bobJoins) await join(app, ctx.cookie!, id, 'bob', ctx.bob as string, options.bobRoles ?? ['member'])
}

/** An owner invites a user by ID and the user accepts with the secret from the outbox. */
async function join(app: TestApp, ownerCookie: string, teamId: string, userId: string, userCookie: string, roles: string[]) {
  const invited = await app.request({ method: 'POST', url: `/v1/teams/${teamId}/memberships`, cookie: ownerCookie, body: { userId, roles, url: 'http://localhost/join' } })
  if (invited.status !== 201) throw new Error(invited.text)
  const messages = await app.store.messages.list(PROJECT)
  const secret = messages[messages.length - 1]!.data.secret
  const accepted = await app.request({ method: 'PATCH', url: `/v1/teams/${teamId}/memberships/${invited.body.$id}/status`, cookie: userCookie, body: { userId, secret } })
  if (accepted.status !== 200) throw new Error(accepted.text)
  return invited.body.$id as string
}

scenarios('teams.create', [
  { name: 'guest is refused', request: { method: 'POST', url: '/v1/teams', body: { teamId: 'unique()', name: 'T' } }, expect: { status: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (teams.write)' } },
  { name: 'teamId is required', as: 'alice', request: { method: 'POST', url: '/v1/teams', body: { name: 'T' } }, expect: { status: 400, type: 'general_argument_invalid', message: 'Param "teamId" is not optional.' } },
  { name: 'a bad teamId', as: 'alice', request: { method: 'POST', url: '/v1/teams', body: { teamId: '_x', name: 'T' } }, expect: { status: 400, message: /^Invalid `teamId` param: Parameter must contain at most 36 chars/ } },
  { name: 'name is required', as: 'alice', request: { method: 'POST', url: '/v1/teams', body: { teamId: 'unique()' } }, expect: { status: 400, message: 'Param "name" is not optional.' } },
  { name: 'a name over 128 chars', as: 'alice', request: { method: 'POST', url: '/v1/teams', body: { teamId: 'unique()', name: 'x'.repeat(129) } }, expect: { status: 400, message: 'Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars' } },
  {
    name: 'roles must be keys',
    as: 'alice',
    request: { method: 'POST', url: '/v1/teams', body: { teamId: 'unique()', name: 'T', roles: ['a b'] } },
    expect: { status: 400, message: "Invalid `roles` param: Value must a valid array no longer than 100 items and Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char" },
  },
  {
    name: 'an existing ID',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: { method: 'POST', url: '/v1/teams', body: { teamId: 'team1', name: 'Again' } },
    expect: { status: 409, type: 'team_already_exists' },
    async after(_res, app) {
      expect((await app.store.memberships.list(PROJECT)).length, 'no second membership left behind').toBe(1)
    },
  },
  {
    name: 'creates the team with the creator as its one confirmed owner',
    as: 'alice',
    request: { method: 'POST', url: '/v1/teams', body: { teamId: 'team1', name: 'Team One', roles: ['admin'] } },
    expect: { status: 201, body: { $id: 'team1', name: 'Team One', total: 1, prefs: {}, $createdAt: NOW, $updatedAt: NOW } },
    events: { 'teams.team1.create': 1, 'teams.*.create': 1 },
    async after(_res, app, ctx) {
      const members = await app.request({ method: 'GET', url: '/v1/teams/team1/memberships', cookie: ctx.cookie })
      expect(members.body.memberships).toEqual([
        expect.objectContaining({ userId: 'alice', userName: 'Alice', userEmail: 'alice@example.test', teamName: 'Team One', roles: ['admin', 'owner'], confirm: true, invited: NOW, joined: NOW, mfa: false }),
      ])
      const logs = await app.request({ method: 'GET', url: '/v1/account/logs', cookie: ctx.cookie })
      expect(logs.body.logs[0].event).toBe('team.create')
    },
  },
  {
    name: 'unique() makes a 20-hex ID and roles default to owner',
    as: 'alice',
    request: { method: 'POST', url: '/v1/teams', body: { teamId: 'unique()', name: 'T' } },
    expect: { status: 201 },
    async after(res, app, ctx) {
      expect(res.body.$id).toMatch(/^[0-9a-f]{20}$/)
      const members = await app.request({ method: 'GET', url: `/v1/teams/${res.body.$id}/memberships`, cookie: ctx.cookie })
      expect(members.body.memberships[0].roles).toEqual(['owner'])
    },
  },
])

scenarios('teams.list', [
  { name: 'guest is refused', request: { method: 'GET', url: '/v1/teams' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'select is not a method here', as: 'alice', request: { method: 'GET', url: `/v1/teams?queries[]=${q({ method: 'select', values: ['name'] })}` }, expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `queries` param: Invalid query method: select' } },
  { name: 'an attribute that cannot be queried', as: 'alice', request: { method: 'GET', url: `/v1/teams?queries[]=${q({ method: 'equal', attribute: 'prefs', values: ['x'] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Attribute not found in schema: prefs' } },
  { name: 'a value of the wrong type', as: 'alice', request: { method: 'GET', url: `/v1/teams?queries[]=${q({ method: 'equal', attribute: 'total', values: ['one'] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Query value is invalid for attribute "total"' } },
  { name: 'equal without values', as: 'alice', request: { method: 'GET', url: `/v1/teams?queries[]=${q({ method: 'equal', attribute: 'nope', values: [] })}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Equal queries require at least one value.' } },
  { name: 'search on name needs a fulltext index', as: 'alice', request: { method: 'GET', url: `/v1/teams?queries[]=${q({ method: 'search', attribute: 'name', values: ['x'] })}` }, expect: { status: 400, type: 'general_query_invalid', message: 'Searching by attribute "name" requires a fulltext index.' } },
  { name: 'a cursor that names no team', as: 'alice', request: { method: 'GET', url: `/v1/teams?queries[]=${q({ method: 'cursorAfter', values: ['nope'] })}` }, expect: { status: 400, type: 'general_cursor_not_found', message: "Team 'nope' for the 'cursor' value not found." } },
  { name: 'an empty search term', as: 'alice', request: { method: 'GET', url: '/v1/teams?search=' }, expect: { status: 400, message: 'Invalid `search` param: Value must be a valid string and at least 1 chars and no longer than 256 chars' } },
  {
    name: 'lists only the teams the caller is a confirmed member of',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.bob as string, body: { teamId: 'bobs', name: 'Bob Only' } })
      // An invitation bob has not accepted gives alice nothing.
      await app.request({ method: 'POST', url: '/v1/teams/bobs/memberships', cookie: ctx.bob as string, body: { userId: 'alice', roles: [], url: 'http://localhost/' } })
    },
    request: { method: 'GET', url: '/v1/teams' },
    expect: { status: 200, body: { total: 1, teams: [{ $id: 'team1', name: 'Team One', total: 1 }] } },
  },
  {
    name: 'search, filters, order and paging',
    as: 'alice',
    async before(app, ctx) {
      for (const [id, name] of [['t1', 'Manchester United'], ['t2', 'Manchester City'], ['t3', 'Liverpool']]) {
        app.clock.advance(1000)
        await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: id, name } })
      }
    },
    request: { method: 'GET', url: `/v1/teams?search=manch&queries[]=${q({ method: 'orderDesc', attribute: 'name' })}&queries[]=${q({ method: 'limit', values: [1] })}` },
    expect: { status: 200, body: { total: 2, teams: [{ $id: 't1' }] } },
    async after(_res, app, ctx) {
      const list = async (...queries: object[]) => (await app.request({ method: 'GET', url: `/v1/teams?${queries.map((x) => `queries[]=${q(x)}`).join('&')}`, cookie: ctx.cookie })).body
      expect((await list({ method: 'equal', attribute: 'name', values: ['liverpool'] })).teams.map((t: any) => t.$id), 'case-insensitive').toEqual(['t3'])
      expect((await list({ method: 'greaterThan', attribute: '$createdAt', values: ['2024-05-01T10:20:32.000+00:00'] })).teams.map((t: any) => t.$id)).toEqual(['t2', 't3'])
      expect((await list({ method: 'cursorAfter', values: ['t1'] })).teams.map((t: any) => t.$id)).toEqual(['t2', 't3'])
      expect((await list({ method: 'cursorBefore', values: ['t3'] }, { method: 'limit', values: [1] })).teams.map((t: any) => t.$id), 'the page nearest the cursor').toEqual(['t2'])
      expect(await list({ method: 'or', values: [{ method: 'equal', attribute: '$id', values: ['t1'] }, { method: 'startsWith', attribute: 'name', values: ['Liv'] }] })).toMatchObject({ total: 2, teams: [{ $id: 't1' }, { $id: 't3' }] })
      expect(await list({ method: 'isNull', attribute: 'billingPlan' }, { method: 'offset', values: [2] })).toMatchObject({ total: 3, teams: [{ $id: 't3' }] })
    },
  },
])

scenarios('teams.get', [
  { name: 'guest is refused', request: { method: 'GET', url: '/v1/teams/team1' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'a bad ID', as: 'alice', request: { method: 'GET', url: '/v1/teams/_x' }, expect: { status: 400, message: /^Invalid `teamId` param: UID must contain/ } },
  { name: 'a missing team', as: 'alice', request: { method: 'GET', url: '/v1/teams/nope' }, expect: { status: 404, type: 'team_not_found', message: 'Team with the requested ID could not be found.' } },
  {
    name: "another user's team reads as missing",
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'GET', url: '/v1/teams/team1' },
    expect: { status: 404, type: 'team_not_found' },
  },
  { name: 'a member reads it', as: 'alice', before: (app, ctx) => aliceTeam(app, ctx), request: { method: 'GET', url: '/v1/teams/team1' }, expect: { status: 200, body: { $id: 'team1', name: 'Team One', total: 1, prefs: {} } } },
])

scenarios('teams.updateName', [
  { name: 'name is required', as: 'alice', request: { method: 'PUT', url: '/v1/teams/team1', body: {} }, expect: { status: 400, message: 'Param "name" is not optional.' } },
  { name: 'a missing team', as: 'alice', request: { method: 'PUT', url: '/v1/teams/nope', body: { name: 'X' } }, expect: { status: 404, type: 'team_not_found' } },
  {
    name: 'a member who is not an owner is refused by the database',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'PUT', url: '/v1/teams/team1', body: { name: 'Mine now' } },
    expect: { status: 401, type: 'user_unauthorized', message: 'The current user is not authorized to perform the requested action.' },
    async after(_res, app) {
      expect((await app.store.teams.get(PROJECT, 'team1'))?.name).toBe('Team One')
    },
  },
  {
    name: 'a rename older than the last change conflicts',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      app.clock.advance(5000)
      await app.request({ method: 'PUT', url: '/v1/teams/team1', cookie: ctx.cookie, body: { name: 'Newer' } })
    },
    request: { method: 'PUT', url: '/v1/teams/team1', body: { name: 'Stale' }, headers: { 'x-appwrite-timestamp': NOW } },
    expect: { status: 409, type: 'document_update_conflict', message: 'Remote document is newer than local.' },
  },
  {
    name: 'the owner renames it',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx)
      app.clock.advance(5000)
    },
    request: { method: 'PUT', url: '/v1/teams/team1', body: { name: 'Renamed' } },
    expect: { status: 200, body: { $id: 'team1', name: 'Renamed', $createdAt: NOW, $updatedAt: '2024-05-01T10:20:35.123+00:00' } },
    events: { 'teams.team1.update': 1 },
  },
])

scenarios('teams.getPrefs and teams.updatePrefs', [
  { name: 'prefs must be an object', as: 'alice', request: { method: 'PUT', url: '/v1/teams/team1/prefs', body: { prefs: [1] } }, expect: { status: 400, message: 'Invalid `prefs` param: Value must be a valid object.' } },
  { name: 'a missing team', as: 'alice', request: { method: 'GET', url: '/v1/teams/nope/prefs' }, expect: { status: 404, type: 'team_not_found' } },
  {
    name: 'a non-owner cannot write them',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'PUT', url: '/v1/teams/team1/prefs', body: { prefs: { a: 1 } } },
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'too large, as Appwrite measures JSON',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx),
    request: { method: 'PUT', url: '/v1/teams/team1/prefs', body: { prefs: { a: '/'.repeat(33_000) } } },
    expect: { status: 400, type: 'document_invalid_structure' },
  },
  {
    name: 'the owner replaces them; members read them',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      await app.request({ method: 'PUT', url: '/v1/teams/team1/prefs', cookie: ctx.cookie, body: { prefs: { old: true } } })
    },
    request: { method: 'PUT', url: '/v1/teams/team1/prefs', body: { prefs: { theme: 'pink', n: [1, 2] } } },
    expect: { status: 200, body: { theme: 'pink', n: [1, 2] }, absent: ['old', '$id'] },
    events: { 'teams.team1.update.prefs': 1 },
    async after(_res, app, ctx) {
      const read = await app.request({ method: 'GET', url: '/v1/teams/team1/prefs', cookie: ctx.bob as string })
      expect(read.body).toEqual({ theme: 'pink', n: [1, 2] })
      expect((await app.request({ method: 'GET', url: '/v1/teams/team1', cookie: ctx.cookie })).body.prefs).toEqual({ theme: 'pink', n: [1, 2] })
    },
  },
])

scenarios('teams.delete', [
  { name: 'guest is refused', request: { method: 'DELETE', url: '/v1/teams/team1' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  { name: 'a missing team', as: 'alice', request: { method: 'DELETE', url: '/v1/teams/nope' }, expect: { status: 404, type: 'team_not_found' } },
  {
    name: 'a member who is not an owner is refused',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true })
      ctx.cookie = ctx.bob as string
    },
    request: { method: 'DELETE', url: '/v1/teams/team1' },
    expect: { status: 401, type: 'user_unauthorized' },
    async after(_res, app) {
      expect(await app.store.memberships.count(PROJECT, { team_id: 'team1' })).toBe(2)
    },
  },
  {
    name: 'the owner deletes it with every membership, and the roles are gone',
    as: 'alice',
    before: (app, ctx) => aliceTeam(app, ctx, { bobJoins: true }),
    request: { method: 'DELETE', url: '/v1/teams/team1' },
    expect: { status: 204 },
    events: { 'teams.team1.delete': 1 },
    async after(res, app, ctx) {
      expect(res.text).toBe('')
      expect(await app.store.memberships.count(PROJECT, { team_id: 'team1' })).toBe(0)
      expect((await app.request({ method: 'GET', url: '/v1/teams', cookie: ctx.bob as string })).body).toEqual({ total: 0, teams: [] })
    },
  },
])

scenarios('team roles in every permission check', [
  {
    name: 'confirmed memberships add team, team/role and member roles; invitations add none',
    as: 'alice',
    async before(app, ctx) {
      await aliceTeam(app, ctx, { bobJoins: true, bobRoles: ['editor', 'viewer'] })
      await app.request({ method: 'POST', url: '/v1/teams', cookie: ctx.cookie, body: { teamId: 'team2', name: 'Two' } })
      await app.request({ method: 'POST', url: '/v1/teams/team2/memberships', cookie: ctx.cookie, body: { userId: 'bob', roles: ['x'], url: 'http://localhost/' } })
    },
    request: { method: 'GET', url: '/v1/teams/team1/memberships' },
    expect: { status: 200 },
    async after(res, app) {
      const bobMembership = res.body.memberships.find((m: any) => m.userId === 'bob')
      // What the request pipeline asks for bob on each request.
      const caller = { project: await app.services.projects.get(PROJECT), user: await app.store.users.get(PROJECT, 'bob'), session: null, roles: [] } as unknown as Caller
      const roles = await app.services.roles(caller)
      expect(roles).toEqual(expect.arrayContaining(['team:team1', `member:${bobMembership.$id}`, 'team:team1/editor', 'team:team1/viewer']))
      expect(roles.filter((r) => r.startsWith('team:team2'))).toEqual([])
    },
  },
])

it('teams listed in appwrite.json exist in every project built from it', async () => {
  const template = { ...emptyTemplate(), teams: [{ $id: 'staff', name: 'Staff' }, { $id: 'admins', name: 'Admins' }] }
  const app = await createTestApp({ template })
  try {
    for (const project of [PROJECT, 'other-project']) {
      await app.request({ method: 'GET', url: '/v1/account', project })
      const teams = await app.store.teams.list(project)
      expect(teams.map((t) => [t.id, t.name, t.total])).toEqual([['staff', 'Staff', 0], ['admins', 'Admins', 0]])
    }
    // Nobody is a member yet, so nobody reads them.
    const cookie = await app.signIn(USERS.alice)
    expect((await app.request({ method: 'GET', url: '/v1/teams/staff', cookie })).status).toBe(404)
    await app.services.projects.reset(PROJECT)
    expect((await app.store.teams.list(PROJECT)).map((t) => t.id), 'a reset project gets them again').toEqual(['staff', 'admins'])
  } finally {
    await app.close()
  }
})
