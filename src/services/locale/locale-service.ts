import {
  appwriteCountryCodes,
  CONTINENT_CODES,
  continentName,
  countryFacts,
  countryName,
  currencyList,
  isEuMember,
  languageList,
  LOCALE_CODES,
  strcmp,
  unknownText,
} from './locale-data.js'
import { countryOfIp } from './geo.js'

type Named = { name: string; code: string }
const byName = (a: Named, b: Named) => strcmp(a.name, b.name)

/** Locale (BEHAVIORS §16): where a caller is, and the country, continent, phone, currency and language lists. */
export class LocaleService {
  /** `GET /locale`: a geolocation of the caller's IP; private and unlisted addresses give the "Unknown" shape. */
  locate(ip: string, locale: string) {
    const code = countryOfIp(ip)
    if (!code) {
      const unknown = unknownText(locale)
      return { ip, countryCode: '--', country: unknown, continentCode: '--', continent: unknown, eu: false, currency: '' }
    }
    const facts = countryFacts(code)
    return {
      ip,
      countryCode: code,
      country: countryName(code, locale) ?? unknownText(locale),
      continentCode: facts?.continent ?? '--',
      continent: facts ? continentName(facts.continent, locale) : unknownText(locale),
      eu: isEuMember(code),
      // deviation: Appwrite finds the currency through `locations` lists that are filled for a handful of
      // currencies only (so most countries get ''); we answer the country's main currency.
      currency: facts?.currency[0] ?? '',
    }
  }

  /** `GET /locale/codes`: the locales names can be translated into. */
  codes() {
    const english = new Intl.DisplayNames(['en'], { type: 'language' })
    const localeCodes = LOCALE_CODES.map((code) => ({ code, name: english.of(code) ?? code }))
    return { total: localeCodes.length, localeCodes }
  }

  /** `GET /locale/countries`: Appwrite's 197 countries, by localized name (`strcmp`). */
  countries(locale: string) {
    const countries = appwriteCountryCodes()
      .map((code) => ({ name: countryName(code, locale) ?? code, code }))
      .sort(byName)
    return { total: countries.length, countries }
  }

  /** `GET /locale/countries/eu`: the 27 EU members, by localized name. */
  countriesEU(locale: string) {
    const countries = appwriteCountryCodes()
      .filter(isEuMember)
      .map((code) => ({ name: countryName(code, locale) ?? code, code }))
      .sort(byName)
    return { total: countries.length, countries }
  }

  /**
   * `GET /locale/countries/phones`: one dial code per country (the first countries-list gives), ordered by
   * number; equal codes keep the alpha-3 order, so `+1` starts with Canada as in Appwrite.
   * deviation: Appwrite's phones.php has no Hong Kong (196 entries); we list all 197 countries.
   */
  phones(locale: string) {
    const phones = appwriteCountryCodes()
      .flatMap((code) => {
        const dial = countryFacts(code)?.phone[0]
        return dial === undefined ? [] : [{ dial, code }]
      })
      .sort((a, b) => a.dial - b.dial)
      .map(({ dial, code }) => ({ code: `+${dial}`, countryCode: code, countryName: countryName(code, locale) ?? code }))
    return { total: phones.length, phones }
  }

  /** `GET /locale/continents`: the seven continents, by localized name. */
  continents(locale: string) {
    const continents = CONTINENT_CODES.map((code) => ({ name: continentName(code, locale), code })).sort(byName)
    return { total: continents.length, continents }
  }

  /**
   * `GET /locale/currencies`.
   * deviation: currency-list's English set has 119 currencies, Appwrite's hand-kept copy of the same source 117.
   */
  currencies() {
    const currencies = currencyList()
    return { total: currencies.length, currencies }
  }

  /**
   * `GET /locale/languages`: ISO 639-1 languages by code.
   * deviation: countries-list has 185; Appwrite's list has 186 (it adds `sgn` and splits `pt` into `pt-pt`/`pt-br`).
   */
  languages() {
    const languages = languageList()
    return { total: languages.length, languages }
  }
}
