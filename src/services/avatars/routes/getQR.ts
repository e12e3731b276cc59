import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { imageResult } from '../image-result.js'

/** avatars.getQR — a scannable QR code of `text`, `size` pixels square; `download` makes it an attachment. */
export default defineRoute({
  operation: 'avatars.getQR',
  method: 'GET',
  path: '/v1/avatars/qr',
  scope: 'avatars.read',
  params: {
    text: p.text(512),
    size: p.range(1, 1000).optional(400),
    margin: p.range(0, 10).optional(1),
    // One of the few loose booleans in Appwrite: "1", "true", 1 and true all count.
    download: p.boolean(true).optional(false),
  },
  async handle({ params, services }) {
    const image = await services.avatars.qr({ text: params.text, size: params.size, margin: params.margin })
    return imageResult(image, services.clock, 45, params.download ? { 'Content-Disposition': 'attachment; filename="qr.png"' } : {})
  },
})
