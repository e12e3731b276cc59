import { defineRoute } from '../../../core/route.js'

/** account.get — the signed-in user; guests lack the `account` scope and get 401. */
export default defineRoute({
  operation: 'account.get',
  method: 'GET',
  path: '/v1/account',
  scope: 'account',
  params: {},
  async handle({ caller, services }) {
    return { status: 200, body: await services.account.get(caller) }
  },
})
