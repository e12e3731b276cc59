import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { findPython } from '../../src/functions/executor.js'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError, type SdkUser } from '../harness/sdk.js'
import { modelProblems } from '../harness/spec.js'

/**
 * Function executions through the official web SDK `appwrite@14.0.1`, against an emulator started from an
 * appwrite.json whose functions live in test/fixtures/functions (plus one copied to a temp folder so a test
 * can edit it). Every response is held against the client spec.
 */

// BEHAVIORS §17: an async execution answers 202 with the Execution; the spec declares only 201.
const FIXTURES = resolve(import.meta.dirname, '../fixtures/functions')
const work = mkdtempSync(join(tmpdir(), 'appwrite-emulator-functions-e2e-'))
cpSync(join(FIXTURES, 'text'), join(work, 'editable'), { recursive: true })
const config = JSON.parse(readFileSync(join(FIXTURES, 'appwrite.json'), 'utf8'))
for (const fn of config.functions) fn.path = join(FIXTURES, fn.path)
config.functions.push({ $id: 'editable', name: 'Editable', runtime: 'node-18.0', execute: ['any'], path: join(work, 'editable'), entrypoint: 'index.cjs' })
writeFileSync(join(work, 'appwrite.json'), JSON.stringify(config))

const suite = useSdkSuite({ emulator: { config: join(work, 'appwrite.json') }, expectResponses: true })
afterAll(() => rmSync(work, { recursive: true, force: true }))

let count = 0
const project = () => `Functions${++count}E2e`

async function signedIn(name: string, projectId: string): Promise<SdkUser> {
  const user = suite.browser(name, projectId)
  await user.account.create(name, `${name}@example.test`, 'password123', name)
  await user.account.createEmailPasswordSession(`${name}@example.test`, 'password123')
  return user
}

interface ControlExecution { $id: string; functionId: string; trigger: string; status: string; logs: string; errors: string; responseStatusCode: number }
async function controlExecutions(projectId: string): Promise<ControlExecution[]> {
  const res = await fetch(`${suite.emulator.origin}/_emulator/projects/${projectId}/executions`)
  expect(res.status).toBe(200)
  return (await res.json()).executions
}

const functions = (user: SdkUser) => new user.sdk.Functions(user.client)

describe('functions through the web SDK', () => {
  it('a JSON echo sees method, path, query, headers and body', async () => {
    const user = suite.browser('guest', project())
    const execution = await functions(user).createExecution('echo', JSON.stringify({ hello: 'world' }), false, '/things/1?x=1&y=two', user.sdk.ExecutionMethod.PATCH, { 'content-type': 'application/json', 'x-extra': 'ok' })
    expect(modelProblems('execution', execution)).toEqual([])
    expect(execution).toMatchObject({ status: 'completed', responseStatusCode: 200, trigger: 'http', requestMethod: 'PATCH', requestPath: '/things/1?x=1&y=two' })
    const echoed = JSON.parse(execution.responseBody)
    expect(echoed).toMatchObject({ method: 'PATCH', path: '/things/1', query: { x: '1', y: 'two' }, body: { hello: 'world' }, headers: { 'x-extra': 'ok', 'x-appwrite-trigger': 'http' } })
    expect(echoed.cwd).toBe(join(FIXTURES, 'echo'))
  })

  it('a text response, stray output captured into the logs the control API shows', async () => {
    const projectId = project()
    const user = suite.browser('guest', projectId)
    const execution = await functions(user).createExecution('text')
    expect(execution).toMatchObject({ status: 'completed', responseBody: 'Hello from text', logs: '', errors: '' })
    expect(execution.responseHeaders).toContainEqual({ name: 'x-fixture', value: 'text' })
    const [seen] = await controlExecutions(projectId)
    expect(seen!.logs).toContain('Unsupported logs detected')
    expect(seen!.logs).toContain('printed with console.log')
    expect(seen!.logs).toContain('raw stdout')
  })

  it('a redirect and a 500', async () => {
    const user = suite.browser('guest', project())
    const redirect = await functions(user).createExecution('redirect')
    expect(redirect).toMatchObject({ status: 'completed', responseStatusCode: 302, responseBody: '' })
    expect(redirect.responseHeaders).toContainEqual({ name: 'location', value: 'https://example.com/next' })
    const failed = await functions(user).createExecution('fail', '', false, '/', user.sdk.ExecutionMethod.GET)
    expect(failed).toMatchObject({ status: 'failed', responseStatusCode: 500, responseBody: 'broken' })
  })

  it('a timeout fails the execution and the next one runs again', async () => {
    const projectId = project()
    const user = suite.browser('guest', projectId)
    const busy = await functions(user).createExecution('timeout')
    expect(busy).toMatchObject({ status: 'failed', responseStatusCode: 500 })
    const hung = await functions(user).createExecution('timeout', '', false, '/', user.sdk.ExecutionMethod.GET)
    expect(hung.status).toBe('failed')
    expect((await controlExecutions(projectId)).map((e) => e.errors)).toEqual(['Execution timed out.', 'Execution timed out.'])
    expect((await functions(user).createExecution('echo')).status).toBe('completed')
  })

  it('an async execution completes and is listed for its caller', async () => {
    const user = await signedIn('ada', project())
    const waiting = await functions(user).createExecution('echo', 'x', true)
    expect(waiting).toMatchObject({ status: 'waiting', responseBody: '' })
    let done = waiting
    for (let i = 0; i < 100 && (done.status === 'waiting' || done.status === 'processing'); i++) {
      await new Promise((r) => setTimeout(r, 50))
      done = await functions(user).getExecution('echo', waiting.$id)
    }
    expect(done).toMatchObject({ status: 'completed', responseStatusCode: 200, $permissions: [`read("user:${(await user.account.get()).$id}")`] })
    const list = await functions(user).listExecutions('echo')
    expect(list.executions.map((e) => e.$id)).toEqual([waiting.$id])
  })

  it('createDocument fires the event-triggered function', async () => {
    const projectId = project()
    const user = suite.browser('guest', projectId)
    const doc = await new user.sdk.Databases(user.client).createDocument('main', 'notes', 'note1', { title: 'Hi' })
    let seen: ControlExecution[] = []
    for (let i = 0; i < 100; i++) {
      seen = (await controlExecutions(projectId)).filter((e) => e.functionId === 'on-document' && (e.status === 'completed' || e.status === 'failed'))
      if (seen.length) break
      await new Promise((r) => setTimeout(r, 50))
    }
    expect(seen[0]).toMatchObject({ trigger: 'event', status: 'completed' })
    expect(seen[0]!.logs).toBe(`event databases.main.collections.notes.documents.${doc.$id}.create`)
  })

  it("a function calls the emulator back with the caller's JWT through node-appwrite", async () => {
    const user = await signedIn('grace', project())
    const me = await user.account.get()
    const execution = await functions(user).createExecution('callback')
    expect(execution.status, execution.responseBody).toBe('completed')
    expect(JSON.parse(execution.responseBody)).toEqual({ $id: me.$id, email: 'grace@example.test' })
    const guest = suite.browser('guest', project())
    expect(await appwriteError(functions(guest).createExecution('callback'))).toMatchObject({ code: 401, type: 'user_unauthorized' })
  })

  it.skipIf(!findPython())('a Python echo', async () => {
    const projectId = project()
    const user = suite.browser('guest', projectId)
    const execution = await functions(user).createExecution('python-echo', '{"n":1}', false, '/py?a=b', user.sdk.ExecutionMethod.POST, { 'content-type': 'application/json' })
    expect(execution.status, execution.responseBody).toBe('completed')
    expect(JSON.parse(execution.responseBody)).toMatchObject({ method: 'POST', path: '/py', query: { a: 'b' }, body: { n: 1 }, bodyRaw: '{"n":1}', functionId: 'python-echo', runtime: 'Python' })
    const [seen] = await controlExecutions(projectId)
    expect(seen!.logs).toContain('python ran')
    expect(seen!.logs).toContain('printed in python')
  })

  it('a function edited between two executions runs its new code', async () => {
    const user = suite.browser('guest', project())
    expect((await functions(user).createExecution('editable')).responseBody).toBe('Hello from text')
    writeFileSync(join(work, 'editable', 'index.cjs'), "module.exports = async (context) => context.res.send('edited')\n")
    expect((await functions(user).createExecution('editable')).responseBody).toBe('edited')
  })

  it('misbehaving functions never take the emulator down', async () => {
    const projectId = project()
    const user = suite.browser('guest', projectId)
    const run = (path: string) => functions(user).createExecution('misbehave', '', false, path, user.sdk.ExecutionMethod.GET)
    expect((await run('/exit')).status).toBe('failed')
    expect((await run('/crash')).status).toBe('failed')
    expect((await run('/syntax')).status).toBe('failed')
    expect((await run('/huge')).status).toBe('failed')
    const forked = await run('/fork')
    expect(forked.status).toBe('completed')
    expect(JSON.parse(forked.responseBody).refused).toBeGreaterThan(0)
    expect((await run('/ok')).status).toBe('completed')
    const errors = (await controlExecutions(projectId)).map((e) => e.errors)
    expect(errors.some((e) => e.includes('exited with code 3'))).toBe(true)
    expect(errors.some((e) => e.includes('SyntaxError'))).toBe(true)
  }, 60_000)
})
