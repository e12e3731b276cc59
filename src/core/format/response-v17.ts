import type { RouteResult } from '../route.js'

/**
 * Appwrite 1.5's response filter V17 (src/Appwrite/Utopia/Response/Filters/V17.php): for SDKs that send
 * `X-Appwrite-Response-Format` below 1.5.0, 1.5 models go back to their 1.4 shape. Appwrite picks the change by
 * the model a route passes to `$response->dynamic()`, and only for the top-level model; this map names that model
 * for each client-API operation whose model the filter touches (read from app/controllers/api/account.php and
 * teams.php at 1.5.11). Every other operation is sent as is.
 *
 * Account routes answer with model `account`, which V17 does not list (it lists `user`, the Users API's), so
 * `account.get` and the other Account answers keep `targets` and `mfa` under 1.4 as they do in Appwrite 1.5.11.
 */
export const V17_MODELS: Readonly<Record<string, V17Model>> = {
  'account.createAnonymousSession': 'session',
  'account.createEmailPasswordSession': 'session',
  'account.createSession': 'session',
  'account.updateMagicURLSession': 'session',
  'account.updatePhoneSession': 'session',
  'account.getSession': 'session',
  'account.updateSession': 'session',
  'account.updateMfaChallenge': 'session',
  'account.listSessions': 'sessionList',
  'account.createEmailToken': 'token',
  'account.createMagicURLToken': 'token',
  'account.createPhoneToken': 'token',
  'account.createRecovery': 'token',
  'account.updateRecovery': 'token',
  'account.createVerification': 'token',
  'account.updateVerification': 'token',
  'account.createPhoneVerification': 'token',
  'account.updatePhoneVerification': 'token',
  'teams.createMembership': 'membership',
  'teams.getMembership': 'membership',
  'teams.updateMembership': 'membership',
  'teams.updateMembershipStatus': 'membership',
  'teams.listMemberships': 'membershipList',
}

export type V17Model = 'session' | 'sessionList' | 'token' | 'membership' | 'membershipList'

/** The keys each 1.5 model has that its 1.4 shape lacks (BEHAVIORS §22.6). */
export const V17_REMOVED: Readonly<Record<'session' | 'token' | 'membership', readonly string[]>> = {
  session: ['factors', 'secret'],
  token: ['phrase'],
  membership: ['mfa'],
}

type Body = Record<string, unknown>

const without = (body: Body, keys: readonly string[]): Body => {
  const out = { ...body }
  for (const key of keys) delete out[key]
  return out
}

const list = (body: Body, key: string, keys: readonly string[]): Body =>
  Array.isArray(body[key]) ? { ...body, [key]: (body[key] as unknown[]).map((item) => (isBody(item) ? without(item, keys) : item)) } : body

const isBody = (value: unknown): value is Body => typeof value === 'object' && value !== null && !Array.isArray(value)

/** A route's result in the 1.4 shape; results of other operations, errors and raw bodies come back unchanged. */
export function filterResponseV17(operation: string, result: RouteResult): RouteResult {
  const model = V17_MODELS[operation]
  if (!model || !isBody(result.body)) return result
  const body = result.body
  switch (model) {
    case 'session':
    case 'token':
    case 'membership':
      return { ...result, body: without(body, V17_REMOVED[model]) }
    case 'sessionList':
      return { ...result, body: list(body, 'sessions', V17_REMOVED.session) }
    case 'membershipList':
      return { ...result, body: list(body, 'memberships', V17_REMOVED.membership) }
  }
}
