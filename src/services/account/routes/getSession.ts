import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.getSession — by ID or `current`; another user's session is 404. */
export default defineRoute({
  operation: 'account.getSession',
  method: 'GET',
  path: '/v1/account/sessions/:sessionId',
  scope: 'account',
  params: { sessionId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.sessions.get(caller, params.sessionId) }
  },
})
