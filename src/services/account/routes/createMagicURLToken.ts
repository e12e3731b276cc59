import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createMagicURLToken — mails a sign-in link; an unknown email gets a new user. */
export default defineRoute({
  operation: 'account.createMagicURLToken',
  method: 'POST',
  path: '/v1/account/tokens/magic-url',
  aliases: ['/v1/account/sessions/magic-url'],
  scope: 'sessions.write',
  authMethod: 'magic-url',
  rateLimit: { limit: 60, window: 3600, keys: ['url:{url},email:{param-email}', 'url:{url},ip:{ip}'] },
  params: { userId: p.customId(), email: p.email(), url: p.redirectUrl().optional(''), phrase: p.boolean().optional(false) },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.tokenFlows.createMagicUrlToken(caller, { ...params, url: params.url ?? '', phrase: params.phrase ?? false }) }
  },
})
