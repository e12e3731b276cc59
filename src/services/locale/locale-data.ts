import { createRequire } from 'node:module'
import { continents as CONTINENT_NAMES, countries as COUNTRY_FACTS, languages as LANGUAGES } from 'countries-list'
import type { LocaleData } from 'i18n-iso-countries'

const require = createRequire(import.meta.url)

// i18n-iso-countries: localized country names for ~80 languages (CLDR-derived, maintained).
let isoCountriesModule: typeof import('i18n-iso-countries') | undefined
/** i18n-iso-countries with English registered, loaded on first use (it is slow to load and start-up counts). */
function isoCountries(): typeof import('i18n-iso-countries') {
  if (!isoCountriesModule) {
    isoCountriesModule = require('i18n-iso-countries') as typeof import('i18n-iso-countries')
    isoCountriesModule.registerLocale(require('i18n-iso-countries/langs/en.json') as LocaleData)
  }
  return isoCountriesModule
}
const SUPPORTED = (require('i18n-iso-countries/supportedLocales.json') as string[]).slice().sort()

/**
 * The locales whose names we can translate: those of i18n-iso-countries, which also carries the country names.
 * deviation: Appwrite's list (`app/config/locale/codes.php`, ~130 codes with regional variants such as `es-ar`)
 * comes from a hand-kept table; ours is the translation dataset's own list, so `/locale/codes` is shorter.
 */
export const LOCALE_CODES: readonly string[] = SUPPORTED

const registered = new Set<string>(['en'])
function ensureLocale(code: string): void {
  if (registered.has(code)) return
  isoCountries().registerLocale(require(`i18n-iso-countries/langs/${code}.json`) as LocaleData)
  registered.add(code)
}

/**
 * The language to answer in for a `locale` param or `X-Appwrite-Locale` value: the code itself when we have its
 * translations, else its language part (`pt-br` → `pt`), else English, as Appwrite falls back to `en`.
 * deviation: Appwrite ignores codes missing from its codes.php list; we accept any tag whose language we have.
 */
export function resolveLocale(requested: string): string {
  const code = requested.trim().toLowerCase().replace(/_/g, '-')
  if (SUPPORTED.includes(code)) return code
  const language = code.split('-')[0]!
  return SUPPORTED.includes(language) ? language : 'en'
}

/**
 * The countries Appwrite lists (`app/config/locale/countries.php`, 197): the 193 UN members, the two UN
 * observer states (Palestine, Holy See), Hong Kong and Taiwan. world-countries flags UN membership (it counts
 * the Holy See as a member, giving 194), so three codes are added here to make the same 197.
 */
const EXTRA_COUNTRIES = ['PS', 'HK', 'TW']
let countryCodes: string[] | undefined
export function appwriteCountryCodes(): readonly string[] {
  if (!countryCodes) {
    const world = require('world-countries/countries.json') as { cca2: string; unMember: boolean }[]
    const codes = new Set(world.filter((c) => c.unMember).map((c) => c.cca2))
    for (const code of EXTRA_COUNTRIES) codes.add(code)
    // Appwrite's config lists them by ISO alpha-3 code; phone codes keep that order among equals.
    countryCodes = [...codes].sort((a, b) => (isoCountries().alpha2ToAlpha3(a) ?? a).localeCompare(isoCountries().alpha2ToAlpha3(b) ?? b))
  }
  return countryCodes
}

/** A country's name in `locale`; English when the dataset has no name in that language; null if unknown. */
export function countryName(code: string, locale: string): string | null {
  ensureLocale(locale)
  return isoCountries().getName(code, locale) ?? isoCountries().getName(code, 'en') ?? null
}

/** The country name sessions and logs show (`countryName`), in English; "Unknown" for `--` and unknown codes. */
export function englishCountryName(code: string): string {
  return (code && code !== '--' && isoCountries().getName(code.toUpperCase(), 'en')) || 'Unknown'
}

// UN M.49 region codes of the seven continents, for Intl.DisplayNames.
const CONTINENT_REGIONS: Record<string, string> = { AF: '002', AN: 'AQ', AS: '142', EU: '150', NA: '003', OC: '009', SA: '005' }

/** The seven continent codes, as countries-list has them (`AF AN AS EU NA OC SA`). */
export const CONTINENT_CODES = Object.keys(CONTINENT_NAMES) as (keyof typeof CONTINENT_NAMES)[]

/**
 * A continent's name: English from countries-list (the same names as Appwrite's), other languages from the
 * CLDR data built into Node's ICU (Intl.DisplayNames), since no maintained package translates continents.
 */
export function continentName(code: string, locale: string): string {
  const english = (CONTINENT_NAMES as Record<string, string>)[code] ?? code
  if (locale === 'en') return english
  const region = CONTINENT_REGIONS[code]
  if (!region) return english
  try {
    return new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }).of(region) ?? english
  } catch {
    return english
  }
}

/** Appwrite's `locale.country.unknown` text: "Unknown", or CLDR's "unknown region" in other languages. */
export function unknownText(locale: string): string {
  if (locale === 'en') return 'Unknown'
  try {
    return new Intl.DisplayNames([locale], { type: 'region', fallback: 'none' }).of('ZZ') ?? 'Unknown'
  } catch {
    return 'Unknown'
  }
}

/** countries-list's facts for a country: continent, phone codes, currencies. */
export function countryFacts(code: string): { continent: string; phone: number[]; currency: string[] } | undefined {
  return (COUNTRY_FACTS as Record<string, { continent: string; phone: number[]; currency: string[] }>)[code]
}

/** ISO 639-1 languages from countries-list, by code: `{name, code, nativeName}`. */
export function languageList(): { name: string; code: string; nativeName: string }[] {
  return Object.entries(LANGUAGES as Record<string, { name: string; native: string }>)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([code, l]) => ({ name: l.name, code, nativeName: l.native }))
}

interface CurrencyEntry {
  name: string
  symbol_native: string
  symbol: string
  code: string
  name_plural: string
  rounding: number
  decimal_digits: number
}

// Appwrite's currencies.php starts with these four, then goes by code.
const LEADING_CURRENCIES = ['USD', 'EUR', 'GBP', 'CAD']

/** Currencies in Appwrite's model (English data of currency-list, the Common-Currency set Appwrite's list comes from). */
export function currencyList(): { symbol: string; name: string; symbolNative: string; decimalDigits: number; rounding: number; code: string; namePlural: string }[] {
  const all = (require('currency-list/lib/currency-list.json') as Record<string, Record<string, CurrencyEntry>>).en!
  const rank = (code: string) => {
    const i = LEADING_CURRENCIES.indexOf(code)
    return i === -1 ? LEADING_CURRENCIES.length : i
  }
  return Object.values(all)
    .sort((a, b) => rank(a.code) - rank(b.code) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((c) => ({ symbol: c.symbol, name: c.name, symbolNative: c.symbol_native, decimalDigits: c.decimal_digits, rounding: c.rounding, code: c.code, namePlural: c.name_plural }))
}

// is-european: the 27 EU member states.
const { euMember } = require('is-european') as { euMember: (code: string) => boolean }

/** Whether a country is an EU member state. */
export function isEuMember(code: string): boolean {
  return euMember(code)
}

/** PHP `strcmp` on UTF-8 strings: byte order, which is what Appwrite sorts names by. */
export function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}
