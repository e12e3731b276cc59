import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { AUTHENTICATOR_TYPES } from '../mfa/mfa-service.js'

/**
 * account.createMfaAuthenticator — a new TOTP secret and `otpauth://` URI (200, `mfaType`). It replaces an
 * unverified authenticator; a verified one answers 409 `user_authenticator_already_verified`.
 */
export default defineRoute({
  operation: 'account.createMfaAuthenticator',
  method: 'POST',
  path: '/v1/account/mfa/authenticators/:type',
  scope: 'account',
  // utopia's WhiteList is case-insensitive unless made strict.
  // deviation: `TOTP` is taken as `totp`; Appwrite lets it through validation and then fails to match it (500 here,
  // 404 on verify and delete).
  params: { type: p.whiteList(AUTHENTICATOR_TYPES, true) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.mfa.createAuthenticator(caller, params.type) }
  },
})
