import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.get — a team the caller belongs to; any other answers 404 `team_not_found`, like a missing one. */
export default defineRoute({
  operation: 'teams.get',
  method: 'GET',
  path: '/v1/teams/:teamId',
  scope: 'teams.read',
  params: { teamId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.teams.get(caller, params.teamId) }
  },
})
