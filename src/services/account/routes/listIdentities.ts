import { defineRoute } from '../../../http/route.js'
import { p } from '../../../http/params.js'
import { queriesValidator } from '../../../http/queries-param.js'
import { QUERY_METHODS } from '../../../domain/query/parse.js'

const ATTRIBUTES = ['userId', 'provider', 'providerUid', 'providerEmail', 'providerAccessTokenExpiry', '$id', '$createdAt', '$updatedAt']

/** account.listIdentities — the user's OAuth2 identities. */
export default defineRoute({
  operation: 'account.listIdentities',
  method: 'GET',
  path: '/v1/account/identities',
  scope: 'account',
  params: { queries: p.custom(queriesValidator({ methods: QUERY_METHODS.filter((m) => m !== 'select' && m !== 'search'), attributes: ATTRIBUTES })).optional([]) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.listIdentities(caller, params.queries ?? []) }
  },
})
