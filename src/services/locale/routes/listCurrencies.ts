import { defineRoute } from '../../../core/route.js'

/** locale.listCurrencies — world currencies with symbols, digits and plural names (not localized, as in Appwrite). */
export default defineRoute({
  operation: 'locale.listCurrencies',
  method: 'GET',
  path: '/v1/locale/currencies',
  scope: 'locale.read',
  params: {},
  async handle({ services }) {
    return { status: 200, body: services.locale.currencies() }
  },
})
