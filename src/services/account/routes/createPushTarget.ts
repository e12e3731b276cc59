import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.createPushTarget — registers a device token, named after the device. */
export default defineRoute({
  operation: 'account.createPushTarget',
  method: 'POST',
  path: '/v1/account/targets/push',
  scope: 'targets.write',
  params: { targetId: p.customId(), identifier: p.text(255), providerId: p.uid().optional('') },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.tokenFlows.createPushTarget(caller, { ...params, providerId: params.providerId ?? null }) }
  },
})
