import { defineRoute } from '../../../core/route.js'
import { p, validator } from '../../../domain/params.js'

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v)

/**
 * storage.createFile — a multipart upload, whole or one chunk of a file over 5 MB (`Content-Range`,
 * `x-appwrite-id`); each request answers 201 with the File so far. The file part streams to a temp blob.
 */
export default defineRoute({
  operation: 'storage.createFile',
  method: 'POST',
  path: '/v1/storage/buckets/:bucketId/files',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files', params: { bucketId: 'default' } }],
  scope: 'files.write',
  rateLimit: { limit: 60, window: 60, keys: ['ip:{ip},method:{method},url:{url},userId:{userId},chunkId:{chunkId}'] },
  spoolFile: (services, part) => services.storage.spool(part),
  params: {
    bucketId: p.uid(),
    fileId: p.customId(),
    // utopia `File` with skipValidation: a missing file reaches the action, which answers storage_file_empty.
    file: { ...p.custom(validator('File', () => true)), skipValidation: true },
    permissions: p.permissions().optional(null),
  },
  async handle({ params, caller, services, headers }) {
    const file = await services.storage.createFile(caller, {
      bucketId: params.bucketId,
      fileId: params.fileId,
      file: params.file,
      permissions: params.permissions as string[] | null,
      contentRange: header(headers['content-range']),
      appwriteId: header(headers['x-appwrite-id']),
    })
    return { status: 201, body: file }
  },
})
