import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.deleteSession — signs one session out; reachable before MFA completes (group `mfa`). */
export default defineRoute({
  operation: 'account.deleteSession',
  method: 'DELETE',
  path: '/v1/account/sessions/:sessionId',
  scope: 'account',
  groups: ['mfa'],
  rateLimit: { limit: 100, window: 3600, keys: ['url:{url},ip:{ip}'] },
  params: { sessionId: p.uid() },
  async handle({ params, caller, services }) {
    const { wasCurrent } = await services.sessions.delete(caller, params.sessionId)
    return { status: 204, endSession: wasCurrent }
  },
})
