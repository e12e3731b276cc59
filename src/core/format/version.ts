import { firstHeader, type RawHeaders } from '../resolve-caller.js'

/** The Appwrite release whose client API the emulator serves (general.php's `APP_VERSION_STABLE`). */
export const SERVED_VERSION = '1.5.11'

/**
 * The response format a request asks for: `X-Appwrite-Response-Format`, which every SDK sends with the Appwrite
 * version it was built for (appwrite@13 sends 1.4.0, @14 1.5.0, @15 1.6.0). '' when absent: nothing is converted
 * (Appwrite's default `_APP_SYSTEM_RESPONSE_FORMAT` is '').
 */
export function responseFormat(headers: RawHeaders): string {
  const value = firstHeader(headers, 'x-appwrite-response-format')
  return typeof value === 'string' ? value : ''
}

/** True when the format is a 1.4 one (or older): Appwrite then adds the V17 request and response filters. */
export const speaks14 = (format: string): boolean => format !== '' && compareVersions(format, '1.5.0') < 0

/**
 * The `X-Appwrite-Warning` Appwrite 1.5 sends when an SDK is built for a newer server (general.php), or null.
 * The SDKs print it (`Warning: …`) on every response.
 */
export function formatWarning(format: string): string | null {
  if (format === '' || compareVersions(format, SERVED_VERSION) <= 0) return null
  return `The current SDK is built for Appwrite ${format}. However, the current Appwrite server version is ${SERVED_VERSION}. Please downgrade your SDK to match the Appwrite version: https://appwrite.io/docs/sdks`
}

// PHP's version_compare: '-', '_', '+' become '.', a '.' goes between digits and letters, numbers compare as
// numbers, and the special words rank dev < alpha = a < beta = b < RC = rc < (a number) < pl = p.
const SPECIAL: Record<string, number> = { dev: 0, alpha: 1, a: 1, beta: 2, b: 2, rc: 3, '#': 4, pl: 5, p: 5 }

function canonical(version: string): string[] {
  return version
    .replace(/[-_+]/g, '.')
    .replace(/(\d)(?=[^\d.])|([^\d.])(?=\d)/g, '$1$2.')
    .split('.')
    .filter((part) => part !== '')
}

function rank(part: string): number {
  return /^\d+$/.test(part) ? SPECIAL['#']! : (SPECIAL[part.toLowerCase()] ?? -1)
}

/** `version_compare(a, b)`: -1, 0 or 1. */
export function compareVersions(a: string, b: string): number {
  const left = canonical(a)
  const right = canonical(b)
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const l = left[i]
    const r = right[i]
    // A missing part is below a number and above a special word: 1.5 < 1.5.0, 1.5 > 1.5-rc.
    if (l === undefined) return rank(r!) === SPECIAL['#'] ? -1 : 1
    if (r === undefined) return rank(l) === SPECIAL['#'] ? 1 : -1
    const bothNumbers = /^\d+$/.test(l) && /^\d+$/.test(r)
    const diff = bothNumbers ? Number(l) - Number(r) : rank(l) - rank(r)
    if (diff !== 0) return diff < 0 ? -1 : 1
  }
  return 0
}
