import { defineRoute } from '../../../core/route.js'
import { requestLocale } from '../request-locale.js'

/** locale.listContinents — the seven continents, names in the request's locale, sorted by name. */
export default defineRoute({
  operation: 'locale.listContinents',
  method: 'GET',
  path: '/v1/locale/continents',
  scope: 'locale.read',
  params: {},
  async handle({ services, input, headers }) {
    return { status: 200, body: await services.locale.continents(requestLocale(input, headers)) }
  },
})
