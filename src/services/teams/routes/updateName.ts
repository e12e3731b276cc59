import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** teams.updateName — owners rename the team; other members get 401 `user_unauthorized`. */
export default defineRoute({
  operation: 'teams.updateName',
  method: 'PUT',
  path: '/v1/teams/:teamId',
  scope: 'teams.write',
  params: { teamId: p.uid(), name: p.text(128) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.teams.updateName(caller, params.teamId, params.name) }
  },
})
