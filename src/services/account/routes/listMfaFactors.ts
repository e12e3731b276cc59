import { defineRoute } from '../../../core/route.js'

/** account.listMfaFactors — `{totp, phone, email, recoveryCode}`; in group `mfa`, so reachable before MFA completes. */
export default defineRoute({
  operation: 'account.listMfaFactors',
  method: 'GET',
  path: '/v1/account/mfa/factors',
  scope: 'account',
  groups: ['mfa'],
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.mfa.listFactors(caller) }
  },
})
