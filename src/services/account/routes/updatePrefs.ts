import { defineRoute } from '../../../core/route.js'
import { p } from '../../../domain/params.js'

/** account.updatePrefs — replaces all prefs; a JSON object only, at most 65,535 chars as PHP encodes it. */
export default defineRoute({
  operation: 'account.updatePrefs',
  method: 'PATCH',
  path: '/v1/account/prefs',
  scope: 'account',
  params: { prefs: p.assoc() },
  async handle({ params, caller, services }) {
    return { status: 200, body: await services.account.updatePrefs(caller, params.prefs) }
  },
})
