import { defineRoute } from '../../../http/route.js'
import { p } from '../../../http/params.js'
import { fileResponse } from '../file-response.js'

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/**
 * storage.getFileDownload — the original bytes (decrypted, decompressed) as an attachment,
 * with `Range` → 206 or 416 and a 45-day `Expires`.
 */
export default defineRoute({
  operation: 'storage.getFileDownload',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files/:fileId/download',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files/:fileId/download', params: { bucketId: 'default' } }],
  scope: 'files.read',
  params: { bucketId: p.uid(), fileId: p.uid() },
  async handle({ params, caller, services, headers }) {
    const { file } = await services.storage.readable(caller, params.bucketId, params.fileId)
    return fileResponse({
      file,
      mode: 'download',
      rangeHeader: header(headers.range),
      clock: services.clock,
      content: (range) => services.storage.content(file, range),
    })
  },
})
