import { defineRoute } from '../../../core/route.js'

/** locale.listCodes — Appwrite's locale codes (codes.php, 131 with regional variants), with English names. */
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
