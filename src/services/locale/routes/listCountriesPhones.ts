import { defineRoute } from '../../../core/route.js'
import { requestLocale } from '../request-locale.js'

/** locale.listCountriesPhones — phones.php's dial codes ordered by number (+1 first), the countries the locale names. */
export default defineRoute({
  operation: 'locale.listCountriesPhones',
  method: 'GET',
  path: '/v1/locale/countries/phones',
  scope: 'locale.read',
  params: {},
  async handle({ services, input, headers }) {
    return { status: 200, body: await services.locale.phones(requestLocale(input, headers)) }
  },
})
