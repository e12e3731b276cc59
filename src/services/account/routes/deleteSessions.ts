import { defineRoute } from '../../../core/route.js'

/** account.deleteSessions — signs out everywhere and expires the caller's cookies. */
export default defineRoute({
  operation: 'account.deleteSessions',
  method: 'DELETE',
  path: '/v1/account/sessions',
  scope: 'account',
  rateLimit: { limit: 100, window: 3600, keys: ['url:{url},ip:{ip}'] },
  params: {},
  async handle({ caller, services }) {
    await services.sessions.deleteAll(caller)
    return { status: 204, endSession: true }
  },
})
