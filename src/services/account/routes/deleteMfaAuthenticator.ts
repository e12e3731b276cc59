import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { AUTHENTICATOR_TYPES } from '../mfa/mfa-service.js'

/** account.deleteMfaAuthenticator — removes the authenticator given its current code or an unused recovery code (used up). 204. */
export default defineRoute({
  operation: 'account.deleteMfaAuthenticator',
  method: 'DELETE',
  path: '/v1/account/mfa/authenticators/:type',
  scope: 'account',
  params: { type: p.whiteList(AUTHENTICATOR_TYPES, true), otp: p.text(256) },
  async handle({ params, caller, services }) {
    await services.mfa.deleteAuthenticator(caller, params.type, params.otp)
    return { status: 204 }
  },
})
