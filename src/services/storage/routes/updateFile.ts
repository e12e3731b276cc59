import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** storage.updateFile — name and permissions; null keeps them. Needs update (not read) permission. */
export default defineRoute({
  operation: 'storage.updateFile',
  method: 'PUT',
  path: '/v1/storage/buckets/:bucketId/files/:fileId',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files/:fileId', params: { bucketId: 'default' } }],
  scope: 'files.write',
  rateLimit: { limit: 60, window: 60, keys: ['ip:{ip},method:{method},url:{url},userId:{userId}'] },
  params: { bucketId: p.uid(), fileId: p.uid(), name: p.text(255).optional(null), permissions: p.permissions().optional(null) },
  async handle({ params, caller, services }) {
    const file = await services.storage.updateFile(caller, params.bucketId, params.fileId, {
      name: (params.name as string | null) ?? null,
      permissions: (params.permissions as string[] | null) ?? null,
    })
    return { status: 200, body: file }
  },
})
