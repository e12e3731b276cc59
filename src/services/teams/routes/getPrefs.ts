import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.getPrefs — the team's shared preferences, for any member. */
export default defineRoute({
  operation: 'teams.getPrefs',
  method: 'GET',
  path: '/v1/teams/:teamId/prefs',
  scope: 'teams.read',
  params: { teamId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.teams.getPrefs(caller, params.teamId) }
  },
})
