import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** messaging.deleteSubscriber — only the target's owner can see, and so delete, a subscriber (BEHAVIORS §19). */
export default defineRoute({
  operation: 'messaging.deleteSubscriber',
  method: 'DELETE',
  path: '/v1/messaging/topics/:topicId/subscribers/:subscriberId',
  scope: 'subscribers.write',
  params: { topicId: p.uid(), subscriberId: p.uid() },
  async handle({ params, caller, services }) {
    await services.messaging.deleteSubscriber(caller, params.topicId, params.subscriberId)
    return { status: 204 }
  },
})
