import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'
import type { Services } from '../../index.js'
import type { Caller } from '../../../core/caller.js'

/** Exchanges a sign-in token for a session, with cookies and `X-Fallback-Cookies`. Shared by three routes. */
export async function sessionFromToken(services: Services, caller: Caller, params: { userId: string; secret: string }) {
  const issued = await services.tokenFlows.createSessionFromToken(caller, params)
  return { status: 201, body: issued.model, startSession: { userId: issued.session.userId, secret: issued.secret, expire: issued.session.expire } }
}

/** account.createSession — exchanges a magic-URL, email, phone or OAuth2 token for a session; each token works once. */
export default defineRoute({
  operation: 'account.createSession',
  method: 'POST',
  path: '/v1/account/sessions/token',
  scope: 'sessions.write',
  groups: ['session'],
  rateLimit: { limit: 10, window: 3600, keys: ['ip:{ip},userId:{param-userId}'] },
  params: { userId: p.customId(), secret: p.text(256) },
  handle: ({ params, caller, services }) => sessionFromToken(services, caller, params),
})
