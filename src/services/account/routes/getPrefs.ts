import { defineRoute } from '../../../core/route.js'

/** account.getPrefs */
export default defineRoute({
  operation: 'account.getPrefs',
  method: 'GET',
  path: '/v1/account/prefs',
  scope: 'account',
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.account.getPrefs(caller) }
  },
})
