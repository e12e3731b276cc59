import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { serveFileBytes } from '../file-response.js'

/**
 * storage.getFileView — the original bytes inline, typed as themselves only when the type is in Appwrite's safe
 * list (else text/plain), and with `Content-Security-Policy: script-src none;`; the pre-1.0 path serves the `default` bucket.
 */
export default defineRoute({
  operation: 'storage.getFileView',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files/:fileId/view',
  aliases: [{ path: '/v1/storage/files/:fileId/view', params: { bucketId: 'default' } }],
  scope: 'files.read',
  params: { bucketId: p.uid(), fileId: p.uid() },
  handle: (ctx) => serveFileBytes('view', ctx),
})
