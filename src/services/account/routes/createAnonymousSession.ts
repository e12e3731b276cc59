import { defineRoute } from '../../../core/route.js'

/** account.createAnonymousSession — a new user with no credentials, signed in. */
export default defineRoute({
  operation: 'account.createAnonymousSession',
  method: 'POST',
  path: '/v1/account/sessions/anonymous',
  scope: 'sessions.write',
  groups: ['session'],
  authMethod: 'anonymous',
  rateLimit: { limit: 50, window: 3600, keys: ['ip:{ip}'] },
  params: {},
  async handle({ caller, services }) {
    const issued = await services.account.createAnonymousSession(caller)
    return { status: 201, body: issued.model, startSession: { userId: issued.session.userId, secret: issued.secret, expire: issued.session.expire } }
  },
})
