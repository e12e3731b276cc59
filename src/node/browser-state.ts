/**
 * What a browser keeps per site and the web SDK relies on: a cookie jar (Appwrite's session cookies) and
 * `localStorage` (the SDK's `cookieFallback`). Used by `appwrite-emulator/node` and the test harness.
 */

interface StoredCookie {
  name: string
  value: string
  /** Host-only cookies carry the exact host; domain cookies a suffix. */
  host: string
  hostOnly: boolean
  path: string
  expires: number | null
}

/** A small RFC 6265 cookie jar: enough for Appwrite's two session cookies (host-only or domain, path, expiry). */
export class CookieJar {
  /** When false the jar neither stores nor sends anything, like a browser blocking third-party cookies. */
  enabled = true
  private cookies = new Map<string, StoredCookie>()

  constructor(private readonly now: () => number = Date.now) {}

  /** Takes the response's `Set-Cookie` headers for the request URL. */
  store(url: URL, setCookies: string[]): void {
    if (!this.enabled) return
    for (const line of setCookies) {
      const [pair = '', ...attributes] = line.split(';')
      const eq = pair.indexOf('=')
      if (eq <= 0) continue
      const cookie: StoredCookie = { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), host: url.hostname, hostOnly: true, path: '/', expires: null }
      let maxAge: number | null = null
      for (const attribute of attributes) {
        const [key = '', ...rest] = attribute.split('=')
        const value = rest.join('=').trim()
        switch (key.trim().toLowerCase()) {
          case 'expires': {
            const at = Date.parse(value)
            if (!Number.isNaN(at)) cookie.expires = at
            break
          }
          case 'max-age':
            maxAge = Number(value)
            break
          case 'domain':
            if (value) {
              cookie.host = value.replace(/^\./, '').toLowerCase()
              cookie.hostOnly = false
            }
            break
          case 'path':
            if (value.startsWith('/')) cookie.path = value
            break
        }
      }
      if (maxAge !== null && !Number.isNaN(maxAge)) cookie.expires = this.now() + maxAge * 1000
      // A browser refuses a cookie for a domain the response's host is not within.
      if (!cookie.hostOnly && !domainMatches(url.hostname, cookie.host)) continue
      const key = `${cookie.name};${cookie.host};${cookie.path}`
      if (cookie.expires !== null && cookie.expires <= this.now()) this.cookies.delete(key)
      else this.cookies.set(key, cookie)
    }
  }

  /** The `Cookie` header a browser would send to `url`, or '' for none. */
  header(url: URL): string {
    if (!this.enabled) return ''
    return this.live()
      .filter((c) => (c.hostOnly ? c.host === url.hostname : domainMatches(url.hostname, c.host)))
      .filter((c) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map((c) => `${c.name}=${c.value}`)
      .join('; ')
  }

  /** A stored cookie's raw (URL-encoded) value. */
  get(name: string): string | undefined {
    return this.live().find((c) => c.name === name)?.value
  }

  names(): string[] {
    return this.live().map((c) => c.name)
  }

  /** Forgets one cookie by name (all domains and paths), e.g. to leave only the `_legacy` twin. */
  delete(name: string): void {
    for (const [key, c] of this.cookies) if (c.name === name) this.cookies.delete(key)
  }

  clear(): void {
    this.cookies.clear()
  }

  private live(): StoredCookie[] {
    const now = this.now()
    return [...this.cookies.values()].filter((c) => c.expires === null || c.expires > now)
  }
}

const domainMatches = (host: string, domain: string) => host === domain || host.endsWith(`.${domain}`)

/** `window.localStorage` for one simulated browser. */
export class MemoryStorage {
  private items = new Map<string, string>()
  get length() {
    return this.items.size
  }
  key(index: number): string | null {
    return [...this.items.keys()][index] ?? null
  }
  getItem(key: string): string | null {
    return this.items.get(String(key)) ?? null
  }
  setItem(key: string, value: string): void {
    this.items.set(String(key), String(value))
  }
  removeItem(key: string): void {
    this.items.delete(String(key))
  }
  clear(): void {
    this.items.clear()
  }
}
