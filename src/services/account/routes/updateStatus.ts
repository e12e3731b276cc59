import { defineRoute } from '../../../core/route.js'

/** account.updateStatus — blocks the caller's own account and signs this client out. */
export default defineRoute({
  operation: 'account.updateStatus',
  method: 'PATCH',
  path: '/v1/account/status',
  scope: 'account',
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.account.updateStatus(caller), endSession: true }
  },
})
