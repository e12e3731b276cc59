import { defineRoute } from '../../../core/route.js'

/** locale.listCodes — the locale codes names can be translated into, with English names. */
export default defineRoute({
  operation: 'locale.listCodes',
  method: 'GET',
  path: '/v1/locale/codes',
  scope: 'locale.read',
  params: {},
  async handle({ services }) {
    return { status: 200, body: services.locale.codes() }
  },
})
