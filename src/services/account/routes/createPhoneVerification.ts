import { defineRoute } from '../../../core/route.js'

/** account.createPhoneVerification — texts a 6-digit code to the account's phone. */
export default defineRoute({
  operation: 'account.createPhoneVerification',
  method: 'POST',
  path: '/v1/account/verification/phone',
  scope: 'account',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},userId:{userId}', 'url:{url},ip:{ip}'] },
  params: {},
  async handle({ caller, services }) {
    return { status: 201, body: await services.tokenFlows.createPhoneVerification(caller) }
  },
})
