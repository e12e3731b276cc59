import type { Caller } from '../core/caller.js'
import type { RouteResult } from '../core/route.js'
import { clearedSessionCookies, encodeSession, fallbackKey, sessionCookies } from '../core/session-transport.js'

/**
 * The headers a result's session change becomes on HTTP: both cookies, and `X-Fallback-Cookies` unless the page
 * shares the API's registrable domain (then the browser keeps the cookie); an ended session expires both.
 */
export function sessionHeaders(result: Pick<RouteResult, 'startSession' | 'endSession'>, caller: Caller): Record<string, string | string[]> {
  const { project, client } = caller
  const out: Record<string, string | string[]> = {}
  if (result.startSession) {
    const value = encodeSession(result.startSession.userId, result.startSession.secret)
    out['Set-Cookie'] = sessionCookies({
      projectId: project.id, value, expires: new Date(result.startSession.expire), hostname: client.hostname, secure: client.protocol === 'https',
    })
    if (!sameRegistrableDomain(client.hostname, client.origin)) {
      out['X-Fallback-Cookies'] = JSON.stringify({ [fallbackKey(project.id)]: value }).replace(/\//g, '\\/')
    }
  }
  if (result.endSession) {
    out['Set-Cookie'] = clearedSessionCookies(project.id, client.hostname)
    out['X-Fallback-Cookies'] = '[]'
  }
  return out
}

/**
 * Appwrite's `domainVerification`: true when the API host and the page's origin share a registrable domain.
 * Then the browser keeps the cookie and no fallback header is sent.
 */
function sameRegistrableDomain(hostname: string, origin: string | null): boolean {
  if (!origin) return false
  let originHost: string
  try {
    originHost = new URL(origin).hostname
  } catch {
    return false
  }
  // deviation: Appwrite uses the public-suffix list; the last two labels stand in for the registrable domain.
  const registrable = (h: string) => (/^[\d.]+$|:|^localhost$/.test(h) || !h.includes('.') ? '' : h.split('.').slice(-2).join('.'))
  const a = registrable(hostname)
  return a !== '' && a === registrable(originHost)
}
