import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createVerification — mails a link (`url?userId=&secret=&expire=`) that proves the email. */
export default defineRoute({
  operation: 'account.createVerification',
  method: 'POST',
  path: '/v1/account/verification',
  scope: 'account',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},userId:{userId}'] },
  params: { url: p.redirectUrl() },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.tokenFlows.createVerification(caller, params.url) }
  },
})
