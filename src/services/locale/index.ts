import type { RouteDefinition } from '../../core/route.js'
import get from './routes/get.js'
import listCodes from './routes/listCodes.js'
import listContinents from './routes/listContinents.js'
import listCountries from './routes/listCountries.js'
import listCountriesEU from './routes/listCountriesEU.js'
import listCountriesPhones from './routes/listCountriesPhones.js'
import listCurrencies from './routes/listCurrencies.js'
import listLanguages from './routes/listLanguages.js'

/** The locale service's routes (BEHAVIORS §16). */
export const localeRoutes: RouteDefinition<any>[] = [
  get, listCodes, listCountries, listCountriesEU, listCountriesPhones, listContinents, listCurrencies, listLanguages,
]
