import { expect } from 'vitest'
import { PROJECT } from '../../../../test/harness/app.js'
import { executions, functionScenarios } from '../testing/scenarios.js'

const url = executions

functionScenarios('functions.createExecution', [
  {
    name: 'an unknown function',
    request: { method: 'POST', url: url('nope'), body: {} },
    expect: { status: 404, type: 'function_not_found', message: 'Function with the requested ID could not be found.' },
  },
  {
    name: 'a disabled function reads as missing',
    request: { method: 'POST', url: url('off'), body: {} },
    expect: { status: 404, type: 'function_not_found' },
  },
  {
    name: 'a method in the wrong case',
    request: { method: 'POST', url: url('echo'), body: { method: 'get' } },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `method` param: Value must be one of (GET, POST, PUT, PATCH, DELETE, OPTIONS)' },
  },
  {
    name: 'headers that are not an object',
    request: { method: 'POST', url: url('echo'), body: { headers: ['a'] } },
    expect: { status: 400, message: 'Invalid `headers` param: Value must be a valid object.' },
  },
  {
    name: "a body over Appwrite's limit",
    request: { method: 'POST', url: url('echo'), body: { body: 'x'.repeat(10_485_761) } },
    expect: { status: 400, message: 'Invalid `body` param: Value must be a valid string and no longer than 10485760 chars' },
  },
  {
    name: 'a runtime the emulator does not run (404, as the 1.5 error catalog codes it)',
    request: { method: 'POST', url: url('deno'), body: {} },
    expect: { status: 404, type: 'function_runtime_unsupported', message: /^Runtime "deno-1.40" is not supported\. The emulator runs node-14\.5, .*python-3\.12\.$/ },
  },
  {
    name: 'a function nobody may execute',
    request: { method: 'POST', url: url('nobody'), body: {} },
    expect: { status: 401, type: 'user_unauthorized', message: "No permissions provided for action 'execute'" },
  },
  {
    name: 'a guest where users are required',
    request: { method: 'POST', url: url('team-only'), body: {} },
    expect: { status: 401, type: 'user_unauthorized', message: 'Missing "execute" permission for role "users". Only "["any","guests"]" scopes are allowed and "["team:crew","users"]" was given.' },
  },
  {
    name: 'a missing entrypoint file fails the execution with the reason in errors',
    request: { method: 'POST', url: url('missing-entry'), body: {} },
    expect: { status: 201, body: { status: 'failed', responseStatusCode: 500, logs: '', errors: '' } },
    async after(_res, app) {
      const control = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/executions` })
      expect(control.body.executions[0].errors).toMatch(/Code file not found: nope\.js/)
    },
  },
  {
    name: 'a path without a leading slash fails the execution',
    request: { method: 'POST', url: url('echo'), body: { path: 'items' } },
    expect: { status: 201, body: { status: 'failed', responseStatusCode: 500, requestPath: 'items' } },
  },
  {
    name: 'a guest runs a sync execution: 201, completed, the response body, blank logs',
    request: { method: 'POST', url: url('echo'), body: { body: '{"a":1}', path: '/items?page=2', method: 'PUT', headers: { 'content-type': 'application/json', 'x-appwrite-user-id': 'spoofed', 'x-custom': 'yes' } } },
    expect: { status: 201, body: { functionId: 'echo', trigger: 'http', status: 'completed', requestMethod: 'PUT', requestPath: '/items?page=2', responseStatusCode: 200, logs: '', errors: '', $permissions: [] } },
    events: { 'functions.echo.executions.*.create': 1 },
    async after(res) {
      expect(res.body.requestHeaders).toEqual([{ name: 'content-type', value: 'application/json' }])
      const echoed = JSON.parse(res.body.responseBody)
      expect(echoed).toMatchObject({ method: 'PUT', path: '/items', query: { page: '2' }, body: { a: 1 }, bodyRaw: '{"a":1}' })
      expect(echoed.headers).toMatchObject({ 'x-custom': 'yes', 'x-appwrite-trigger': 'http', 'x-appwrite-user-id': '', 'x-appwrite-user-jwt': '', 'x-appwrite-continent-eu': 'false' })
      expect(echoed.env).toEqual({
        APPWRITE_FUNCTION_ID: 'echo', APPWRITE_FUNCTION_NAME: 'Echo', APPWRITE_FUNCTION_DEPLOYMENT: 'echo', APPWRITE_FUNCTION_PROJECT_ID: PROJECT,
        APPWRITE_FUNCTION_RUNTIME_NAME: 'Node.js', APPWRITE_FUNCTION_RUNTIME_VERSION: '18.0', GREETING: 'hello', FROM_DOTENV: 'yes',
      })
      expect(res.body.responseHeaders).toContainEqual({ name: 'content-type', value: 'application/json' })
      expect(typeof res.body.duration).toBe('number')
    },
  },
  {
    name: 'a signed-in caller gets a readable execution and a JWT for the function',
    as: 'alice',
    request: { method: 'POST', url: url('echo'), body: {} },
    expect: { status: 201, body: { $permissions: ['read("user:alice")'], requestMethod: 'POST', status: 'completed' } },
    async after(res) {
      const echoed = JSON.parse(res.body.responseBody)
      expect(echoed.headers['x-appwrite-user-id']).toBe('alice')
      expect(echoed.headers['x-appwrite-user-jwt']).toMatch(/^ey/)
    },
  },
  {
    name: 'async: 202 waiting, then completed without a response body',
    as: 'alice',
    request: { method: 'POST', url: url('echo'), body: { async: true } },
    expect: { status: 202, body: { status: 'waiting', responseBody: '', responseStatusCode: 0 } },
    async after(res, app, ctx) {
      let got: any
      for (let i = 0; i < 100; i++) {
        got = await app.request({ method: 'GET', url: `${url('echo')}/${res.body.$id}`, cookie: ctx.cookie })
        if (got.body.status === 'completed' || got.body.status === 'failed') break
        await new Promise((r) => setTimeout(r, 50))
      }
      expect(got.body).toMatchObject({ status: 'completed', responseStatusCode: 200, responseBody: '' })
    },
  },
  {
    name: 'logging off: nothing is stored',
    as: 'alice',
    request: { method: 'POST', url: url('quiet'), body: {} },
    expect: { status: 201, body: { status: 'completed' } },
    async after(res, app, ctx) {
      const got = await app.request({ method: 'GET', url: `${url('quiet')}/${res.body.$id}`, cookie: ctx.cookie })
      expect(got.body.type).toBe('execution_not_found')
    },
  },
  {
    name: 'a function that throws fails with its stack in errors',
    request: { method: 'POST', url: url('fail'), body: {} },
    expect: { status: 201, body: { status: 'failed', responseStatusCode: 500 } },
    async after(_res, app) {
      const control = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/executions` })
      expect(control.body.executions[0].errors).toMatch(/Error: fixture failure/)
    },
  },
  {
    name: 'a function that returns nothing fails as Open Runtimes says',
    request: { method: 'POST', url: url('fail'), body: { method: 'PUT' } },
    expect: { status: 201, body: { status: 'failed', responseStatusCode: 500 } },
    async after(_res, app) {
      const control = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/executions` })
      expect(control.body.executions[0].errors).toBe('Return statement missing. return context.res.empty() if no response is expected.')
    },
  },
  {
    name: 'the timeout kills the process: failed, Execution timed out',
    request: { method: 'POST', url: url('timeout'), body: {} },
    expect: { status: 201, body: { status: 'failed', responseStatusCode: 500 } },
    async after(res, app) {
      expect(res.body.duration).toBeGreaterThanOrEqual(0.9)
      const control = await app.request({ method: 'GET', url: `/_emulator/projects/${PROJECT}/executions` })
      expect(control.body.executions[0].errors).toMatch(/Execution timed out\./)
    },
  },
])
