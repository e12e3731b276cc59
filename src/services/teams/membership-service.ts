import { AppwriteException } from '../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { hexSecret, uniqueId } from '../../domain/ids.js'
import type { Query } from '../../domain/query/parse.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import type { Outbox } from '../../outbox/outbox.js'
import { UniqueViolation, type MembershipRecord, type Store, type TeamRecord, type UserRecord } from '../../store/types.js'
import { hashSecret, requireUser, type IssuedSession, type SessionService } from '../account/session-service.js'
import { canReadMembership, invitationPermissions, isAllowed, isOwner } from './access.js'
import { createInvitee, findInvitee, invitationLink, sendInvitation } from './invitation.js'
import { runListQueries, searchQuery } from '../../domain/query/list-query.js'
import { membershipModel, type MembershipModel } from './models.js'
import type { TeamService } from './team-service.js'

export interface NewMembership {
  teamId: string
  email?: string
  userId?: string
  phone?: string
  roles: string[]
  url?: string
  name?: string
}

/** Memberships: invitations, accepting them, roles, leaving, and the lists (BEHAVIORS §13). */
export class MembershipService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
    private readonly teams: TeamService,
    private readonly sessions: SessionService,
    private readonly outbox: Outbox,
  ) {}

  /**
   * `POST /teams/{id}/memberships`: an owner invites a user by ID, email or phone, creating the user when the
   * email or phone is unknown. The invitation holds only the hash of its 256-hex secret; the secret travels in
   * the link sent through the outbox. Client callers always get an unconfirmed membership.
   */
  async create(caller: Caller, input: NewMembership): Promise<MembershipModel> {
    requireUser(caller)
    if (!input.url) throw new AppwriteException('general_argument_invalid', 'URL is required')
    if (!input.userId && !input.email && !input.phone) {
      throw new AppwriteException('general_argument_invalid', 'At least one of userId, email, or phone is required')
    }
    // deviation: Appwrite answers 503 general_smtp_disabled without an SMTP server; the emulator's outbox always delivers.
    const project = caller.project.id
    const email = (input.email ?? '').toLowerCase()
    const name = input.name || email
    const secret = hexSecret(256)
    const now = formatDate(this.clock.now())
    const created = await this.store.transaction(async () => {
      const team = await this.teams.readable(caller, input.teamId)
      const found = await findInvitee(this.store, project, { userId: input.userId ?? '', email, phone: input.phone ?? '', name })
      // deviation: Appwrite creates the invited user before checking ownership and keeps it when that check fails;
      // here the whole invitation is one transaction, so a refused invitation leaves no user behind.
      const invitee = found.invitee ?? (await createInvitee(this.store, caller, { email: found.email, phone: found.phone, name, now }))
      if (!isOwner(caller, team.id)) throw new AppwriteException('user_unauthorized', 'User is not allowed to send invitations for this team')
      const membership: MembershipRecord = {
        id: uniqueId(),
        createdAt: now,
        updatedAt: now,
        teamId: team.id,
        userId: invitee.id,
        roles: input.roles,
        invited: now,
        joined: '',
        confirm: false,
        secretHash: hashSecret(secret),
        permissions: invitationPermissions(team.id, invitee.id),
      }
      try {
        await this.store.memberships.insert(project, membership)
      } catch (error) {
        throw error instanceof UniqueViolation ? new AppwriteException('team_invite_already_exists') : error
      }
      return { team, invitee, membership, email: found.email, phone: found.phone }
    })
    const { team, invitee, membership } = created
    const url = invitationLink(input.url, { membershipId: membership.id, userId: invitee.id, secret, teamId: team.id })
    await sendInvitation(this.outbox, caller, { ...created, url, secret })
    const model = membershipModel(membership, contextOf(team, invitee))
    // The audit goes to `{request.userId}`: the invitee when invited by ID, nobody otherwise.
    await this.publish(caller, team.id, membership, 'create', model, input.userId ? input.userId : null)
    return model
  }

  /** `GET /teams/{id}/memberships`: every membership of a team the caller belongs to, invitations included. */
  async list(caller: Caller, teamId: string, input: { queries: Query[]; search: string }): Promise<{ total: number; memberships: MembershipModel[] }> {
    const project = caller.project.id
    const team = await this.teams.readable(caller, teamId)
    const memberships = (await this.store.memberships.list(project, { team_id: team.id })).filter((m) => canReadMembership(caller, m))
    const records = memberships.map((m) => ({
      $id: m.id,
      $createdAt: m.createdAt,
      $updatedAt: m.updatedAt,
      userId: m.userId,
      teamId: m.teamId,
      invited: m.invited,
      // Stored as null until accepted, so isNull('joined') finds open invitations.
      joined: m.joined || null,
      confirm: m.confirm,
      search: `${m.id} ${m.userId}`,
      membership: m,
    }))
    // deviation: the cursor must name a membership of this team; Appwrite accepts any membership the caller can read.
    const { total, items } = runListQueries(records, [...input.queries, ...searchQuery(input.search)], 'Membership')
    const models = await Promise.all(items.map((r) => this.withUser(caller, team, r.membership)))
    return { total, memberships: models }
  }

  /**
   * `GET /teams/{id}/memberships/{mid}`. Appwrite 1.5 does not check that the membership belongs to the team in
   * the path (teamName is then the path team's); the emulator answers the same.
   */
  async get(caller: Caller, teamId: string, membershipId: string): Promise<MembershipModel> {
    const team = await this.teams.readable(caller, teamId)
    const membership = await this.store.memberships.get(caller.project.id, membershipId)
    if (!membership || !canReadMembership(caller, membership) || !membership.userId) throw new AppwriteException('membership_not_found')
    return this.withUser(caller, team, membership)
  }

  /** `PATCH /teams/{id}/memberships/{mid}`: owners change roles; like Appwrite 1.5, no check of the membership's team. */
  async update(caller: Caller, teamId: string, membershipId: string, roles: string[]): Promise<MembershipModel> {
    const project = caller.project.id
    const { team, profile, updated } = await this.store.transaction(async () => {
      const team = await this.teams.readable(caller, teamId)
      const membership = await this.store.memberships.get(project, membershipId)
      if (!membership || !canReadMembership(caller, membership)) throw new AppwriteException('membership_not_found')
      const profile = await this.store.users.get(project, membership.userId)
      if (!profile) throw new AppwriteException('user_not_found')
      if (!isOwner(caller, team.id)) throw new AppwriteException('user_unauthorized', 'User is not allowed to modify roles')
      // The database's own check on the membership document.
      if (!isAllowed(caller.roles, membership.permissions, 'update')) throw new AppwriteException('user_unauthorized')
      const updated = { ...membership, roles, updatedAt: formatDate(this.clock.now()) }
      await this.store.memberships.update(project, updated)
      return { team, profile, updated }
    })
    const model = membershipModel(updated, contextOf(team, profile))
    await this.publish(caller, team.id, updated, 'update', model, caller.user?.id ?? null)
    return model
  }

  /**
   * `PATCH …/memberships/{mid}/status`: the invitee accepts with the secret from the link. The membership is
   * confirmed, the invitee's email counts as verified (the link reached it), the team gains a member, and a new
   * session signs the invitee in (provider `email`, factor `email`), even when the request came from a guest.
   */
  async updateStatus(caller: Caller, teamId: string, membershipId: string, input: { userId: string; secret: string }): Promise<{ model: MembershipModel; issued: IssuedSession }> {
    const project = caller.project.id
    const result = await this.store.transaction(async () => {
      const membership = await this.store.memberships.get(project, membershipId)
      if (!membership || !canReadMembership(caller, membership)) throw new AppwriteException('membership_not_found')
      // Read without a permission check: the invitee is not a member yet.
      const team = await this.store.teams.get(project, teamId)
      if (!team) throw new AppwriteException('team_not_found')
      if (membership.teamId !== team.id) throw new AppwriteException('team_membership_mismatch')
      if (hashSecret(input.secret) !== membership.secretHash) throw new AppwriteException('team_invalid_secret')
      const mismatch = (email: string | null | undefined) => new AppwriteException('team_invite_mismatch', `Invite does not belong to current user (${email ?? ''})`)
      if (input.userId !== membership.userId) throw mismatch(caller.user?.email)
      const user = caller.user ?? (await this.store.users.get(project, input.userId))
      if (!user || user.id !== membership.userId) throw mismatch(user?.email)
      if (membership.confirm) throw new AppwriteException('membership_already_confirmed')

      const now = formatDate(this.clock.now())
      const fresh = (await this.store.users.get(project, user.id)) ?? user
      const verified: UserRecord = { ...fresh, emailVerification: true, updatedAt: now }
      await this.store.users.update(project, verified)
      const issued = await this.sessions.create(caller, verified, { provider: 'email', providerUid: verified.email ?? '', factors: ['email'] })
      const confirmed: MembershipRecord = { ...membership, joined: now, confirm: true, updatedAt: now }
      await this.store.memberships.update(project, confirmed)
      const current = (await this.store.teams.get(project, team.id)) ?? team
      // The database's counter update also moves `$updatedAt`.
      await this.store.teams.update(project, { ...current, total: current.total + 1, updatedAt: now })
      return { team: current, user: verified, confirmed, issued }
    })
    const model = membershipModel(result.confirmed, contextOf(result.team, result.user))
    // Appwrite publishes only this route's event here, not a session event.
    await this.publish(caller, result.team.id, result.confirmed, 'update.status', model, input.userId)
    return { model, issued: result.issued }
  }

  /**
   * `DELETE /teams/{id}/memberships/{mid}`: the member leaves, or an owner removes them. Confirmed members
   * leave the team's `total`. Appwrite 1.5 keeps no last owner: a team can end up with none.
   */
  async delete(caller: Caller, teamId: string, membershipId: string): Promise<void> {
    const project = caller.project.id
    const { team, profile, membership } = await this.store.transaction(async () => {
      const membership = await this.store.memberships.get(project, membershipId)
      if (!membership || !canReadMembership(caller, membership)) throw new AppwriteException('team_invite_not_found')
      const profile = await this.store.users.get(project, membership.userId)
      if (!profile) throw new AppwriteException('user_not_found')
      const team = await this.teams.readable(caller, teamId)
      if (membership.teamId !== team.id) throw new AppwriteException('team_membership_mismatch')
      if (!isAllowed(caller.roles, membership.permissions, 'delete')) throw new AppwriteException('user_unauthorized')
      await this.store.memberships.delete(project, membership.id)
      if (membership.confirm) {
        const current = (await this.store.teams.get(project, team.id)) ?? team
        await this.store.teams.update(project, { ...current, total: Math.max(0, current.total - 1), updatedAt: formatDate(this.clock.now()) })
      }
      return { team, profile, membership }
    })
    const model = membershipModel(membership, contextOf(team, profile))
    await this.publish(caller, team.id, membership, 'delete', model, caller.user?.id ?? null)
  }

  /** The model with the user's name, email and MFA state, as the get and list routes fill them. */
  private async withUser(caller: Caller, team: TeamRecord, membership: MembershipRecord): Promise<MembershipModel> {
    const user = await this.store.users.get(caller.project.id, membership.userId)
    return membershipModel(membership, { ...contextOf(team, user), mfa: user ? await this.hasMfa(caller, user) : false })
  }

  /** MFA counts only when it is on and a factor can be used: a verified TOTP, a verified email or phone. */
  private async hasMfa(caller: Caller, user: UserRecord): Promise<boolean> {
    if (!user.mfa) return false
    if ((user.email && user.emailVerification) || (user.phone && user.phoneVerification)) return true
    const totp = await this.store.authenticators.findOne(caller.project.id, { user_id: user.id, type: 'totp' })
    return totp?.verified ?? false
  }

  private publish(caller: Caller, teamId: string, membership: MembershipRecord, action: string, model: MembershipModel, auditUserId: string | null): Promise<void> {
    return this.bus.publish({
      projectId: caller.project.id,
      pattern: `teams.[teamId].memberships.[membershipId].${action}`,
      params: { teamId, membershipId: membership.id, userId: membership.userId },
      payload: model,
      caller,
      ...(auditUserId && { audit: { event: action === 'create' ? 'membership.create' : action === 'delete' ? 'membership.delete' : 'membership.update', userId: auditUserId } }),
    })
  }
}

function contextOf(team: TeamRecord, user: UserRecord | null) {
  return { teamName: team.name, userName: user?.name ?? '', userEmail: user?.email ?? '' }
}
