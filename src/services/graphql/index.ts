import type { RouteDefinition } from '../../core/route.js'
import mutation from './routes/mutation.js'
import query from './routes/query.js'

/**
 * The GraphQL service's routes (BEHAVIORS §18). The schema is generated from the route table and the client
 * spec on the first request (engine.ts); each field runs its REST route through the operation core.
 */
export const graphqlRoutes: RouteDefinition<any>[] = [query, mutation]
