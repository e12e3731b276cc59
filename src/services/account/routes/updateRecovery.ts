import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updateRecovery — sets a new password with the link's secret; also verifies the email. */
export default defineRoute({
  operation: 'account.updateRecovery',
  method: 'PUT',
  path: '/v1/account/recovery',
  scope: 'sessions.write',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},userId:{param-userId}'] },
  params: { userId: p.uid(), secret: p.text(256), password: p.newPassword() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.tokenFlows.updateRecovery(caller, params) }
  },
})
