import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { listQueriesValidator } from '../../../domain/query/list-query.js'
import { FILE_QUERY_SCHEMA } from '../buckets.js'

/** storage.listFiles — the readable files of a bucket, with queries on the Files attributes and `search` (ID and name). */
export default defineRoute({
  operation: 'storage.listFiles',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files', params: { bucketId: 'default' } }],
  scope: 'files.read',
  params: {
    bucketId: p.uid(),
    queries: p.custom(listQueriesValidator(FILE_QUERY_SCHEMA)).optional([]),
    search: p.text(256, 0).optional(''),
  },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.storage.listFiles(caller, params.bucketId, params.queries ?? [], params.search ?? '') }
  },
})
