import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { AUTHENTICATOR_TYPES } from '../mfa/mfa-service.js'

/**
 * account.updateMfaAuthenticator — verifies the authenticator with its current code (SHA1, 6 digits, 30 s, no
 * window); the session gains the `totp` factor. 200 with the account.
 */
export default defineRoute({
  operation: 'account.updateMfaAuthenticator',
  method: 'PUT',
  path: '/v1/account/mfa/authenticators/:type',
  scope: 'account',
  params: { type: p.whiteList(AUTHENTICATOR_TYPES, true), otp: p.text(256) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.mfa.verifyAuthenticator(caller, params.type, params.otp) }
  },
})
