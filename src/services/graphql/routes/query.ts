import { defineRoute } from '../../../core/route.js'
import { handleGraphql } from '../endpoint.js'

/**
 * graphql.query — `POST /v1/graphql`: a GraphQL request or a batch of up to 10, as JSON, `application/graphql`
 * or a multipart upload; queries and mutations alike (BEHAVIORS §18). Appwrite also serves
 * `GET /v1/graphql?query=…&operationName=…&variables=…`, which is not in the client spec.
 */
export default defineRoute({
  operation: 'graphql.query',
  method: 'POST',
  path: '/v1/graphql',
  aliases: [{ path: '/v1/graphql', params: {}, method: 'GET' }],
  scope: 'graphql',
  rateLimit: { limit: 60, window: 60, keys: ['url:{url},ip:{ip}'] },
  // The files of a multipart request (graphql-multipart-request-spec) spool like a storage upload.
  spoolFile: (services, part) => services.storage.spool(part),
  // The spec declares no params: the request is read as a whole (endpoint.ts).
  params: {},
  handle: handleGraphql,
})
