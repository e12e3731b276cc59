import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createEmailPasswordSession — signs in; sets both session cookies and `X-Fallback-Cookies`. */
export default defineRoute({
  operation: 'account.createEmailPasswordSession',
  method: 'POST',
  path: '/v1/account/sessions/email',
  aliases: ['/v1/account/sessions'],
  scope: 'sessions.write',
  groups: ['session'],
  authMethod: 'email-password',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},email:{param-email}'] },
  params: { email: p.email(), password: p.password() },
  async handle({ params, caller, services }) {
    const issued = await services.account.createEmailPasswordSession(caller, params)
    return { status: 201, body: issued.model, startSession: { userId: issued.session.userId, secret: issued.secret, expire: issued.session.expire } }
  },
})
