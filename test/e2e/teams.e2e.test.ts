import { describe, expect, it } from 'vitest'
import type { EmulatorMessage } from '../../src/index.js'
import { useSdkSuite } from '../harness/e2e.js'
import { onPostgresPass } from '../harness/pg-e2e.js'
import { appwriteError, type SdkUser } from '../harness/sdk.js'

/**
 * Teams and memberships (issue 4) through the official web SDK `appwrite@14.0.1`: an owner, an invitee and an
 * outsider act at the same time in their own browsers; invitations are read back from the control API, as a
 * developer's test would; every response the SDK gets is held against the client spec.
 */

const PASSWORD = 'password123'
const ACCEPT_URL = 'http://localhost:5173/accept'

const suite = useSdkSuite({ expectResponses: true })
let projectId: string
let projectCount = 0

function browser(name: string): SdkUser {
  return suite.browser(name, projectId)
}

function freshProject() {
  projectId = `Teams${++projectCount}E2e`
  return projectId
}

/** A browser with a signed-in account. */
async function signedIn(name: string, email: string, displayName: string): Promise<SdkUser> {
  const user = browser(name)
  await user.account.create(user.sdk.ID.unique(), email, PASSWORD, displayName)
  await user.account.createEmailPasswordSession(email, PASSWORD)
  return user
}

/** The outbox through the control API, as `GET /_emulator/projects/{id}/messages` serves it. */
async function messages(): Promise<EmulatorMessage[]> {
  const res = await fetch(`${suite.emulator.origin}/_emulator/projects/${projectId}/messages`)
  expect(res.status).toBe(200)
  const body = (await res.json()) as { total: number; messages: EmulatorMessage[] }
  expect(body.total).toBe(body.messages.length)
  return body.messages
}

/** The newest invitation sent to `to`, with its link taken apart. */
async function invitationFor(to: string) {
  const found = (await messages()).filter((m) => m.to === to && m.data.membershipId)
  expect(found.length, `an invitation to ${to}`).toBeGreaterThan(0)
  const message = found[found.length - 1]!
  const link = new URL(message.data.url!)
  const param = (key: string) => link.searchParams.get(key)!
  return { message, link, membershipId: param('membershipId'), userId: param('userId'), secret: param('secret'), teamId: param('teamId') }
}

describe('teams through the web SDK', () => {
  it('an owner invites, the invitee accepts, and an outsider never gets in', async () => {
    freshProject()
    const [alice, bob, eve] = await Promise.all([
      signedIn('alice', 'alice@example.test', 'Alice'),
      signedIn('bob', 'bob@example.test', 'Bob'),
      signedIn('eve', 'eve@example.test', 'Eve'),
    ])
    const aliceTeams = new alice.sdk.Teams(alice.client)
    const bobTeams = new bob.sdk.Teams(bob.client)
    const eveTeams = new eve.sdk.Teams(eve.client)
    const { Query, ID } = alice.sdk

    const [band, evesTeam] = await Promise.all([aliceTeams.create(ID.unique(), 'Band', ['leader']), eveTeams.create('eves-team', 'Eve Only')])
    expect(band).toMatchObject({ name: 'Band', total: 1, prefs: {} })
    expect(evesTeam).toMatchObject({ $id: 'eves-team', total: 1 })
    expect((await aliceTeams.listMemberships(band.$id)).memberships).toEqual([
      expect.objectContaining({ userName: 'Alice', userEmail: 'alice@example.test', roles: ['leader', 'owner'], confirm: true }),
    ])

    // Alice invites bob by email while eve tries to reach into alice's team.
    const [invitation, eveInvites, eveReads] = await Promise.all([
      aliceTeams.createMembership(band.$id, ['guitar'], 'Bob@Example.test', undefined, undefined, `${ACCEPT_URL}?band=1`),
      appwriteError(eveTeams.createMembership(band.$id, [], 'eve2@example.test', undefined, undefined, ACCEPT_URL)),
      appwriteError(eveTeams.get(band.$id)),
    ])
    expect(invitation).toMatchObject({ teamId: band.$id, teamName: 'Band', userName: 'Bob', userEmail: 'bob@example.test', confirm: false, joined: '', roles: ['guitar'], mfa: false })
    expect(eveInvites).toMatchObject({ code: 404, type: 'team_not_found' })
    expect(eveReads).toMatchObject({ code: 404, type: 'team_not_found' })
    expect(await appwriteError(aliceTeams.createMembership(band.$id, [], 'bob@example.test', undefined, undefined, ACCEPT_URL))).toMatchObject({ code: 409, type: 'team_invite_already_exists' })

    const sent = await invitationFor('bob@example.test')
    expect(sent.message.subject).toBe(`Invitation to Band Team at ${projectId}`)
    expect(sent.link.origin + sent.link.pathname).toBe(ACCEPT_URL)
    expect(sent.link.searchParams.get('band'), 'the app URL keeps its own query').toBe('1')
    expect(sent).toMatchObject({ membershipId: invitation.$id, userId: invitation.userId, teamId: band.$id })
    expect(sent.secret).toMatch(/^[0-9a-f]{256}$/)

    // Not a member until accepted: no team, no roles.
    expect(await bobTeams.list()).toEqual({ total: 0, teams: [] })
    expect(await appwriteError(bobTeams.listMemberships(band.$id))).toMatchObject({ code: 404, type: 'team_not_found' })

    // Eve, signed in, cannot use bob's link; a wrong secret is refused.
    const [eveAccepts, wrongSecret] = await Promise.all([
      appwriteError(eveTeams.updateMembershipStatus(sent.teamId, sent.membershipId, sent.userId, sent.secret)),
      appwriteError(eveTeams.updateMembershipStatus(sent.teamId, sent.membershipId, sent.userId, '0'.repeat(256))),
    ])
    expect(eveAccepts).toMatchObject({ code: 401, type: 'team_invite_mismatch', message: 'Invite does not belong to current user (eve@example.test)' })
    expect(wrongSecret).toMatchObject({ code: 401, type: 'team_invalid_secret' })

    // Bob opens the link on his phone, signed out: accepting signs him in there.
    const bobPhone = browser('bob-phone')
    const accepted = await new bobPhone.sdk.Teams(bobPhone.client).updateMembershipStatus(sent.teamId, sent.membershipId, sent.userId, sent.secret)
    expect(accepted).toMatchObject({ $id: invitation.$id, confirm: true, userName: 'Bob', teamName: 'Band', roles: ['guitar'] })
    expect(Date.parse(accepted.joined)).toBeGreaterThanOrEqual(Date.parse(accepted.invited))
    expect(bobPhone.cookies.names().sort()).toEqual([`a_session_${projectId.toLowerCase()}`, `a_session_${projectId.toLowerCase()}_legacy`])
    expect(Object.keys(JSON.parse(bobPhone.fallback!))).toEqual([`a_session_${projectId}`])
    const onPhone = await bobPhone.account.get()
    expect(onPhone).toMatchObject({ $id: sent.userId, email: 'bob@example.test', emailVerification: true })
    expect(await bobPhone.account.getSession('current')).toMatchObject({ provider: 'email', providerUid: 'bob@example.test', factors: ['email'] })
    expect(await appwriteError(bobTeams.updateMembershipStatus(sent.teamId, sent.membershipId, sent.userId, sent.secret))).toMatchObject({ code: 409, type: 'membership_already_confirmed' })

    // Bob is a member now, in every browser he uses; eve still is not.
    const [bobsList, bobsMembers, evesList] = await Promise.all([bobTeams.list(), bobTeams.listMemberships(band.$id), eveTeams.list()])
    expect(bobsList.teams.map((t) => [t.$id, t.total])).toEqual([[band.$id, 2]])
    expect(bobsMembers.total).toBe(2)
    expect(evesList.teams.map((t) => t.$id)).toEqual(['eves-team'])

    // Only owners rename, change prefs, invite and change roles.
    const [rename, prefs, invite, promote] = await Promise.all([
      appwriteError(bobTeams.updateName(band.$id, 'Bob Band')),
      appwriteError(bobTeams.updatePrefs(band.$id, { stage: 'left' })),
      appwriteError(bobTeams.createMembership(band.$id, [], 'carol@example.test', undefined, undefined, ACCEPT_URL)),
      appwriteError(bobTeams.updateMembership(band.$id, invitation.$id, ['owner'])),
    ])
    expect(rename).toMatchObject({ code: 401, type: 'user_unauthorized' })
    expect(prefs).toMatchObject({ code: 401, type: 'user_unauthorized' })
    expect(invite).toMatchObject({ code: 401, type: 'user_unauthorized', message: 'User is not allowed to send invitations for this team' })
    expect(promote).toMatchObject({ code: 401, type: 'user_unauthorized', message: 'User is not allowed to modify roles' })

    expect(await aliceTeams.updatePrefs(band.$id, { stage: 'right', setlist: ['a', 'b'] })).toEqual({ stage: 'right', setlist: ['a', 'b'] })
    expect(await bobTeams.getPrefs(band.$id)).toEqual({ stage: 'right', setlist: ['a', 'b'] })
    expect(await appwriteError(eveTeams.getPrefs(band.$id))).toMatchObject({ code: 404, type: 'team_not_found' })

    // Promoted, bob may rename the team.
    expect((await aliceTeams.updateMembership(band.$id, invitation.$id, ['guitar', 'owner'])).roles).toEqual(['guitar', 'owner'])
    expect((await bobTeams.updateName(band.$id, 'The Band')).name).toBe('The Band')
    expect((await aliceTeams.get(band.$id)).name).toBe('The Band')

    // Queries and search through the SDK's Query builder.
    const confirmedNewestFirst = await aliceTeams.listMemberships(band.$id, [Query.equal('confirm', true), Query.orderDesc('$createdAt'), Query.limit(1)])
    expect(confirmedNewestFirst).toMatchObject({ total: 2, memberships: [{ userId: sent.userId }] })
    expect((await aliceTeams.listMemberships(band.$id, [], sent.userId)).memberships.map((m) => m.userId)).toEqual([sent.userId])
    expect((await aliceTeams.list([], 'band')).total).toBe(1)
    expect(await appwriteError(aliceTeams.list([Query.select(['name'])]))).toMatchObject({ code: 400, type: 'general_argument_invalid', message: 'Invalid `queries` param: Invalid query method: select' })
    expect(await appwriteError(aliceTeams.listMemberships(band.$id, [Query.equal('roles', ['owner'])]))).toMatchObject({ code: 400, message: 'Invalid `queries` param: Invalid query: Attribute not found in schema: roles' })

    // Bob leaves; then alice deletes the team, and its last membership with it.
    await bobTeams.deleteMembership(band.$id, invitation.$id)
    expect(await bobTeams.list()).toEqual({ total: 0, teams: [] })
    expect((await aliceTeams.get(band.$id)).total).toBe(1)
    await aliceTeams.delete(band.$id)
    const [aliceAfter, aliceGone] = await Promise.all([aliceTeams.list(), appwriteError(aliceTeams.get(band.$id))])
    expect(aliceAfter.total).toBe(0)
    expect(aliceGone).toMatchObject({ code: 404, type: 'team_not_found' })
    expect((await eveTeams.list()).total, "eve's own team is untouched").toBe(1)
  })

  it('an invitation to an unknown email creates the account, which the invitee then makes their own', async () => {
    freshProject()
    const alice = await signedIn('alice', 'alice@example.test', 'Alice')
    const aliceTeams = new alice.sdk.Teams(alice.client)
    const team = await aliceTeams.create('crew', 'Crew')

    const [toCarol, toDan] = await Promise.all([
      aliceTeams.createMembership(team.$id, ['deckhand'], 'carol@example.test', undefined, undefined, ACCEPT_URL, 'Carol'),
      aliceTeams.createMembership(team.$id, [], 'dan@example.test', undefined, undefined, ACCEPT_URL),
    ])
    expect(toCarol).toMatchObject({ userName: 'Carol', userEmail: 'carol@example.test', confirm: false })
    expect(toDan, 'without a name the email stands in').toMatchObject({ userName: 'dan@example.test' })
    expect(await appwriteError(aliceTeams.createMembership(team.$id, [], 'x@example.test', undefined, undefined, 'ftp://example.test/'))).toMatchObject({
      code: 400,
      type: 'general_argument_invalid',
      // Appwrite's `Host(clients)` validator: its description whatever failed, listing the registered hosts.
      message: 'Invalid `url` param: URL host must be one of: localhost, 127.0.0.1, [::1]',
    })

    // Carol accepts in a fresh browser, then sets a password without knowing the random one she was given.
    const carol = browser('carol')
    const link = await invitationFor('carol@example.test')
    await new carol.sdk.Teams(carol.client).updateMembershipStatus(link.teamId, link.membershipId, link.userId, link.secret)
    const account = await carol.account.get()
    expect(account).toMatchObject({ $id: toCarol.userId, name: 'Carol', email: 'carol@example.test', emailVerification: true, passwordUpdate: '' })
    await carol.account.updatePassword('carol-chose-this')
    const laptop = browser('carol-laptop')
    expect(await laptop.account.createEmailPasswordSession('carol@example.test', 'carol-chose-this')).toMatchObject({ userId: toCarol.userId })

    const members = await new laptop.sdk.Teams(laptop.client).listMemberships(team.$id)
    // On PostgreSQL the two invitations above run in parallel transactions, so either may be inserted first.
    const listed = members.memberships.map((m) => [m.userEmail, m.confirm])
    expect(onPostgresPass() ? listed.sort((x, y) => String(x[0]).localeCompare(String(y[0]))) : listed).toEqual([
      ['alice@example.test', true],
      ['carol@example.test', true],
      ['dan@example.test', false],
    ])
    // The owner withdraws dan's invitation: the team's total counts confirmed members only, before and after.
    expect((await aliceTeams.get(team.$id)).total).toBe(2)
    await aliceTeams.deleteMembership(team.$id, toDan.$id)
    expect((await aliceTeams.get(team.$id)).total).toBe(2)
    const dan = browser('dan')
    const danLink = await invitationFor('dan@example.test')
    expect(await appwriteError(new dan.sdk.Teams(dan.client).updateMembershipStatus(danLink.teamId, danLink.membershipId, danLink.userId, danLink.secret))).toMatchObject({
      code: 404,
      type: 'membership_not_found',
    })
  })
})
