import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.deleteIdentity — unlinks one of the user's OAuth2 identities. */
export default defineRoute({
  operation: 'account.deleteIdentity',
  method: 'DELETE',
  path: '/v1/account/identities/:identityId',
  scope: 'account',
  params: { identityId: p.uid() },
  async handle({ params, caller, services }) {
    await services.account.deleteIdentity(caller, params.identityId)
    return { status: 204 }
  },
})
