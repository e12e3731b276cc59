import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createEmailToken — mails a 6-digit sign-in code; an unknown email gets a new user. */
export default defineRoute({
  operation: 'account.createEmailToken',
  method: 'POST',
  path: '/v1/account/tokens/email',
  scope: 'sessions.write',
  authMethod: 'email-otp',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},email:{param-email}'] },
  params: { userId: p.customId(), email: p.email(), phrase: p.boolean().optional(false) },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.tokenFlows.createEmailToken(caller, { ...params, phrase: params.phrase ?? false }) }
  },
})
