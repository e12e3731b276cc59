import { defineRoute } from '../../../core/route.js'
import { requestLocale } from '../request-locale.js'

/** locale.listCountriesEU — the 27 EU member states, names in the request's locale, sorted by name. */
export default defineRoute({
  operation: 'locale.listCountriesEU',
  method: 'GET',
  path: '/v1/locale/countries/eu',
  scope: 'locale.read',
  params: {},
  async handle({ services, input, headers }) {
    return { status: 200, body: await services.locale.countriesEU(requestLocale(input, headers)) }
  },
})
