import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updatePushTarget — replaces a device token; another user's target is 404. */
export default defineRoute({
  operation: 'account.updatePushTarget',
  method: 'PUT',
  path: '/v1/account/targets/:targetId/push',
  scope: 'targets.write',
  params: { targetId: p.uid(), identifier: p.text(255) },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.tokenFlows.updatePushTarget(caller, params) }
  },
})
