import { HOSTNAME_PLATFORM_TYPES, type PlatformConfig } from '../config/appwrite-json.js'

/**
 * The registered platforms (BEHAVIORS §0 step 3, §22.2): appwrite.json's `platforms` plus `--platform` flags, and
 * the hosts Appwrite always registers (the console's `localhost` and the API's own host; the emulator adds the
 * loopback addresses). Appwrite keeps platforms per project; the emulator has one list for every project, and the
 * console project has only the always-registered hosts.
 */

/** Always registered, whatever the config says (`::1` as URLs write it). The API's own host is added per request. */
export const ALWAYS_REGISTERED = ['localhost', '127.0.0.1', '[::1]'] as const

// Origin.php: the platform name in the refusal comes from the Origin's scheme.
const PLATFORM_NAMES: Readonly<Record<string, string>> = {
  http: 'Web',
  https: 'Web',
  'appwrite-ios': 'iOS',
  'appwrite-macos': 'macOS',
  'appwrite-watchos': 'watchOS',
  'appwrite-tvos': 'tvOS',
  'appwrite-android': 'Android',
  'appwrite-windows': 'Windows',
  'appwrite-linux': 'Linux',
}
// Origin.php registers these types by `key`; `unity` registers nothing there, nor here.
const KEY_TYPES = new Set(['flutter-ios', 'flutter-android', 'flutter-macos', 'flutter-windows', 'flutter-linux', 'android',
  'apple-ios', 'apple-macos', 'apple-watchos', 'apple-tvos', 'react-native-ios', 'react-native-android'])

/** utopia's `Hostname` validator: an exact name, `*`, or `*.example.com` (a `*` stands for one label). */
export function hostnameMatches(allowList: readonly string[], hostname: string): boolean {
  if (!hostname) return false
  for (const allowed of allowList) {
    if (allowed === '*' || allowed === hostname) return true
    if (allowed.startsWith('*')) {
      const want = allowed.split('.')
      const got = hostname.split('.')
      if (want.length === got.length && want.every((label, i) => label === '*' || label === got[i])) return true
    }
  }
  return false
}

/** An origin's scheme, host and port as PHP's `parse_url` gives them; nulls for the parts it lacks. */
function schemeAndHost(origin: string): { scheme: string | null; host: string | null; port: string | null } {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d+))?/.exec(origin)
  if (!m) return { scheme: /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(origin)?.[1]?.toLowerCase() ?? null, host: null, port: null }
  return { scheme: m[1]!.toLowerCase(), host: m[2] || null, port: m[3] || null }
}

export interface PlatformRegistry {
  /** `"platforms": "*"` or `--any-origin`: every origin and redirect host passes, as before platforms existed. */
  readonly anyOrigin: boolean
  readonly platforms: readonly PlatformConfig[]
  /**
   * Appwrite's `clients`: the web hostnames (in Appwrite's order: `localhost`, the API's own host, then the
   * project's web and flutter-web platforms) that CORS echoes and redirect URLs may name.
   */
  clients(consoleProject: boolean, apiHost: string): string[]
  /** Whether a redirect URL's host is one of `clients`. */
  isRegisteredHost(consoleProject: boolean, hostname: string, apiHost: string): boolean
  /**
   * The origin check: null when the request's Origin (else its Referer) is a registered platform or names no host;
   * otherwise Appwrite's refusal, `Invalid Origin. Register your new client (<host>) as a new <Web|iOS|…> platform…`.
   */
  checkOrigin(consoleProject: boolean, origin: string | null | undefined, referer: string | null | undefined, apiHost: string): string | null
  /**
   * general.php's `Access-Control-Allow-Origin`: the Origin (else Referer) as `scheme://host[:port]` when its host
   * is in `clients`, else `scheme://localhost[:port]`; the request's protocol stands in for a missing scheme.
   */
  allowOrigin(consoleProject: boolean, origin: string | null | undefined, referer: string | null | undefined, apiHost: string, protocol: string): string
}

export function createPlatformRegistry(configured: readonly PlatformConfig[] | '*'): PlatformRegistry {
  const anyOrigin = configured === '*'
  const platforms = configured === '*' ? [] : configured
  const webHosts = platforms.filter((x) => HOSTNAME_PLATFORM_TYPES.includes(x.type) && x.hostname).map((x) => x.hostname!)
  const keys = platforms.filter((x) => KEY_TYPES.has(x.type) && x.key).map((x) => x.key!)
  const withApiHost = (apiHost: string) => {
    const host = apiHost.replace(/:\d+$/, '').toLowerCase()
    return [...new Set(['localhost', ...(host ? [host] : []), ...ALWAYS_REGISTERED])]
  }
  // Asked on every request (CORS): the lists are built once per API host and kept (a few hosts at most).
  const built = new Map<string, string[]>()
  const clients = (consoleProject: boolean, apiHost: string) => {
    const key = `${consoleProject ? 'c' : 'p'}${apiHost}`
    let list = built.get(key)
    if (!list) {
      list = [...new Set([...withApiHost(apiHost), ...(consoleProject ? [] : webHosts)])]
      if (built.size < 64) built.set(key, list)
    }
    return list
  }
  return {
    anyOrigin,
    platforms,
    clients,
    isRegisteredHost: (consoleProject, hostname, apiHost) => anyOrigin || hostnameMatches(clients(consoleProject, apiHost), hostname.toLowerCase()),
    checkOrigin(consoleProject, origin, referer, apiHost) {
      const value = origin || referer
      if (anyOrigin || !value) return null
      const { scheme, host } = schemeAndHost(value)
      if (!host) return null
      // The Origin validator merges the project's platforms (web hostnames and app keys) with the console's.
      if (hostnameMatches(clients(consoleProject, apiHost), host.toLowerCase()) || (!consoleProject && hostnameMatches(keys, host))) return null
      const name = scheme ? PLATFORM_NAMES[scheme] : undefined
      return name ? `Invalid Origin. Register your new client (${host}) as a new ${name} platform on your project console dashboard` : 'Unsupported platform'
    },
    allowOrigin(consoleProject, origin, referer, apiHost, protocol) {
      if (anyOrigin) return origin || `${protocol}://localhost`
      if (!origin && !referer) return `${protocol}://localhost`
      const { scheme, host, port } = schemeAndHost(origin || referer || '')
      const registered = host !== null && hostnameMatches(clients(consoleProject, apiHost), host.toLowerCase())
      return `${scheme ?? protocol}://${registered ? host : 'localhost'}${port ? `:${port}` : ''}`
    },
  }
}

/** The log line for a refused origin or redirect host: how to register it with the emulator. */
export function registrationHint(what: 'origin' | 'redirect URL', value: string, consoleProject: boolean): string {
  const { scheme, host } = schemeAndHost(value)
  const web = scheme === 'http' || scheme === 'https'
  const how = consoleProject
    ? 'the request names no project (X-Appwrite-Project), so only localhost, the loopback addresses and the API\'s own host count; set the project ID in the SDK'
    : web
      ? `add { "type": "web", "hostname": "${host}" } to "platforms" in appwrite.json, or start the emulator with --platform ${host}`
      : `add { "type": "<flutter-ios, apple-ios, android…>", "key": "${host}" } to "platforms" in appwrite.json`
  return `${what} ${value} refused: ${host} is not a registered platform. To register it, ${how} (--any-origin accepts every origin).`
}
