import { defineRoute } from '../../../core/route.js'
import { requestLocale } from '../request-locale.js'

/** locale.listCountriesPhones — each country's dial code, ordered by code. */
export default defineRoute({
  operation: 'locale.listCountriesPhones',
  method: 'GET',
  path: '/v1/locale/countries/phones',
  scope: 'locale.read',
  params: {},
  async handle({ services, input, headers }) {
    return { status: 200, body: services.locale.phones(requestLocale(input, headers)) }
  },
})
