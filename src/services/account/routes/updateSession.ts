import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updateSession — extends the session by the project's session duration. */
export default defineRoute({
  operation: 'account.updateSession',
  method: 'PATCH',
  path: '/v1/account/sessions/:sessionId',
  scope: 'account',
  rateLimit: { limit: 10, window: 3600, keys: ['url:{url},ip:{ip}'] },
  params: { sessionId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.sessions.update(caller, params.sessionId) }
  },
})
