import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updatePhone — resets phone verification. */
export default defineRoute({
  operation: 'account.updatePhone',
  method: 'PATCH',
  path: '/v1/account/phone',
  scope: 'account',
  params: { phone: p.phone(), password: p.password() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.updatePhone(caller, params) }
  },
})
