import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.create — a new email/password account; no session is created, and signed-in callers may call it. */
export default defineRoute({
  operation: 'account.create',
  method: 'POST',
  path: '/v1/account',
  scope: 'sessions.write',
  authMethod: 'email-password',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},ip:{ip}'] },
  params: { userId: p.customId(), email: p.email(), password: p.newPassword(), name: p.text(128).optional('') },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.account.create(caller, params) }
  },
})
