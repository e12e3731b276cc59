import { resolveLocale } from './locale-data.js'

/**
 * The locale a request asks for, as Appwrite's general hook reads it on every route: the `locale` param, else
 * the `X-Appwrite-Locale` header; a code not in codes.php (or none) leaves the default, English.
 */
export function requestLocale(input: Record<string, unknown>, headers: Record<string, string | string[] | undefined>): string {
  const header = headers['x-appwrite-locale']
  const requested = input.locale !== undefined ? input.locale : Array.isArray(header) ? header[0] : header
  return resolveLocale(typeof requested === 'string' ? requested : '')
}
