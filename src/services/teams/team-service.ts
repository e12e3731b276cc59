import { assertPrefsFit } from '../../domain/prefs.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import { resolveCustomId, uniqueId } from '../../domain/ids.js'
import type { Query } from '../../domain/query/parse.js'
import type { EventBus } from '../../events/bus.js'
import type { Caller } from '../../core/caller.js'
import { assertNotStale } from '../../core/request-timestamp.js'
import type { Project } from '../projects/project-registry.js'
import { requireUser } from '../account/session-service.js'
import { UniqueViolation, type MembershipRecord, type Store, type TeamRecord } from '../../store/types.js'
import { canReadTeam, creatorMembershipPermissions, isAllowed, membershipRoles, readableTeamIds, teamPermissions, type DocumentAction } from './access.js'
import { runListQueries, searchQuery } from '../../domain/query/list-query.js'
import { teamModel, type TeamModel } from './models.js'

/** Teams: creating, listing, renaming, prefs and deleting (BEHAVIORS §13). Membership work is in MembershipService. */
export class TeamService {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly bus: EventBus,
  ) {}

  /**
   * `POST /teams`: the team, and the caller as a confirmed member whose roles always include `owner`.
   * `total` starts at 1, the creator.
   */
  async create(caller: Caller, input: { teamId: string; name: string; roles: string[] }): Promise<TeamModel> {
    const user = requireUser(caller)
    const project = caller.project.id
    const now = formatDate(this.clock.now())
    const team: TeamRecord = { id: resolveCustomId(input.teamId), createdAt: now, updatedAt: now, name: input.name, total: 1, prefs: {} }
    const roles = input.roles.includes('owner') ? input.roles : [...input.roles, 'owner']
    const membership: MembershipRecord = {
      id: uniqueId(),
      createdAt: now,
      updatedAt: now,
      teamId: team.id,
      userId: user.id,
      roles,
      invited: now,
      joined: now,
      confirm: true,
      secretHash: '',
      permissions: creatorMembershipPermissions(team.id, user.id),
    }
    await this.store
      .transaction(async () => {
        await this.store.teams.insert(project, team)
        await this.store.memberships.insert(project, membership)
      })
      .catch((error) => {
        throw error instanceof UniqueViolation ? new AppwriteException('team_already_exists') : error
      })
    const model = teamModel(team)
    await this.publish(caller, team, 'create', model, 'team.create')
    return model
  }

  /** `GET /teams`: the teams the caller can read, i.e. those they are a confirmed member of. */
  async list(caller: Caller, input: { queries: Query[]; search: string }): Promise<{ total: number; teams: TeamModel[] }> {
    const readable = readableTeamIds(caller)
    const teams = readable.size ? (await this.store.teams.list(caller.project.id)).filter((t) => readable.has(t.id)) : []
    const records = teams.map((t) => ({
      $id: t.id,
      $createdAt: t.createdAt,
      $updatedAt: t.updatedAt,
      name: t.name,
      total: t.total,
      // A cloud-only attribute: queryable, never set here.
      billingPlan: null,
      search: `${t.id} ${t.name}`,
      team: t,
    }))
    const { total, items } = runListQueries(records, [...input.queries, ...searchQuery(input.search)], 'Team')
    return { total, teams: items.map((r) => teamModel(r.team)) }
  }

  async get(caller: Caller, teamId: string): Promise<TeamModel> {
    return teamModel(await this.readable(caller, teamId))
  }

  /** `PUT /teams/{id}`: owners only; anyone else who can read the team gets the database's 401. Honours X-Appwrite-Timestamp. */
  async updateName(caller: Caller, teamId: string, name: string): Promise<TeamModel> {
    const updated = await this.update(caller, teamId, (team) => {
      // The one team write that honours X-Appwrite-Timestamp (it injects `requestTimestamp`).
      assertNotStale(caller, team.updatedAt)
      return { ...team, name }
    })
    const model = teamModel(updated)
    await this.publish(caller, updated, 'update', model, 'team.update')
    return model
  }

  async getPrefs(caller: Caller, teamId: string): Promise<Record<string, unknown>> {
    return (await this.readable(caller, teamId)).prefs
  }

  /** `PUT /teams/{id}/prefs`: replaces the prefs; owners only. Answers the prefs themselves. */
  async updatePrefs(caller: Caller, teamId: string, prefs: Record<string, unknown>): Promise<Record<string, unknown>> {
    const updated = await this.update(caller, teamId, (team) => {
      assertPrefsFit(prefs)
      return { ...team, prefs }
    })
    // The audit is keyed to `{response.$id}`, which prefs do not have, so Appwrite writes none.
    await this.publish(caller, updated, 'update.prefs', updated.prefs, null)
    return updated.prefs
  }

  /** `DELETE /teams/{id}`: owners only; the team's memberships go with it, in the same transaction. */
  async delete(caller: Caller, teamId: string): Promise<void> {
    const project = caller.project.id
    const team = await this.store.transaction(async () => {
      const team = await this.readable(caller, teamId)
      this.authorize(caller, team, 'delete')
      await this.store.teams.delete(project, team.id)
      // Appwrite's deletes worker removes them a moment later; here they go at once.
      await this.store.memberships.deleteWhere(project, { team_id: team.id })
      return team
    })
    await this.publish(caller, team, 'delete', teamModel(team), 'team.delete')
  }

  /** The roles the caller's confirmed memberships give; registered once in `services.roleProviders`. */
  async rolesOf(caller: Caller): Promise<string[]> {
    if (!caller.user) return []
    return membershipRoles(await this.store.memberships.list(caller.project.id, { user_id: caller.user.id }))
  }

  /**
   * Creates the teams `appwrite.json` lists in a new (or reset) project, as `appwrite push teams` does with an
   * API key: no members, `total` 0. Runs inside the project's creation transaction.
   */
  async provision(project: Project): Promise<void> {
    const now = formatDate(this.clock.now())
    for (const t of project.template.teams) {
      if (await this.store.teams.get(project.id, t.$id)) continue
      await this.store.teams.insert(project.id, { id: t.$id, createdAt: now, updatedAt: now, name: t.name, total: 0, prefs: {} })
    }
  }

  /** The team, if the caller can read it; missing and unreadable both answer `team_not_found`. */
  async readable(caller: Caller, teamId: string): Promise<TeamRecord> {
    const team = await this.store.teams.get(caller.project.id, teamId)
    if (!team || !canReadTeam(caller, team)) throw new AppwriteException('team_not_found')
    return team
  }

  /** The database's permission check on a write: a caller who may read but not write gets 401. */
  private authorize(caller: Caller, team: TeamRecord, action: DocumentAction): void {
    if (!isAllowed(caller.roles, teamPermissions(team.id), action)) throw new AppwriteException('user_unauthorized')
  }

  private async update(caller: Caller, teamId: string, change: (team: TeamRecord) => TeamRecord): Promise<TeamRecord> {
    return this.store.transaction(async () => {
      const team = await this.readable(caller, teamId)
      this.authorize(caller, team, 'update')
      const updated = { ...change(team), updatedAt: formatDate(this.clock.now()) }
      await this.store.teams.update(caller.project.id, updated)
      return updated
    })
  }

  private publish(caller: Caller, team: TeamRecord, action: string, payload: object, audit: string | null): Promise<void> {
    return this.bus.publish({
      projectId: caller.project.id,
      pattern: `teams.[teamId].${action}`,
      params: { teamId: team.id },
      payload: payload as Record<string, unknown>,
      caller,
      ...(audit && caller.user && { audit: { event: audit, userId: caller.user.id } }),
    })
  }
}
