import type { RouteDefinition } from '../core/route.js'
import { accountRoutes } from './account/index.js'
import { avatarsRoutes } from './avatars/index.js'
import { databasesRoutes } from './databases/index.js'
import { functionsRoutes } from './functions/index.js'
import { graphqlRoutes } from './graphql/index.js'
import { localeRoutes } from './locale/index.js'
import { messagingRoutes } from './messaging/index.js'
import { storageRoutes } from './storage/index.js'
import { teamsRoutes } from './teams/index.js'

/** Every client-API route the emulator serves; `app.ts` registers them and a conformance test holds them against the spec. */
export const routeTable: RouteDefinition<any>[] = [...accountRoutes, ...avatarsRoutes, ...localeRoutes, ...teamsRoutes, ...storageRoutes, ...databasesRoutes, ...graphqlRoutes, ...messagingRoutes, ...functionsRoutes]
