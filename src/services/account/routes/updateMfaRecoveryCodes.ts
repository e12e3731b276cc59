import { defineRoute } from '../../../core/route.js'

/** account.updateMfaRecoveryCodes — six new codes replace the old ones; needs a challenge within 30 minutes (`mfaProtected`). */
export default defineRoute({
  operation: 'account.updateMfaRecoveryCodes',
  method: 'PATCH',
  path: '/v1/account/mfa/recovery-codes',
  scope: 'account',
  groups: ['mfaProtected'],
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.mfa.updateRecoveryCodes(caller) }
  },
})
