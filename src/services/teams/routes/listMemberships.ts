import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { teamParams } from '../params.js'

/** teams.listMemberships — a team's members and open invitations, for its members; search covers membership and user IDs. */
export default defineRoute({
  operation: 'teams.listMemberships',
  method: 'GET',
  path: '/v1/teams/:teamId/memberships',
  scope: 'teams.read',
  params: { teamId: p.uid(), queries: teamParams.membershipQueries().optional([]), search: p.text(256).optional('') },
  async handle({ params, caller, services }) {
    const list = await services.memberships.list(caller, params.teamId, { queries: params.queries ?? [], search: params.search ?? '' })
    return { status: 200, body: list }
  },
})
