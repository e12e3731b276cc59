import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { queriesValidator } from '../../../domain/query/queries-param.js'

/** account.listLogs — the user's audit log, newest first; queries take only limit and offset. */
export default defineRoute({
  operation: 'account.listLogs',
  method: 'GET',
  path: '/v1/account/logs',
  scope: 'account',
  params: { queries: p.custom(queriesValidator({ methods: ['limit', 'offset'] })).optional([]) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.listLogs(caller, params.queries ?? []) }
  },
})
