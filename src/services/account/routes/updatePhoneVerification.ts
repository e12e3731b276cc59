import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updatePhoneVerification — completes phone verification with the texted code. */
export default defineRoute({
  operation: 'account.updatePhoneVerification',
  method: 'PUT',
  path: '/v1/account/verification/phone',
  scope: 'public',
  rateLimit: { limit: 10, window: 3600, keys: ['userId:{param-userId}'] },
  params: { userId: p.uid(), secret: p.text(256) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.tokenFlows.updatePhoneVerification(caller, params) }
  },
})
