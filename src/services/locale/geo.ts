import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { Reader, type Response } from 'mmdb-lib'
import { isPublicAddress } from '../avatars/address-guard.js'

const require = createRequire(import.meta.url)

/**
 * IP → country from ip-location-db's geo-whois-asn-country database (CC0, rebuilt daily from registry whois,
 * geofeeds and ASN data; 7.8 MB for IPv4 and IPv6). Appwrite reads DB-IP's country database the same way.
 */
const DATABASE = '@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb'

let reader: Reader<Response> | undefined

/** The ISO country code of a public address, or null (private, loopback and unlisted addresses have none). */
export function countryOfIp(ip: string): string | null {
  const address = ip.replace(/^::ffff:(?=\d+\.)/, '')
  if (!isPublicAddress(address)) return null
  const db = (reader ??= new Reader(readFileSync(require.resolve(DATABASE))))
  try {
    // ip-location-db records hold only `country_code`.
    return (db.get(address) as { country_code?: string } | null)?.country_code ?? null
  } catch {
    return null
  }
}
