import { isIP } from 'node:net'

/** Appwrite's session string: base64 of `{"id": <user id>, "secret": <secret>}`. */
export function encodeSession(userId: string, secret: string): string {
  return Buffer.from(JSON.stringify({ id: userId, secret })).toString('base64')
}

/** Reads a session string; null for anything that is not one (bad base64, bad JSON, wrong shape). */
export function decodeSession(value: string | undefined | null): { userId: string; secret: string } | null {
  if (!value || value.length > 4096) return null
  try {
    const parsed = JSON.parse(Buffer.from(value, 'base64').toString('utf8')) as unknown
    if (typeof parsed !== 'object' || parsed === null) return null
    const { id, secret } = parsed as { id?: unknown; secret?: unknown }
    return typeof id === 'string' && typeof secret === 'string' && id && secret ? { userId: id, secret } : null
  } catch {
    return null
  }
}

/** The cookie name; the framework lower-cases cookie names, so `MyProj` gets `a_session_myproj`. */
export function cookieName(projectId: string): string {
  return `a_session_${projectId.toLowerCase()}`
}

/** The key inside `X-Fallback-Cookies`, which keeps the project ID's case. */
export function fallbackKey(projectId: string): string {
  return `a_session_${projectId}`
}

/**
 * Parses a Cookie header into a map; malformed pairs are skipped, never thrown on. With `only`, values are
 * decoded for those names alone (the session lookup runs on every request and needs two of them).
 */
export function parseCookies(header: string | undefined, only?: readonly string[]): Map<string, string> {
  const out = new Map<string, string>()
  if (!header) return out
  for (const pair of header.split(';')) {
    const eq = pair.indexOf('=')
    if (eq < 0) continue
    const name = pair.slice(0, eq).trim().toLowerCase()
    if (!name || out.has(name) || (only && !only.includes(name))) continue
    let value = pair.slice(eq + 1).trim()
    if (value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1)
    try {
      out.set(name, value.includes('%') ? decodeURIComponent(value) : value)
    } catch {
      out.set(name, value)
    }
  }
  return out
}

/** The cookie domain: none for localhost and IP hosts, else `.` + hostname (general.php). */
export function cookieDomain(hostname: string): string | null {
  const bare = hostname.replace(/^\[|\]$/g, '')
  if (bare === 'localhost' || isIP(bare)) return null
  return `.${bare}`
}

interface CookieOptions {
  projectId: string
  value: string
  expires: Date
  hostname: string
  secure: boolean
}

/** The two Set-Cookie headers Appwrite sends for a session: `_legacy` without SameSite, then the main one. */
export function sessionCookies({ projectId, value, expires, hostname, secure }: CookieOptions): string[] {
  const name = cookieName(projectId)
  const domain = cookieDomain(hostname)
  const attrs = [`expires=${expires.toUTCString()}`, 'path=/', ...(domain ? [`domain=${domain}`] : []), ...(secure ? ['secure'] : []), 'httponly']
  const encoded = encodeURIComponent(value)
  return [[`${name}_legacy=${encoded}`, ...attrs].join('; '), [`${name}=${encoded}`, ...attrs, 'SameSite=None'].join('; ')]
}

/** Expires both session cookies, as PHP writes an empty cookie: value `deleted` and a 1970 date. */
export function clearedSessionCookies(projectId: string, hostname: string): string[] {
  const name = cookieName(projectId)
  const domain = cookieDomain(hostname)
  const attrs = ['expires=Thu, 01 Jan 1970 00:00:01 GMT', 'Max-Age=0', 'path=/', ...(domain ? [`domain=${domain}`] : []), 'httponly']
  return [[`${name}_legacy=deleted`, ...attrs].join('; '), [`${name}=deleted`, ...attrs, 'SameSite=None'].join('; ')]
}
