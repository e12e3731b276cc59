import { defineRoute } from '../../../core/route.js'

/** account.listSessions — every live session of the user, the caller's marked `current`. */
export default defineRoute({
  operation: 'account.listSessions',
  method: 'GET',
  path: '/v1/account/sessions',
  scope: 'account',
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.sessions.list(caller) }
  },
})
