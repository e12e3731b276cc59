import type { Caller } from '../../core/caller.js'
import type { MembershipRecord, TeamRecord } from '../../store/types.js'

/**
 * Team roles and document permissions, as Appwrite's database checks them. Teams and memberships are documents
 * whose permissions decide who reads, updates and deletes them; a caller holds the roles `Auth::getRoles` gives.
 */

export type DocumentAction = 'read' | 'update' | 'delete'

/** `read("team:<id>")`, `update/delete("team:<id>/owner")`: every team gets these (teams.php). */
export function teamPermissions(teamId: string): string[] {
  return [`read("team:${teamId}")`, `update("team:${teamId}/owner")`, `delete("team:${teamId}/owner")`]
}

/** The creator's membership: the user and the team can read it; the user and the owners change it. */
export function creatorMembershipPermissions(teamId: string, userId: string): string[] {
  return [
    `read("user:${userId}")`, `read("team:${teamId}")`,
    `update("user:${userId}")`, `update("team:${teamId}/owner")`,
    `delete("user:${userId}")`, `delete("team:${teamId}/owner")`,
  ]
}

/** An invitation: anyone may read it (the invitee accepts it as a guest); the invitee and the owners change it. */
export function invitationPermissions(teamId: string, userId: string): string[] {
  return [
    'read("any")',
    `update("user:${userId}")`, `update("team:${teamId}/owner")`,
    `delete("user:${userId}")`, `delete("team:${teamId}/owner")`,
  ]
}

/** Whether one of `roles` is granted `action` by `permissions`. */
export function isAllowed(roles: readonly string[], permissions: readonly string[], action: DocumentAction): boolean {
  const granted = new Set(roles.map((role) => `${action}("${role}")`))
  return permissions.some((p) => granted.has(p))
}

export function canReadTeam(caller: Caller, team: TeamRecord): boolean {
  return isAllowed(caller.roles, teamPermissions(team.id), 'read')
}

export function canReadMembership(caller: Caller, membership: MembershipRecord): boolean {
  return isAllowed(caller.roles, membership.permissions, 'read')
}

/** `Authorization::isRole('team:<id>/owner')`. */
export function isOwner(caller: Caller, teamId: string): boolean {
  return caller.roles.includes(`team:${teamId}/owner`)
}

/**
 * The roles confirmed memberships give (`Auth::getRoles`): `team:<teamId>`, `member:<membershipId>`, and
 * `team:<teamId>/<role>` for each of its roles. Invitations not yet accepted give none.
 */
export function membershipRoles(memberships: readonly MembershipRecord[]): string[] {
  return memberships
    .filter((m) => m.confirm)
    .flatMap((m) => [`team:${m.teamId}`, `member:${m.id}`, ...m.roles.map((role) => `team:${m.teamId}/${role}`)])
}

/** The team IDs whose `read("team:<id>")` the caller holds. */
export function readableTeamIds(caller: Caller): Set<string> {
  return new Set(caller.roles.flatMap((r) => (r.startsWith('team:') && !r.includes('/') ? [r.slice(5)] : [])))
}
