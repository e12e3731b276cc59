import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { teamParams } from '../params.js'

/** teams.list — the teams the caller is a confirmed member of, with queries and a search over ID and name. */
export default defineRoute({
  operation: 'teams.list',
  method: 'GET',
  path: '/v1/teams',
  scope: 'teams.read',
  params: { queries: teamParams.teamQueries().optional([]), search: p.text(256).optional('') },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.teams.list(caller, { queries: params.queries ?? [], search: params.search ?? '' }) }
  },
})
