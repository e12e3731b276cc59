import { defineRoute } from '../../../core/route.js'
import { handleGraphql } from '../endpoint.js'

/** graphql.mutation — `POST /v1/graphql/mutation`: the same endpoint as graphql.query under another path (BEHAVIORS §18). */
export default defineRoute({
  operation: 'graphql.mutation',
  method: 'POST',
  path: '/v1/graphql/mutation',
  scope: 'graphql',
  rateLimit: { limit: 60, window: 60, keys: ['url:{url},ip:{ip}'] },
  spoolFile: (services, part) => services.storage.spool(part),
  params: {},
  handle: handleGraphql,
})
