import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/**
 * account.updateMFA — switches MFA on or off. Switching it on credits the current session with the second factors
 * the user already proved (verified TOTP, email, phone), so the device that enables MFA is not locked out.
 */
export default defineRoute({
  operation: 'account.updateMFA',
  method: 'PATCH',
  path: '/v1/account/mfa',
  scope: 'account',
  params: { mfa: p.boolean() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.mfa.updateMfa(caller, params.mfa) }
  },
})
