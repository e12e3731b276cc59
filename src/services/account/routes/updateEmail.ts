import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updateEmail — resets email verification; converts an anonymous account by setting its password. */
export default defineRoute({
  operation: 'account.updateEmail',
  method: 'PATCH',
  path: '/v1/account/email',
  scope: 'account',
  params: { email: p.email(), password: p.password() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.updateEmail(caller, params) }
  },
})
