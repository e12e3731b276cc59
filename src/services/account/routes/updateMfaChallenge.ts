import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/**
 * account.updateMfaChallenge — completes a challenge: the factor joins the session's factors and `mfaUpdatedAt`
 * is set. Appwrite answers 200 with the Session, where the spec says 204. In group `mfa`.
 */
export default defineRoute({
  operation: 'account.updateMfaChallenge',
  method: 'PUT',
  path: '/v1/account/mfa/challenge',
  scope: 'account',
  groups: ['mfa'],
  rateLimit: { limit: 10, window: 3600, keys: ['userId:{param-userId}'] },
  params: { challengeId: p.text(256), otp: p.text(256) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.mfaChallenges.complete(caller, params) }
  },
})
