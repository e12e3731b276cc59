import { defineRoute } from '../../../http/route.js'
import { p } from '../../../http/params.js'

/** storage.getFile — a file the caller cannot read answers like a missing one (404 storage_file_not_found). */
export default defineRoute({
  operation: 'storage.getFile',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files/:fileId',
  scope: 'files.read',
  params: { bucketId: p.uid(), fileId: p.uid() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.storage.getFile(caller, params.bucketId, params.fileId) }
  },
})
