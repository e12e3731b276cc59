import {
  CONTINENT_CODES,
  COUNTRY_CODES,
  countryFacts,
  currencyOf,
  CURRENCIES,
  EU_CODES,
  getText,
  isEuMember,
  LANGUAGES,
  LOCALE_CODES,
  phonesInAppwriteOrder,
  strcmp,
  translations,
} from './locale-data.js'
import { countryOfIp } from './geo.js'

type Named = { name: string; code: string }
const byName = (a: Named, b: Named) => strcmp(a.name, b.name)

/**
 * Locale (BEHAVIORS §16): where a caller is, and the country, continent, phone, currency and language lists,
 * answered from Appwrite 1.5's own locale files as app/controllers/api/locale.php reads them.
 */
export class LocaleService {
  /** `GET /locale`: a geolocation of the caller's IP; private and unlisted addresses give the "Unknown" shape. */
  async locate(ip: string, locale: string) {
    const texts = await translations(locale)
    const unknown = getText(texts, 'locale.country.unknown') as string
    const code = countryOfIp(ip)
    const continent = code ? countryFacts(code)?.continent : undefined
    if (!code || !continent) {
      return { ip, countryCode: '--', country: unknown, continentCode: '--', continent: unknown, eu: false, currency: '' }
    }
    return {
      ip,
      countryCode: code,
      country: getText(texts, `countries.${code.toLowerCase()}`, unknown),
      continentCode: continent,
      continent: getText(texts, `continents.${continent.toLowerCase()}`, unknown),
      eu: isEuMember(code),
      // Appwrite's response model turns the null of a country no currency `locations` lists into ''.
      currency: currencyOf(code) ?? '',
    }
  }

  /** `GET /locale/codes`: codes.php as it is. */
  codes() {
    return { total: LOCALE_CODES.length, localeCodes: LOCALE_CODES }
  }

  /** `GET /locale/countries`: the 197 countries by name (`strcmp`); a name the language lacks reads `{{countries.xx}}`. */
  async countries(locale: string) {
    const texts = await translations(locale)
    const countries = COUNTRY_CODES.map((code) => ({ name: getText(texts, `countries.${code.toLowerCase()}`) as string, code })).sort(byName)
    return { total: countries.length, countries }
  }

  /** `GET /locale/countries/eu`: the 27 EU members the language names, by name. */
  async countriesEU(locale: string) {
    const texts = await translations(locale)
    const countries = EU_CODES.flatMap((code) => {
      const name = getText(texts, `countries.${code.toLowerCase()}`, false)
      return name === false ? [] : [{ name, code }]
    }).sort(byName)
    return { total: countries.length, countries }
  }

  /** `GET /locale/countries/phones`: phones.php by dial code (`asort`), the countries the language names. */
  async phones(locale: string) {
    const texts = await translations(locale)
    const phones = phonesInAppwriteOrder().flatMap(([countryCode, dial]) => {
      const countryName = getText(texts, `countries.${countryCode.toLowerCase()}`, false)
      return countryName === false ? [] : [{ code: `+${dial}`, countryCode, countryName }]
    })
    return { total: phones.length, phones }
  }

  /** `GET /locale/continents`: the seven continents, by localized name. */
  async continents(locale: string) {
    const texts = await translations(locale)
    const continents = CONTINENT_CODES.map((code) => ({ name: getText(texts, `continents.${code.toLowerCase()}`) as string, code })).sort(byName)
    return { total: continents.length, continents }
  }

  /** `GET /locale/currencies`: currencies.php in its order, without `locations` (not in the response model). */
  currencies() {
    const currencies = CURRENCIES.map(({ locations: _, ...currency }) => currency)
    return { total: currencies.length, currencies }
  }

  /** `GET /locale/languages`: languages.php in its order, fields in the Language model's order. */
  languages() {
    const languages = LANGUAGES.map(({ name, code, nativeName }) => ({ name, code, nativeName }))
    return { total: languages.length, languages }
  }
}
