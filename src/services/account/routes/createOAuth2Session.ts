import { defineRoute, type HandlerContext, type RouteResult } from '../../../core/route.js'
import { p, textValidator } from '../../../domain/params.js'
import { errorPage } from '../oauth2/pages.js'
import { OAUTH2_PROVIDERS } from '../oauth2/providers.js'
import { redirectUrlValidator } from '../oauth2/redirect-url.js'

/** The params both OAuth2 routes take, in Appwrite's order. */
export const oauth2Params = {
  provider: p.whiteList(OAUTH2_PROVIDERS),
  success: p.custom(redirectUrlValidator).optional(''),
  failure: p.custom(redirectUrlValidator).optional(''),
  scopes: p.array(textValidator(4096), 100).optional([]),
}

const HOST = /^[A-Za-z0-9.\-]+(?::\d+)?$|^\[[0-9A-Fa-f:.]+\](?::\d+)?$/

/**
 * Starts an OAuth2 sign-in: 301 to the emulator's stand-in sign-in page for the provider, never cached (Appwrite
 * sends the same no-cache headers with its redirect to the provider).
 */
export async function beginOAuth2({ params, caller, services, headers }: HandlerContext<typeof oauth2Params>, token: boolean): Promise<RouteResult> {
  // deviation: no provider is ever disabled (412 `project_provider_disabled`): there is no app ID or secret to configure.
  const host = typeof headers.host === 'string' && HOST.test(headers.host) ? headers.host : caller.client.hostname
  // deviation: Appwrite builds its defaults from the hostname alone and drops the port; the emulator runs on one.
  const origin = `${caller.client.protocol}://${host}`
  const location = await services.oauth2.begin(caller, {
    provider: params.provider,
    success: params.success ?? '',
    failure: params.failure ?? '',
    scopes: params.scopes ?? [],
    token,
    origin,
  })
  return { status: 301, headers: { Location: location, 'Cache-Control': 'no-store, no-cache, must-revalidate, max-age=0', Pragma: 'no-cache' } }
}

/**
 * account.createOAuth2Session — the browser goes to the emulator's sign-in page standing in for the provider and
 * comes back to `success` with the session cookies (BEHAVIORS §12). Errors render as an HTML page.
 */
export default defineRoute({
  operation: 'account.createOAuth2Session',
  method: 'GET',
  path: '/v1/account/sessions/oauth2/:provider',
  scope: 'sessions.write',
  rateLimit: { limit: 50, window: 3600, keys: ['ip:{ip}'] },
  renderErrorPage: errorPage,
  params: oauth2Params,
  handle: async (ctx) => beginOAuth2(ctx, false),
})
