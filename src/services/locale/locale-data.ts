import { createRequire } from 'node:module'
import lists from './data/lists.json' with { type: 'json' }
import english from './data/translations/en.json' with { type: 'json' }

const require = createRequire(import.meta.url)

// Appwrite 1.5's locale data, generated from its `app/config/locale` files by `scripts/locale-data.mjs` (source
// tag and commit in `data/lists.json#source`). The lists and the English texts load with this module (45 KB);
// every other language's texts load on the first request in that language.

/** A translation file's texts: `countries.us`, `continents.eu`, `locale.country.unknown` (only these are kept). */
export type Translations = Readonly<Record<string, string>>

/** `app/config/locale/codes.php`: the locale codes Appwrite accepts, with English names, in source order. */
export const LOCALE_CODES: readonly { code: string; name: string }[] = lists.codes
/** `countries.php`: the 197 country codes, in source order. */
export const COUNTRY_CODES: readonly string[] = lists.countries
/** `continents.php`: the seven continent codes. */
export const CONTINENT_CODES: readonly string[] = lists.continents
/** `eu.php`: the 27 EU member states. */
export const EU_CODES: readonly string[] = lists.eu
/** `phones.php`: country code → dial code, in source order (196: Hong Kong has none). */
export const PHONES: Readonly<Record<string, string>> = lists.phones
/** `currencies.php`, `locations` included (the route drops it; `GET /locale` reads it). */
export const CURRENCIES: readonly {
  symbol: string; name: string; symbolNative: string; decimalDigits: number; rounding: number; code: string; namePlural: string; locations: string[]
}[] = lists.currencies
/** `languages.php`: ISO 639-1 languages as `{code, name, nativeName}`, in source order. */
export const LANGUAGES: readonly { code: string; name: string; nativeName: string }[] = lists.languages

const codeSet = new Set(LOCALE_CODES.map((c) => c.code))
const translationFile: Readonly<Record<string, string>> = lists.translations

/**
 * The locale a `locale` param or `X-Appwrite-Locale` value selects: the value itself when codes.php lists it
 * (compared exactly, as Appwrite's `in_array` does: `pt-BR` is not `pt-br`), else Appwrite's default `en`.
 */
export function resolveLocale(requested: string): string {
  return codeSet.has(requested) ? requested : 'en'
}

const loaded = new Map<string, Translations>([['en', english]])

/**
 * The texts a locale answers with. Appwrite's init.php gives each code `translations/<code>.json`, else the file
 * of its first two letters, else `en.json`; the generator recorded that choice per code.
 */
export async function translations(locale: string): Promise<Translations> {
  const file = translationFile[locale] ?? 'en'
  let texts = loaded.get(file)
  if (!texts) {
    texts = (await import(`./data/translations/${file}.json`, { with: { type: 'json' } })).default as Translations
    loaded.set(file, texts)
  }
  return texts
}

/**
 * utopia-php/locale 0.4.0's `getText` (Appwrite 1.5 runs it with exceptions off): the text, else `fallback`,
 * else `{{key}}`. There is no fallback to English for a key a language lacks.
 */
export function getText(texts: Translations, key: string, fallback?: string | false): string | false {
  return Object.hasOwn(texts, key) ? texts[key]! : fallback ?? `{{${key}}}`
}

/**
 * The country name sessions and logs show (`countryName`): Appwrite's English text, else its "Unknown" text, as
 * Appwrite's models read `countries.<code>` with `locale.country.unknown` as the default.
 */
export function englishCountryName(code: string): string {
  const unknown = getText(english, 'locale.country.unknown') as string
  return code ? (getText(english, `countries.${code.toLowerCase()}`, unknown) as string) : unknown
}

/** Whether a country is an EU member state (`eu.php`). */
export function isEuMember(code: string): boolean {
  return EU_CODES.includes(code)
}

type CountryFacts = { continent: string; phone: number[]; currency: string[] }
let countriesList: Record<string, CountryFacts> | undefined
/**
 * A country's continent (with countries-list's dial and currency codes). Appwrite takes the continent from the
 * DB-IP record; our offline database holds only the country, so the continent comes from countries-list.
 */
export function countryFacts(code: string): CountryFacts | undefined {
  countriesList ??= (require('countries-list') as { countries: Record<string, CountryFacts> }).countries
  return countriesList[code]
}

/**
 * The currency `GET /locale` answers: the last currency of currencies.php whose `locations` lists the country
 * (only USD, ILS, INR and PLN list any), else none. Appwrite reproduced as it is.
 */
export function currencyOf(country: string): string | null {
  let found: string | null = null
  for (const c of CURRENCIES) if (c.locations.includes(country)) found = c.code
  return found
}

/** PHP `strcmp` on UTF-8 strings: byte order, which is what Appwrite sorts names by. */
export function strcmp(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'))
}

/**
 * PHP 8's `asort` of phones.php (SORT_REGULAR): the dial codes are numeric strings, so they compare as numbers;
 * the sort is stable, so equal codes keep the file's order (`+1`: Canada, then the United States).
 */
export function phonesInAppwriteOrder(): [country: string, dial: string][] {
  return Object.entries(PHONES).sort(([, a], [, b]) => Number(a) - Number(b))
}
