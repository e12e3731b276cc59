import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** storage.getFile — a file the caller cannot read answers like a missing one (404 storage_file_not_found). */
export default defineRoute({
  operation: 'storage.getFile',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files/:fileId',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files/:fileId', params: { bucketId: 'default' } }],
  scope: 'files.read',
  params: { bucketId: p.uid(), fileId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.storage.getFile(caller, params.bucketId, params.fileId) }
  },
})
