import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createPhoneToken — texts a 6-digit sign-in code; an unknown number gets a new user. */
export default defineRoute({
  operation: 'account.createPhoneToken',
  method: 'POST',
  path: '/v1/account/tokens/phone',
  aliases: ['/v1/account/sessions/phone'],
  scope: 'sessions.write',
  authMethod: 'phone',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},phone:{param-phone}', 'url:{url},ip:{ip}'] },
  params: { userId: p.customId(), phone: p.phone() },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.tokenFlows.createPhoneToken(caller, params) }
  },
})
