import { hostValidator, validator } from '../../../domain/params.js'

/**
 * The `success` and `failure` URLs of the OAuth2 routes. Appwrite 1.5 checks them with utopia's `Host` validator:
 * PHP's `FILTER_VALIDATE_URL`, then the URL's host must be a registered platform hostname (or the API's own).
 */

/** The description Appwrite's `URL` validator gives: what `--any-origin` answers, as only the URL check remains. */
export const REDIRECT_URL_DESCRIPTION = 'Value must be a valid URL'

const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/
const USERINFO = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:]|%[0-9A-Fa-f]{2})*$/
const LABEL = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/

/**
 * Whether Appwrite 1.5 could accept `value` as a redirect URL when its host is registered.
 *
 * It mirrors `FILTER_VALIDATE_URL`: a scheme; no spaces or control characters; http and https need a valid
 * domain name or bracketed IPv6 host; other schemes need some host. A URL without a host (`mailto:`, `file:///`,
 * `appwrite-callback-<projectId>://`) can never match a registered hostname, so Appwrite 1.5 refuses it, and so
 * does this. A custom scheme with a host (`appwrite-callback-<projectId>://auth`, `exp://192.168.1.2:8081`) passes.
 */
export function isValidRedirectUrl(value: unknown): value is string {
  if (typeof value !== 'string' || value.length > 4096) return false
  // FILTER_SANITIZE_URL keeps every printable ASCII character; anything it would strip makes the URL invalid.
  // utopia percent-encodes non-ASCII characters before checking, so those pass.
  if (/[\x00-\x20\x7f]/.test(value)) return false
  const scheme = SCHEME.exec(value)?.[1]
  if (!scheme) return false
  const rest = value.slice(scheme.length + 1)
  if (!rest.startsWith('//')) return false
  const authority = rest.slice(2).split(/[/?#]/, 1)[0]!
  const at = authority.lastIndexOf('@')
  if (at >= 0) {
    const userinfo = authority.slice(0, at)
    if (!userinfo.split(':').every((part) => USERINFO.test(part))) return false
  }
  const hostPort = authority.slice(at + 1)
  let host: string
  let port: string | undefined
  if (hostPort.startsWith('[')) {
    const close = hostPort.indexOf(']')
    if (close < 0) return false
    host = hostPort.slice(0, close + 1)
    const after = hostPort.slice(close + 1)
    if (after && !after.startsWith(':')) return false
    port = after ? after.slice(1) : undefined
  } else {
    const colon = hostPort.lastIndexOf(':')
    host = colon >= 0 ? hostPort.slice(0, colon) : hostPort
    port = colon >= 0 ? hostPort.slice(colon + 1) : undefined
  }
  if (port !== undefined && port !== '' && !(/^\d{1,5}$/.test(port) && Number(port) <= 65535)) return false
  if (!host) return false
  const lower = scheme.toLowerCase()
  if (lower === 'http' || lower === 'https') return isValidDomain(host)
  return true
}

/** PHP's `_php_filter_validate_domain` with `FILTER_FLAG_HOSTNAME`, plus bracketed IPv6 literals. */
function isValidDomain(host: string): boolean {
  if (host.startsWith('[')) return host.endsWith(']') && /^[0-9A-Fa-f:.]+$/.test(host.slice(1, -1)) && host.includes(':')
  const bare = host.endsWith('.') ? host.slice(0, -1) : host
  if (!bare || bare.length > 253) return false
  return bare.split('.').every((label) => LABEL.test(label))
}

/**
 * `url` with `params` set in its query string, replacing keys it already has and keeping its fragment, as
 * Appwrite's `URLParser` round trip (parse the query, set keys, `http_build_query`) does.
 */
export function withQuery(url: string, params: Record<string, string>): string {
  const hash = url.indexOf('#')
  const fragment = hash >= 0 ? url.slice(hash) : ''
  const beforeFragment = hash >= 0 ? url.slice(0, hash) : url
  const mark = beforeFragment.indexOf('?')
  const base = mark >= 0 ? beforeFragment.slice(0, mark) : beforeFragment
  const query = new URLSearchParams(mark >= 0 ? beforeFragment.slice(mark + 1) : '')
  for (const [key, value] of Object.entries(params)) query.set(key, value)
  const built = query.toString()
  return `${base}${built ? `?${built}` : ''}${fragment}`
}

/**
 * The param validator for `success` and `failure`: Appwrite's `Host(clients)`, so a host that is not a registered
 * platform answers `URL host must be one of: …` (with `--any-origin`, only the URL check remains).
 */
export const redirectUrlValidator = hostValidator(validator<string>(REDIRECT_URL_DESCRIPTION, isValidRedirectUrl))

/** `scheme://host[:port]` of a validated URL, without user info: where the sign-in page says the user returns to. */
export function urlOrigin(url: string): string {
  const origin = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/.exec(url)?.[0] ?? url
  return origin.replace(/\/\/[^@]*@/, '//')
}
