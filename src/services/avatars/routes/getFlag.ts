import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { ICON_SETS } from '../icon-sets.js'
import { imageResult } from '../image-result.js'

/** avatars.getFlag — a country's flag as PNG, cropped to width×height (100×100 by default), cached 30 days. */
export default defineRoute({
  operation: 'avatars.getFlag',
  method: 'GET',
  path: '/v1/avatars/flags/:code',
  scope: 'avatars.read',
  params: {
    // Appwrite lower-cases the code and its WhiteList ignores case.
    code: p.whiteList(ICON_SETS['flags'].codes, true),
    width: p.range(0, 2000).optional(100),
    height: p.range(0, 2000).optional(100),
    quality: p.range(0, 100).optional(100),
  },
  async handle({ params, caller, services }) {
    const image = await services.avatars.icon(caller.project.id, 'flags', params.code, { width: params.width, height: params.height, quality: params.quality })
    return imageResult(image, services.clock, 30)
  },
})
