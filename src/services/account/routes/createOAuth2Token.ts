import { defineRoute } from '../../../core/route.js'
import { errorPage } from '../oauth2/pages.js'
import { beginOAuth2, oauth2Params } from './createOAuth2Session.js'

/**
 * account.createOAuth2Token — as createOAuth2Session, but `success` gets `userId` and `secret` of an OAuth2 token
 * (64 hex chars, valid for the session duration) to exchange with `POST /account/sessions/token`.
 */
export default defineRoute({
  operation: 'account.createOAuth2Token',
  method: 'GET',
  path: '/v1/account/tokens/oauth2/:provider',
  scope: 'sessions.write',
  rateLimit: { limit: 50, window: 3600, keys: ['ip:{ip}'] },
  renderErrorPage: errorPage,
  params: oauth2Params,
  handle: async (ctx) => beginOAuth2(ctx, true),
})
