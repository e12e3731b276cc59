import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updatePassword — the old password is needed only when the user has one. */
export default defineRoute({
  operation: 'account.updatePassword',
  method: 'PATCH',
  path: '/v1/account/password',
  scope: 'account',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},ip:{ip}'] },
  params: { password: p.newPassword(), oldPassword: p.password().optional('') },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.updatePassword(caller, { password: params.password, oldPassword: params.oldPassword ?? '' }) }
  },
})
