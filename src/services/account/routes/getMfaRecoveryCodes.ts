import { defineRoute } from '../../../core/route.js'

/** account.getMfaRecoveryCodes — the unused codes; needs a challenge completed within 30 minutes (`mfaProtected`). */
export default defineRoute({
  operation: 'account.getMfaRecoveryCodes',
  method: 'GET',
  path: '/v1/account/mfa/recovery-codes',
  scope: 'account',
  groups: ['mfaProtected'],
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.mfa.getRecoveryCodes(caller) }
  },
})
