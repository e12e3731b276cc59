import { firstHeader, type RawHeaders } from '../resolve-caller.js'
import { formatWarning, responseFormat, SERVED_VERSION, speaks14 } from './version.js'

const MAX_SEEN = 256

/**
 * The log line for the first request of an SDK name and version (`x-sdk-name`, `x-sdk-version`), or null when
 * the request names no SDK or that one was seen already. `seen` holds the `name/version` keys; it stops growing
 * at 256 so a client making up versions cannot fill memory (later newcomers are then not logged).
 */
export function sdkGreeting(headers: RawHeaders, seen: Set<string>): { level: 'info' | 'warn'; message: string } | null {
  const name = firstHeader(headers, 'x-sdk-name')
  if (!name) return null
  const version = firstHeader(headers, 'x-sdk-version') ?? '?'
  const key = `${name}/${version}`
  if (seen.has(key) || seen.size >= MAX_SEEN) return null
  seen.add(key)
  const format = responseFormat(headers)
  const serves = `the emulator, which serves the Appwrite ${SERVED_VERSION} client API (response formats 1.4.x and 1.5.x)`
  const sdk = `SDK ${name} ${version} connected (${firstHeader(headers, 'x-sdk-platform') ?? 'unknown platform'}, response format ${format || 'none'})`
  if (formatWarning(format)) return { level: 'warn', message: `${sdk}; it is built for a newer Appwrite than ${serves}` }
  return { level: 'info', message: `${sdk}; ${serves}${speaks14(format) ? ', answering it in the 1.4 format' : ''}` }
}
