import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { imageResult } from '../image-result.js'
import { hexColorValidator } from '../params.js'

/**
 * avatars.getInitials — the initials of `name` (else the signed-in user's name or email) punched out of a
 * coloured square, 500×500 by default (the spec's "Defaults to 100" is wrong). Not cache-labelled; 45 days.
 */
export default defineRoute({
  operation: 'avatars.getInitials',
  method: 'GET',
  path: '/v1/avatars/initials',
  scope: 'avatars.read',
  params: {
    name: p.text(128).optional(''),
    width: p.range(0, 2000).optional(500),
    height: p.range(0, 2000).optional(500),
    background: p.custom(hexColorValidator).optional(''),
  },
  async handle({ params, caller, services }) {
    const image = await services.avatars.initials(caller, { name: params.name, width: params.width, height: params.height, background: params.background })
    return imageResult(image, services.clock, 45)
  },
})
