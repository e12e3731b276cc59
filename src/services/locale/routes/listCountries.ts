import { defineRoute } from '../../../core/route.js'
import { requestLocale } from '../request-locale.js'

/** locale.listCountries — the 197 countries Appwrite lists, names in the request's locale, sorted by name. */
export default defineRoute({
  operation: 'locale.listCountries',
  method: 'GET',
  path: '/v1/locale/countries',
  scope: 'locale.read',
  params: {},
  async handle({ services, input, headers }) {
    return { status: 200, body: await services.locale.countries(requestLocale(input, headers)) }
  },
})
