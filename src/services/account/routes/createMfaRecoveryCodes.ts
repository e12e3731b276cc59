import { defineRoute } from '../../../core/route.js'

/**
 * account.createMfaRecoveryCodes — six codes of 10 hex chars, once: 409 `user_recovery_codes_already_exists`
 * while unused codes remain. Appwrite answers 200, not the spec's 201 (it never sets the status).
 */
export default defineRoute({
  operation: 'account.createMfaRecoveryCodes',
  method: 'POST',
  path: '/v1/account/mfa/recovery-codes',
  scope: 'account',
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.mfa.createRecoveryCodes(caller) }
  },
})
