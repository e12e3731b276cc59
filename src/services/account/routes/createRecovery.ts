import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createRecovery — mails a password-reset link (`url?userId=&secret=&expire=`). */
export default defineRoute({
  operation: 'account.createRecovery',
  method: 'POST',
  path: '/v1/account/recovery',
  scope: 'sessions.write',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},email:{param-email}', 'url:{url},ip:{ip}'] },
  params: { email: p.email(), url: p.redirectUrl() },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.tokenFlows.createRecovery(caller, params) }
  },
})
