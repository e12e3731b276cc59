import { executions, functionScenarios } from '../testing/scenarios.js'

functionScenarios('functions.getExecution', [
  {
    name: 'guests are refused by scope',
    request: { method: 'GET', url: `${executions('echo')}/abc` },
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
  {
    name: 'an unknown execution',
    as: 'alice',
    request: { method: 'GET', url: `${executions('echo')}/nope` },
    expect: { status: 404, type: 'execution_not_found', message: 'Execution with the requested ID could not be found.' },
  },
  {
    name: "another function's execution",
    as: 'alice',
    async before(app, ctx) {
      ctx.id = (await app.request({ method: 'POST', url: executions('echo'), cookie: ctx.cookie, body: {} })).body.$id
    },
    request: (ctx) => ({ method: 'GET', url: `${executions('text')}/${ctx.id}` }),
    expect: { status: 404, type: 'execution_not_found' },
  },
  {
    name: "another user's execution",
    as: 'bob',
    async before(app, ctx) {
      const alice = await app.signIn({ id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' })
      ctx.id = (await app.request({ method: 'POST', url: executions('echo'), cookie: alice, body: {} })).body.$id
    },
    request: (ctx) => ({ method: 'GET', url: `${executions('echo')}/${ctx.id}` }),
    expect: { status: 404, type: 'execution_not_found' },
  },
  {
    name: 'the caller reads their own execution, without logs or response body',
    as: 'alice',
    async before(app, ctx) {
      ctx.id = (await app.request({ method: 'POST', url: executions('echo'), cookie: ctx.cookie, body: {} })).body.$id
    },
    request: (ctx) => ({ method: 'GET', url: `${executions('echo')}/${ctx.id}` }),
    expect: { status: 200, body: { functionId: 'echo', status: 'completed', trigger: 'http', logs: '', errors: '', responseBody: '', $permissions: ['read("user:alice")'] } },
  },
])
