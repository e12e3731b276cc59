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
  type Translations,
} from './locale-data.js'
import { countryOfIp } from './geo.js'
import { renderOnce } from '../../core/json.js'

type Named = { name: string; code: string }
const byName = (a: Named, b: Named) => strcmp(a.name, b.name)

/**
 * Locale (BEHAVIORS §16): where a caller is, and the country, continent, phone, currency and language lists,
 * answered from Appwrite 1.5's own locale files as app/controllers/api/locale.php reads them. Each list depends
 * only on the locale, so it is built and rendered once per locale and then served as the same bytes.
 */
export class LocaleService {
  private readonly built = new Map<string, object>()

  /** The body kept under `key`, built and rendered on first use (src/core/json.ts). */
  private once<T extends object>(key: string, build: () => T): T {
    let body = this.built.get(key) as T | undefined
    if (!body) {
      body = renderOnce(build())
      this.built.set(key, body)
    }
    return body
  }

  /** The list `name` in `locale`'s texts, built once per locale. */
  private async list<T extends object>(name: string, locale: string, build: (texts: Translations) => T): Promise<T> {
    const key = `${name}\u0000${locale}`
    const body = this.built.get(key) as T | undefined
    if (body) return body
    const texts = await translations(locale)
    return this.once(key, () => build(texts))
  }

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
    return this.once('codes', () => ({ total: LOCALE_CODES.length, localeCodes: LOCALE_CODES.map(({ code, name }) => ({ code, name })) }))
  }

  /** `GET /locale/countries`: the 197 countries by name (`strcmp`); a name the language lacks reads `{{countries.xx}}`. */
  countries(locale: string) {
    return this.list('countries', locale, (texts) => {
      const countries = COUNTRY_CODES.map((code) => ({ name: getText(texts, `countries.${code.toLowerCase()}`) as string, code })).sort(byName)
      return { total: countries.length, countries }
    })
  }

  /** `GET /locale/countries/eu`: the 27 EU members the language names, by name. */
  countriesEU(locale: string) {
    return this.list('eu', locale, (texts) => {
      const countries = EU_CODES.flatMap((code) => {
        const name = getText(texts, `countries.${code.toLowerCase()}`, false)
        return name === false ? [] : [{ name, code }]
      }).sort(byName)
      return { total: countries.length, countries }
    })
  }

  /** `GET /locale/countries/phones`: phones.php by dial code (`asort`), the countries the language names. */
  phones(locale: string) {
    return this.list('phones', locale, (texts) => {
      const phones = phonesInAppwriteOrder().flatMap(([countryCode, dial]) => {
        const countryName = getText(texts, `countries.${countryCode.toLowerCase()}`, false)
        return countryName === false ? [] : [{ code: `+${dial}`, countryCode, countryName }]
      })
      return { total: phones.length, phones }
    })
  }

  /** `GET /locale/continents`: the seven continents, by localized name. */
  continents(locale: string) {
    return this.list('continents', locale, (texts) => {
      const continents = CONTINENT_CODES.map((code) => ({ name: getText(texts, `continents.${code.toLowerCase()}`) as string, code })).sort(byName)
      return { total: continents.length, continents }
    })
  }

  /** `GET /locale/currencies`: currencies.php in its order, without `locations` (not in the response model). */
  currencies() {
    return this.once('currencies', () => ({ total: CURRENCIES.length, currencies: CURRENCIES.map(({ locations: _, ...currency }) => currency) }))
  }

  /** `GET /locale/languages`: languages.php in its order, fields in the Language model's order. */
  languages() {
    return this.once('languages', () => ({ total: LANGUAGES.length, languages: LANGUAGES.map(({ name, code, nativeName }) => ({ name, code, nativeName })) }))
  }
}
