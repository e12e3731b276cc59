import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updateName */
export default defineRoute({
  operation: 'account.updateName',
  method: 'PATCH',
  path: '/v1/account/name',
  scope: 'account',
  params: { name: p.text(128) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.updateName(caller, params.name) }
  },
})
