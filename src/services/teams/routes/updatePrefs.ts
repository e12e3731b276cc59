import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.updatePrefs — owners replace the team's preferences (not merged); answers the new prefs. */
export default defineRoute({
  operation: 'teams.updatePrefs',
  method: 'PUT',
  path: '/v1/teams/:teamId/prefs',
  scope: 'teams.write',
  params: { teamId: p.uid(), prefs: p.assoc() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.teams.updatePrefs(caller, params.teamId, params.prefs) }
  },
})
