import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.getMembership — one membership of a team the caller belongs to, with the user's name, email and MFA state. */
export default defineRoute({
  operation: 'teams.getMembership',
  method: 'GET',
  path: '/v1/teams/:teamId/memberships/:membershipId',
  scope: 'teams.read',
  params: { teamId: p.uid(), membershipId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.memberships.get(caller, params.teamId, params.membershipId) }
  },
})
