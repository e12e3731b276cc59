import { expect } from 'vitest'
import type { TestApp } from '../../../../test/harness/app.js'
import { executions, functionScenarios } from '../testing/scenarios.js'

const run = async (app: TestApp, cookie: string | undefined, functionId = 'echo', body: Record<string, unknown> = {}) => {
  const res = await app.request({ method: 'POST', url: executions(functionId), cookie, body })
  if (res.status !== 201) throw new Error(res.text)
  return res.body.$id as string
}

functionScenarios('functions.listExecutions', [
  {
    name: 'guests are refused by scope',
    request: { method: 'GET', url: executions('echo') },
    expect: { status: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (execution.read)' },
  },
  {
    name: 'an unknown function',
    as: 'alice',
    request: { method: 'GET', url: executions('nope') },
    expect: { status: 404, type: 'function_not_found' },
  },
  {
    name: 'a query on an attribute executions do not have',
    as: 'alice',
    request: { method: 'GET', url: `${executions('echo')}?queries[]=${encodeURIComponent('{"method":"equal","attribute":"logs","values":["x"]}')}` },
    expect: { status: 400, type: 'general_argument_invalid', message: /Attribute not found in schema: logs/ },
  },
  {
    name: "only the caller's executions, filtered by status",
    as: 'alice',
    async before(app, ctx) {
      const bob = await app.signIn({ id: 'bob', email: 'bob@example.test', password: 'bob-password-1', name: 'Bob' })
      await run(app, bob)
      await run(app, undefined)
      ctx.mine = await run(app, ctx.cookie)
      await run(app, ctx.cookie, 'echo', { path: 'bad' })
    },
    request: { method: 'GET', url: `${executions('echo')}?queries[]=${encodeURIComponent('{"method":"equal","attribute":"status","values":["completed"]}')}` },
    expect: { status: 200, body: { total: 1 } },
    async after(res, _app, ctx) {
      expect(res.body.executions.map((e: { $id: string }) => e.$id)).toEqual([ctx.mine])
      expect(res.body.executions[0]).toMatchObject({ logs: '', errors: '', responseBody: '', functionId: 'echo' })
    },
  },
])
