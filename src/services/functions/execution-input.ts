import type { Caller } from '../../core/caller.js'

// PHP's json_encode escapes forward slashes (`users\/verified`), and the message below is built with it.
const phpJson = (value: readonly string[]) => JSON.stringify(value).replace(/\//g, '\\/')

/**
 * utopia's `Authorization('execute')` over a function's `execute` roles: null when one of the caller's roles
 * is listed, otherwise the validator's description, which Appwrite sends as the `user_unauthorized` message.
 */
export function executeRefusal(callerRoles: readonly string[], execute: readonly string[]): string | null {
  if (execute.length === 0) return "No permissions provided for action 'execute'"
  if (execute.some((role) => callerRoles.includes(role))) return null
  // deviation: the roles are listed in the emulator's order, which may differ from Authorization::getRoles().
  return `Missing "execute" permission for role "${execute[execute.length - 1]}". Only "${phpJson(callerRoles)}" scopes are allowed and "${phpJson(execute)}" was given.`
}

/** FUNCTION_ALLOWLIST_HEADERS_REQUEST: the request headers an execution keeps. */
const KEPT_REQUEST_HEADERS = new Set(['content-type', 'agent', 'content-length', 'host'])
/** Headers Appwrite sets itself; a client's values under these names are overwritten. */
const APPWRITE_HEADERS = ['x-appwrite-trigger', 'x-appwrite-event', 'x-appwrite-user-id', 'x-appwrite-user-jwt', 'x-appwrite-country-code', 'x-appwrite-continent-code', 'x-appwrite-continent-eu']

/** A header value as PHP hands it to the executor: scalars as strings, anything else as JSON. */
function headerValue(value: unknown): string {
  if (typeof value === 'string') return value
  if (value === null || value === undefined) return ''
  if (typeof value === 'boolean') return value ? '1' : ''
  if (typeof value === 'number' || typeof value === 'bigint') return String(value)
  try {
    return JSON.stringify(value) ?? ''
  } catch {
    return ''
  }
}

/**
 * The headers a function receives (lower-case names, Appwrite's own `x-appwrite-*` values set last) and the
 * same headers under the names the caller used, from which the execution's `requestHeaders` are kept.
 */
export function functionHeaders(given: Record<string, unknown>, caller: Caller, jwt: string, trigger: 'http' | 'event' | 'schedule'): { forFunction: Record<string, string>; asSent: Record<string, string> } {
  const forFunction: Record<string, string> = {}
  const asSent: Record<string, string> = {}
  for (const [name, value] of Object.entries(given)) {
    const lower = name.toLowerCase()
    // Names that cannot travel as HTTP headers are dropped, as the executor's HTTP client would refuse them.
    if (!/^[!#$%&'*+.^_`|~0-9a-z-]+$/.test(lower) || APPWRITE_HEADERS.includes(lower)) continue
    const text = headerValue(value).replace(/[\r\n]+/g, ' ')
    forFunction[lower] = text
    asSent[name] = text
  }
  const own = {
    'x-appwrite-trigger': trigger,
    'x-appwrite-user-id': caller.user?.id ?? '',
    'x-appwrite-user-jwt': jwt,
    'x-appwrite-country-code': '',
    'x-appwrite-continent-code': '',
    'x-appwrite-continent-eu': 'false',
  }
  Object.assign(forFunction, own)
  Object.assign(asSent, own)
  return { forFunction, asSent }
}

/** `requestHeaders` of an execution: only the allow-listed ones, under the caller's names. */
export function requestHeaderList(asSent: Record<string, string>): { name: string; value: string }[] {
  return Object.entries(asSent)
    .filter(([name]) => KEPT_REQUEST_HEADERS.has(name.toLowerCase()))
    .map(([name, value]) => ({ name, value }))
}
