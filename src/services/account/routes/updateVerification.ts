import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updateVerification — completes email verification with the link's userId and secret; guests may call it. */
export default defineRoute({
  operation: 'account.updateVerification',
  method: 'PUT',
  path: '/v1/account/verification',
  scope: 'public',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},userId:{param-userId}'] },
  params: { userId: p.uid(), secret: p.text(256) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.tokenFlows.updateVerification(caller, params) }
  },
})
