import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { imageResult } from '../image-result.js'
import { httpUrlValidator } from '../params.js'

/**
 * avatars.getImage — fetches a remote image and crops it to width×height (400×400 by default) as PNG. The fetch
 * is bounded and refuses the server's own network unless `--allow-private-urls`.
 */
export default defineRoute({
  operation: 'avatars.getImage',
  method: 'GET',
  path: '/v1/avatars/image',
  scope: 'avatars.read',
  params: {
    url: p.custom(httpUrlValidator),
    width: p.range(0, 2000).optional(400),
    height: p.range(0, 2000).optional(400),
  },
  async handle({ params, caller, services }) {
    return imageResult(await services.avatars.image(caller.project.id, params.url, params.width, params.height), services.clock, 30)
  },
})
