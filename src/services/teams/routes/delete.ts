import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.delete — owners delete the team and, with it, every membership. */
export default defineRoute({
  operation: 'teams.delete',
  method: 'DELETE',
  path: '/v1/teams/:teamId',
  scope: 'teams.write',
  params: { teamId: p.uid() },
  async handle({ params, caller, services }) {
    await services.teams.delete(caller, params.teamId)
    return { status: 204 }
  },
})
