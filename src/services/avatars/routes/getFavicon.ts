import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { imageResult } from '../image-result.js'
import { httpUrlValidator } from '../params.js'

/** avatars.getFavicon — a site's favicon from its page's `<link rel="icon">`, else `/favicon.ico`. */
export default defineRoute({
  operation: 'avatars.getFavicon',
  method: 'GET',
  path: '/v1/avatars/favicon',
  scope: 'avatars.read',
  params: { url: p.custom(httpUrlValidator) },
  async handle({ params, caller, services }) {
    return imageResult(await services.avatars.favicon(caller.project.id, params.url), services.clock, 30)
  },
})
