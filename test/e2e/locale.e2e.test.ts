import { createRequire } from 'node:module'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { sdkResponses, sdkUser, type SdkUser } from '../harness/sdk.js'
import { sharedAvailable } from '../harness/shared.js'
import { assertResponsesMatchSpec } from '../harness/spec.js'

/**
 * Issue 7's locale routes through the official web SDK, every JSON body held against the client spec, and each
 * list checked for completeness against Appwrite's own locale files (generated into src/services/locale/data).
 */

const require = createRequire(import.meta.url)
const lists = require('../../src/services/locale/data/lists.json') as {
  codes: { code: string; name: string }[]
  countries: string[]
  continents: string[]
  eu: string[]
  phones: Record<string, string>
  currencies: { code: string }[]
  languages: { code: string }[]
}
const en = require('../../src/services/locale/data/translations/en.json') as Record<string, string>
const de = require('../../src/services/locale/data/translations/de.json') as Record<string, string>

let emulator: RunningEmulator
let behindProxy: RunningEmulator
const users: SdkUser[] = []

beforeAll(async () => {
  ;[emulator, behindProxy] = await Promise.all([
    startEmulator({ port: 0, inMemory: true, logLevel: 'silent' }),
    startEmulator({ port: 0, inMemory: true, logLevel: 'silent', trustProxy: true }),
  ])
})
afterAll(async () => {
  await Promise.all([emulator?.stop(), behindProxy?.stop()])
})
afterEach(async () => {
  for (const u of users.splice(0)) u.close()
  const records = await sdkResponses.take()
  if (sharedAvailable('checking e2e responses against client-openapi3.json')) assertResponsesMatchSpec(records)
})

function locale(localeCode?: string) {
  const user = sdkUser(emulator, 'locale-e2e', { name: 'guest' })
  users.push(user)
  if (localeCode) user.client.setLocale(localeCode)
  return new user.sdk.Locale(user.client)
}

describe("locale lists through the SDK, complete against Appwrite's files", () => {
  it("countries: countries.php's 197 codes with en.json's names", async () => {
    const list = await locale().listCountries()
    expect(list.total).toBe(197)
    expect(new Set(list.countries.map((c) => c.code))).toEqual(new Set(lists.countries))
    for (const c of list.countries) expect(c.name, c.code).toBe(en[`countries.${c.code.toLowerCase()}`])
    expect(list.countries[0]).toEqual({ name: 'Afghanistan', code: 'AF' })
  })

  it("EU countries: exactly eu.php's members", async () => {
    const list = await locale().listCountriesEU()
    expect(list.total).toBe(27)
    expect(list.countries.map((c) => c.code).sort()).toEqual([...lists.eu].sort())
  })

  it("phones: phones.php's dial codes, +1 first (Canada, then the United States)", async () => {
    const list = await locale().listCountriesPhones()
    expect(list.total).toBe(Object.keys(lists.phones).length)
    for (const p of list.phones) expect(p.code, p.countryCode).toBe(`+${lists.phones[p.countryCode]}`)
    expect(list.phones.slice(0, 2)).toEqual([
      { code: '+1', countryCode: 'CA', countryName: 'Canada' },
      { code: '+1', countryCode: 'US', countryName: 'United States' },
    ])
  })

  it("continents, currencies, languages and locale codes are Appwrite's, in its order", async () => {
    const api = locale()
    const c = await api.listContinents()
    expect(c.continents.map((x) => x.code).sort()).toEqual([...lists.continents].sort())
    expect(c.continents.map((x) => x.name)).toEqual(['Africa', 'Antarctica', 'Asia', 'Europe', 'North America', 'Oceania', 'South America'])
    const cur = await api.listCurrencies()
    expect(cur.currencies.map((x) => x.code)).toEqual(lists.currencies.map((x) => x.code))
    const lang = await api.listLanguages()
    expect(lang.languages.map((x) => x.code)).toEqual(lists.languages.map((x) => x.code))
    const codes = await api.listCodes()
    expect(codes.localeCodes).toEqual(lists.codes)
    expect(codes.total).toBe(131)
  })

  it("setLocale translates with Appwrite's strings", async () => {
    const es = locale('es')
    expect((await es.listCountries()).countries[0]).toEqual({ name: 'Afganistán', code: 'AF' })
    expect((await es.listContinents()).continents.map((x) => x.name)).toContain('América del Sur')
    expect((await es.listCountriesEU()).countries.find((x) => x.code === 'DE')?.name).toBe('Alemania')
    const german = locale('de')
    const countries = (await german.listCountries()).countries
    expect(countries.find((x) => x.code === 'US')?.name).toBe('Vereinigte Staaten')
    for (const c of countries) expect(c.name, c.code).toBe(de[`countries.${c.code.toLowerCase()}`])
  })
})

describe('GET /locale', () => {
  it('a loopback caller gets the Unknown shape through the SDK', async () => {
    expect(await locale().get()).toEqual({ ip: '127.0.0.1', countryCode: '--', country: 'Unknown', continentCode: '--', continent: 'Unknown', eu: false, currency: '' })
  })

  it('behind a trusted proxy the forwarded address is located', async () => {
    const res = await fetch(`${behindProxy.url}/locale`, { headers: { 'x-appwrite-project': 'locale-e2e', 'x-forwarded-for': '85.214.132.117, 10.0.0.1', 'x-appwrite-locale': 'de' } })
    expect(res.headers.get('cache-control')).toBe('public, max-age=3888000')
    // Appwrite's EUR lists no `locations`, so Germany has no currency, as Appwrite answers.
    expect(await res.json()).toEqual({ ip: '85.214.132.117', countryCode: 'DE', country: 'Deutschland', continentCode: 'EU', continent: 'Europa', eu: true, currency: '' })
  })

  it('without --trust-proxy X-Forwarded-For is ignored', async () => {
    const res = await fetch(`${emulator.url}/locale`, { headers: { 'x-appwrite-project': 'locale-e2e', 'x-forwarded-for': '85.214.132.117' } })
    expect(await res.json()).toMatchObject({ ip: '127.0.0.1', countryCode: '--' })
  })
})
