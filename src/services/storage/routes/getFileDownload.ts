import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { serveFileBytes } from '../file-response.js'

/** storage.getFileDownload — the original bytes as an attachment, with `Range` and a 45-day `Expires`; the pre-1.0 path serves the `default` bucket. */
export default defineRoute({
  operation: 'storage.getFileDownload',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files/:fileId/download',
  aliases: [{ path: '/v1/storage/files/:fileId/download', params: { bucketId: 'default' } }],
  scope: 'files.read',
  params: { bucketId: p.uid(), fileId: p.uid() },
  handle: (ctx) => serveFileBytes('download', ctx),
})
