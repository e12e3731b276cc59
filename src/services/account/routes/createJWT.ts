import { defineRoute } from '../../../core/route.js'

/** account.createJWT — a 15-minute HS256 token for the caller's session, accepted through `X-Appwrite-JWT`. */
export default defineRoute({
  operation: 'account.createJWT',
  method: 'POST',
  path: '/v1/account/jwt',
  scope: 'account',
  authMethod: 'jwt',
  rateLimit: { limit: 100, window: 3600, keys: ['url:{url},userId:{userId}'] },
  params: {},
  async handle({ caller, services }) {
    return { status: 201, body: await services.sessions.createJwt(caller) }
  },
})
