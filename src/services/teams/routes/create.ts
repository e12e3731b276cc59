import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { teamParams } from '../params.js'

/** teams.create — a new team with the caller as a confirmed owner (`owner` is added to `roles` if missing). */
export default defineRoute({
  operation: 'teams.create',
  method: 'POST',
  path: '/v1/teams',
  scope: 'teams.write',
  params: { teamId: p.customId(), name: p.text(128), roles: teamParams.roles().optional(['owner']) },
  async handle({ params, caller, services }) {
    const team = await services.teams.create(caller, { teamId: params.teamId, name: params.name, roles: params.roles ?? ['owner'] })
    return { status: 201, body: team }
  },
})
