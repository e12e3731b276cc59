import type { RouteDefinition } from '../../core/route.js'
import createSubscriber from './routes/createSubscriber.js'
import deleteSubscriber from './routes/deleteSubscriber.js'

export { MessagingService } from './messaging-service.js'

/** The messaging service's client routes: subscribing targets to topics (BEHAVIORS §19). */
export const messagingRoutes: RouteDefinition<any>[] = [createSubscriber, deleteSubscriber]
