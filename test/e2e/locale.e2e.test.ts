import { createRequire } from 'node:module'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { sdkResponses, sdkUser, type SdkUser } from '../harness/sdk.js'
import { sharedAvailable } from '../harness/shared.js'
import { assertResponsesMatchSpec } from '../harness/spec.js'

/**
 * Issue 7's locale routes through the official web SDK, every JSON body held against the client spec, and each
 * list checked for completeness against the package its data comes from.
 */

const require = createRequire(import.meta.url)
const isoCountries = require('i18n-iso-countries') as typeof import('i18n-iso-countries')
isoCountries.registerLocale(require('i18n-iso-countries/langs/en.json'))
const worldCountries = require('world-countries/countries.json') as { cca2: string; unMember: boolean }[]
const { euMember } = require('is-european') as { euMember: (code: string) => boolean }
const currencyList = require('currency-list/lib/currency-list.json') as Record<string, Record<string, unknown>>
const supportedLocales = require('i18n-iso-countries/supportedLocales.json') as string[]

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

describe('locale lists through the SDK, complete against their sources', () => {
  it('countries: the UN members, the two observer states, Hong Kong and Taiwan, with their English names', async () => {
    const list = await locale().listCountries()
    const expected = new Set([...worldCountries.filter((c) => c.unMember).map((c) => c.cca2), 'PS', 'HK', 'TW'])
    expect(list.total).toBe(197)
    expect(new Set(list.countries.map((c) => c.code))).toEqual(expected)
    for (const c of list.countries) expect(c.name, c.code).toBe(isoCountries.getName(c.code, 'en'))
    expect(list.countries[0]).toEqual({ name: 'Afghanistan', code: 'AF' })
  })

  it('EU countries: exactly the members is-european knows', async () => {
    const list = await locale().listCountriesEU()
    expect(list.total).toBe(27)
    expect(list.countries.map((c) => c.code).sort()).toEqual(worldCountries.map((c) => c.cca2).filter((c) => euMember(c)).sort())
  })

  it("phones: every listed country's first dial code from countries-list", async () => {
    const { countries } = await import('countries-list')
    const list = await locale().listCountriesPhones()
    expect(list.total).toBe(197)
    for (const p of list.phones) expect(p.code, p.countryCode).toBe(`+${(countries as Record<string, { phone: number[] }>)[p.countryCode]!.phone[0]}`)
    expect(list.phones[0]).toMatchObject({ code: '+1', countryCode: 'CA' })
  })

  it('continents, currencies, languages and locale codes match their packages', async () => {
    const { continents, languages } = await import('countries-list')
    const api = locale()
    const c = await api.listContinents()
    expect(c.continents.map((x) => x.code).sort()).toEqual(Object.keys(continents).sort())
    expect(c.continents.map((x) => x.name).sort()).toEqual(Object.values(continents).sort())
    const cur = await api.listCurrencies()
    expect(cur.currencies.map((x) => x.code).sort()).toEqual(Object.keys(currencyList.en!).sort())
    const lang = await api.listLanguages()
    expect(lang.languages.map((x) => x.code)).toEqual(Object.keys(languages).sort())
    const codes = await api.listCodes()
    expect(codes.localeCodes.map((x) => x.code).sort()).toEqual([...supportedLocales].sort())
    expect(codes.total).toBe(supportedLocales.length)
  })

  it('setLocale translates countries and continents', async () => {
    const api = locale('es')
    expect((await api.listCountries()).countries[0]).toEqual({ name: 'Afganistán', code: 'AF' })
    expect((await api.listContinents()).continents.map((x) => x.name)).toContain('Sudamérica')
    expect((await api.listCountriesEU()).countries.find((x) => x.code === 'DE')?.name).toBe('Alemania')
  })
})

describe('GET /locale', () => {
  it('a loopback caller gets the Unknown shape through the SDK', async () => {
    expect(await locale().get()).toEqual({ ip: '127.0.0.1', countryCode: '--', country: 'Unknown', continentCode: '--', continent: 'Unknown', eu: false, currency: '' })
  })

  it('behind a trusted proxy the forwarded address is located', async () => {
    const res = await fetch(`${behindProxy.url}/locale`, { headers: { 'x-appwrite-project': 'locale-e2e', 'x-forwarded-for': '85.214.132.117, 10.0.0.1', 'x-appwrite-locale': 'de' } })
    expect(res.headers.get('cache-control')).toBe('public, max-age=3888000')
    expect(await res.json()).toEqual({ ip: '85.214.132.117', countryCode: 'DE', country: 'Deutschland', continentCode: 'EU', continent: 'Europa', eu: true, currency: 'EUR' })
  })

  it('without --trust-proxy X-Forwarded-For is ignored', async () => {
    const res = await fetch(`${emulator.url}/locale`, { headers: { 'x-appwrite-project': 'locale-e2e', 'x-forwarded-for': '85.214.132.117' } })
    expect(await res.json()).toMatchObject({ ip: '127.0.0.1', countryCode: '--' })
  })
})
