import type { RouteDefinition } from '../http/route.js'
import { accountRoutes } from './account/index.js'

/** Every client-API route the emulator serves; `app.ts` registers them and a conformance test holds them against the spec. */
export const routeTable: RouteDefinition<any>[] = [...accountRoutes]
