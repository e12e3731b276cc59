import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** storage.deleteFile — the file and its bytes (or an unfinished upload's chunks); 204. */
export default defineRoute({
  operation: 'storage.deleteFile',
  method: 'DELETE',
  path: '/v1/storage/buckets/:bucketId/files/:fileId',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files/:fileId', params: { bucketId: 'default' } }],
  scope: 'files.write',
  rateLimit: { limit: 60, window: 60, keys: ['ip:{ip},method:{method},url:{url},userId:{userId}'] },
  params: { bucketId: p.uid(), fileId: p.uid() },
  async handle({ params, caller, services }) {
    await services.storage.deleteFile(caller, params.bucketId, params.fileId)
    return { status: 204 }
  },
})
