import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { teamParams } from '../params.js'

/** teams.updateMembership — owners replace a member's roles; others get 401 "User is not allowed to modify roles". */
export default defineRoute({
  operation: 'teams.updateMembership',
  method: 'PATCH',
  path: '/v1/teams/:teamId/memberships/:membershipId',
  scope: 'teams.write',
  params: { teamId: p.uid(), membershipId: p.uid(), roles: teamParams.roles() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.memberships.update(caller, params.teamId, params.membershipId, params.roles) }
  },
})
