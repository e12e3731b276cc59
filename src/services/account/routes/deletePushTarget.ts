import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.deletePushTarget */
export default defineRoute({
  operation: 'account.deletePushTarget',
  method: 'DELETE',
  path: '/v1/account/targets/:targetId/push',
  scope: 'targets.write',
  params: { targetId: p.uid() },
  async handle({ params, caller, services }) {
    await services.tokenFlows.deletePushTarget(caller, params.targetId)
    return { status: 204 }
  },
})
