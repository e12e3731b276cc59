import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.deleteMembership — leave a team, decline an invitation, or (owners) remove a member. */
export default defineRoute({
  operation: 'teams.deleteMembership',
  method: 'DELETE',
  path: '/v1/teams/:teamId/memberships/:membershipId',
  scope: 'teams.write',
  params: { teamId: p.uid(), membershipId: p.uid() },
  async handle({ params, caller, services }) {
    await services.memberships.delete(caller, params.teamId, params.membershipId)
    return { status: 204 }
  },
})
