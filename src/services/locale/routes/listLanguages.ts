import { defineRoute } from '../../../core/route.js'

/** locale.listLanguages — ISO 639-1 languages with English and native names (not localized, as in Appwrite). */
export default defineRoute({
  operation: 'locale.listLanguages',
  method: 'GET',
  path: '/v1/locale/languages',
  scope: 'locale.read',
  params: {},
  async handle({ services }) {
    return { status: 200, body: services.locale.languages() }
  },
})
