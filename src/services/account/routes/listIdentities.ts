import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { listQueriesValidator, type QuerySchema } from '../../../domain/query/list-query.js'

/** `Appwrite\Utopia\Database\Validator\Queries\Identities`. */
const IDENTITY_QUERY_SCHEMA: QuerySchema = {
  userId: 'string', provider: 'string', providerUid: 'string', providerEmail: 'string', providerAccessTokenExpiry: 'datetime',
  $id: 'string', $createdAt: 'datetime', $updatedAt: 'datetime',
}

/** account.listIdentities — the user's OAuth2 identities. */
export default defineRoute({
  operation: 'account.listIdentities',
  method: 'GET',
  path: '/v1/account/identities',
  scope: 'account',
  params: { queries: p.custom(listQueriesValidator(IDENTITY_QUERY_SCHEMA)).optional([]) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.listIdentities(caller, params.queries ?? []) }
  },
})
