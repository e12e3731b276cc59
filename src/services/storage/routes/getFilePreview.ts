import { defineRoute, type RouteResult } from '../../../core/route.js'
import { p, type Validator } from '../../../domain/params.js'
import { hexColorValidator } from '../../avatars/params.js'
import { GRAVITIES, OUTPUTS, type Output } from '../preview.js'

const DAY_MS = 24 * 3600 * 1000

/** utopia `Range(0, 1, Range::TYPE_FLOAT)`: numbers or numeric strings. */
const opacityValidator: Validator<number> = {
  description: 'Value must be a valid range between 0 and 1',
  parse(v) {
    const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
    return typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1 ? { ok: true, value: n } : { ok: false }
  },
}

/**
 * storage.getFilePreview — the image cropped, bordered, rounded, rotated and re-encoded with sharp; other
 * files an icon for their type. Cache-labelled (`X-Appwrite-Cache: hit|miss`), `Expires` 30 days ahead.
 */
export default defineRoute({
  operation: 'storage.getFilePreview',
  method: 'GET',
  path: '/v1/storage/buckets/:bucketId/files/:fileId/preview',
  // The pre-1.0 paths serve the `default` bucket.
  aliases: [{ path: '/v1/storage/files/:fileId/preview', params: { bucketId: 'default' } }],
  scope: 'files.read',
  params: {
    bucketId: p.uid(),
    fileId: p.uid(),
    width: p.range(0, 4000).optional(0),
    height: p.range(0, 4000).optional(0),
    gravity: p.whiteList(GRAVITIES, true).optional('center'),
    quality: p.range(0, 100).optional(100),
    borderWidth: p.range(0, 100).optional(0),
    borderColor: p.custom(hexColorValidator).optional(''),
    borderRadius: p.range(0, 4000).optional(0),
    opacity: p.custom(opacityValidator).optional(1),
    rotation: p.range(-360, 360).optional(0),
    background: p.custom(hexColorValidator).optional(''),
    output: p.whiteList(Object.keys(OUTPUTS) as Output[]).optional(null),
  },
  async handle({ params, caller, services, headers }): Promise<RouteResult> {
    const { bucketId, fileId, ...options } = params
    const accept = String(headers.accept ?? '')
    const image = await services.storage.preview(caller, bucketId, fileId, { ...options, gravity: options.gravity.toLowerCase() as typeof options.gravity, output: (options.output ?? '') as Output | '' }, accept)
    return {
      status: 200,
      headers: { Expires: new Date(services.clock.now() + 30 * DAY_MS).toUTCString(), 'X-Appwrite-Cache': image.cache },
      raw: { contentType: image.contentType, data: image.data },
    }
  },
})
