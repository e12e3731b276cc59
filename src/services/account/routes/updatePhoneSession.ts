import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import { sessionFromToken } from './createSession.js'

/** account.updatePhoneSession — the deprecated form of createSession. */
export default defineRoute({
  operation: 'account.updatePhoneSession',
  method: 'PUT',
  path: '/v1/account/sessions/phone',
  scope: 'sessions.write',
  groups: ['session'],
  rateLimit: { limit: 10, window: 3600, keys: ['ip:{ip},userId:{param-userId}'] },
  params: { userId: p.customId(), secret: p.text(256) },
  handle: ({ params, caller, services }) => sessionFromToken(services, caller, params),
})
