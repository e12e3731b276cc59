import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/**
 * messaging.createSubscriber — subscribes a target to a topic of appwrite.json, if the topic's `subscribe` roles
 * include one of the caller's; any existing target will do, the caller's own or not (BEHAVIORS §19).
 */
export default defineRoute({
  operation: 'messaging.createSubscriber',
  method: 'POST',
  path: '/v1/messaging/topics/:topicId/subscribers',
  scope: 'subscribers.write',
  // Appwrite declares subscriberId before topicId, so a bad subscriberId is reported first (messaging.php).
  params: { subscriberId: p.customId(), topicId: p.uid(), targetId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 201, body: await services.messaging.createSubscriber(caller, params) }
  },
})
