import type { MembershipRecord, TeamRecord } from '../../store/types.js'

/** Team model: `{$id, $createdAt, $updatedAt, name, total, prefs}`. */
export function teamModel(t: TeamRecord) {
  return { $id: t.id, $createdAt: t.createdAt, $updatedAt: t.updatedAt, name: t.name, total: t.total, prefs: t.prefs }
}

/** What a membership response adds from its user and team. */
export interface MembershipContext {
  userName: string
  userEmail: string
  teamName: string
  /** Filled only by the get and list routes; every other route answers the model's default, false. */
  mfa?: boolean
}

/** Membership model; `joined` reads `''` until the invitation is accepted. */
export function membershipModel(m: MembershipRecord, context: MembershipContext) {
  return {
    $id: m.id,
    $createdAt: m.createdAt,
    $updatedAt: m.updatedAt,
    userId: m.userId,
    userName: context.userName,
    userEmail: context.userEmail,
    teamId: m.teamId,
    teamName: context.teamName,
    invited: m.invited,
    joined: m.joined,
    confirm: m.confirm,
    mfa: context.mfa ?? false,
    roles: m.roles,
  }
}

export type TeamModel = ReturnType<typeof teamModel>
export type MembershipModel = ReturnType<typeof membershipModel>
