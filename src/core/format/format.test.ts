import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestApp, USERS, type TestApp } from '../../../test/harness/app.js'
import { routeTable } from '../../services/routes.js'
import { compareVersions, filterRequestV17, filterResponseV17, formatWarning, sdkGreeting, speaks14, V17_MODELS } from './index.js'
import { parseOldQuery } from './request-v17.js'

const WARNING_16 =
  'The current SDK is built for Appwrite 1.6.0. However, the current Appwrite server version is 1.5.11. Please downgrade your SDK to match the Appwrite version: https://appwrite.io/docs/sdks'

describe('version_compare and the response format', () => {
  it.each([
    ['1.4.0', '1.5.0', -1], ['1.5', '1.5.0', -1], ['1.5.0', '1.5.0', 0], ['1.5.12', '1.5.11', 1], ['1.10.0', '1.9.0', 1],
    ['1.5.0-rc1', '1.5.0', -1], ['1.5.0-rc1', '1.5.0-beta', 1], ['2', '1.9.9', 1],
  ])('%s vs %s → %i', (a, b, expected) => {
    expect(compareVersions(a, b)).toBe(expected)
  })
  it('speaks 1.4 below 1.5.0 only, and never without a header', () => {
    expect([speaks14('1.4.0'), speaks14('1.4.9'), speaks14('1.3.0'), speaks14('1.5.0'), speaks14('1.6.0'), speaks14('')]).toEqual([true, true, true, false, false, false])
  })
  it('warns above 1.5.11 with Appwrite text', () => {
    expect(formatWarning('1.6.0')).toBe(WARNING_16)
    expect([formatWarning('1.5.11'), formatWarning('1.5.0'), formatWarning('1.4.0'), formatWarning('')]).toEqual([null, null, null, null])
  })
})

describe('request filter V17 (1.4 query strings → 1.5 JSON)', () => {
  const convert = (queries: unknown) => filterRequestV17('databases.listDocuments', { queries }).queries as string[]
  it.each([
    ['equal("status", ["active"])', { method: 'equal', attribute: 'status', values: ['active'] }],
    ['equal("n", [1,2.5,true,null])', { method: 'equal', attribute: 'n', values: [1, 2.5, true, null] }],
    ["notEqual('a', 'x, y')", { method: 'notEqual', attribute: 'a', values: ['x, y'] }],
    ['equal("a", ["say \\"hi\\"", "b\\,c"])', { method: 'equal', attribute: 'a', values: ['say "hi"', 'b,c'] }],
    ['isNull("deleted")', { method: 'isNull', attribute: 'deleted' }],
    ['orderDesc("x")', { method: 'orderDesc', attribute: 'x' }],
    ['orderAsc("")', { method: 'orderAsc' }],
    ['limit(25)', { method: 'limit', values: [25] }],
    ['offset(0)', { method: 'offset', values: [0] }],
    ['cursorAfter("doc1")', { method: 'cursorAfter', values: ['doc1'] }],
    ['select(["a","b"])', { method: 'select', values: ['a', 'b'] }],
    ['between("n", [1,5])', { method: 'between', attribute: 'n', values: [[1, 5], null] }],
    ['nope("x")', { method: 'nope' }],
  ])('%s', (old, expected) => {
    expect(convert([old]).map((q: string) => JSON.parse(q))).toEqual([expected])
  })
  it('refuses what it cannot parse with a 400 general_query_invalid (Appwrite: a plain exception, so a 500)', () => {
    for (const bad of ['limit', 'Query.limit(5)', '{"method":"limit","values":[1]}', 'equal(["a"], ["b"])', 5]) {
      expect(() => convert([bad]), String(bad)).toThrow(expect.objectContaining({ type: 'general_query_invalid', code: 400 }))
    }
  })
  it('turns anything but a list into no queries, and leaves other operations and params alone', () => {
    expect(convert('limit(1)')).toEqual([])
    expect(filterRequestV17('account.get', { queries: ['limit(1)'] })).toEqual({ queries: ['limit(1)'] })
    expect(filterRequestV17('databases.listDocuments', { databaseId: 'db' })).toEqual({ databaseId: 'db' })
    expect(filterRequestV17('account.updateRecovery', { userId: 'u', password: 'p', passwordAgain: 'p' })).toEqual({ userId: 'u', password: 'p' })
  })
  it('parses character by character as Appwrite does', () => {
    expect(parseOldQuery('equal( "a" , [ "b c" , 1 ] )')).toEqual({ method: 'equal', attribute: 'a', values: ['b c', 1] })
  })
})

describe('response filter V17 (1.5 models → 1.4 shape)', () => {
  it('names operations the emulator has', () => {
    const operations = new Set(routeTable.map((r) => r.operation))
    expect(Object.keys(V17_MODELS).filter((op) => !operations.has(op))).toEqual([])
  })
  it('drops session factors/secret, token phrase, membership mfa, in lists too; Account keeps targets/mfa', () => {
    const r = (operation: string, body: unknown) => filterResponseV17(operation, { status: 200, body }).body
    expect(r('account.getSession', { $id: 's', factors: ['email'], secret: '' })).toEqual({ $id: 's' })
    expect(r('account.listSessions', { total: 1, sessions: [{ $id: 's', factors: [], secret: '' }] })).toEqual({ total: 1, sessions: [{ $id: 's' }] })
    expect(r('account.createEmailToken', { $id: 't', phrase: 'x' })).toEqual({ $id: 't' })
    expect(r('teams.listMemberships', { total: 1, memberships: [{ $id: 'm', mfa: false }] })).toEqual({ total: 1, memberships: [{ $id: 'm' }] })
    // account.* answers with model `account`, which V17 (matching `user`) leaves alone in 1.5.11.
    expect(r('account.get', { $id: 'u', targets: [], mfa: false })).toEqual({ $id: 'u', targets: [], mfa: false })
  })
})

describe('SDK greeting', () => {
  it('logs each SDK name and version once, warning for newer ones', () => {
    const seen = new Set<string>()
    const h = (version: string, format: string) => ({ 'x-sdk-name': 'Web', 'x-sdk-version': version, 'x-sdk-platform': 'client', 'x-appwrite-response-format': format })
    expect(sdkGreeting(h('15.0.0', '1.6.0'), seen)).toMatchObject({ level: 'warn', message: expect.stringContaining('SDK Web 15.0.0 connected') })
    expect(sdkGreeting(h('15.0.0', '1.6.0'), seen)).toBeNull()
    expect(sdkGreeting(h('13.0.0', '1.4.0'), seen)).toMatchObject({ level: 'info', message: expect.stringContaining('1.4 format') })
    expect(sdkGreeting({}, seen)).toBeNull()
  })
})

describe('REST with X-Appwrite-Response-Format', () => {
  let app: TestApp
  let cookie: string
  beforeAll(async () => {
    app = await createTestApp()
    cookie = await app.signIn(USERS.alice)
  })
  afterAll(() => app.close())

  it('1.4.0: sessions lose factors/secret, the account keeps targets/mfa, old queries work', async () => {
    const headers = { 'x-appwrite-response-format': '1.4.0' }
    const sessions = await app.request({ method: 'GET', url: '/v1/account/sessions', cookie, headers })
    expect(sessions.status).toBe(200)
    expect(sessions.body.sessions[0]).not.toHaveProperty('factors')
    expect(sessions.body.sessions[0]).not.toHaveProperty('secret')
    const account = await app.request({ method: 'GET', url: '/v1/account', cookie, headers })
    expect(account.body).toHaveProperty('targets')
    expect(account.body).toHaveProperty('mfa')
    const logs = await app.request({ method: 'GET', url: '/v1/account/logs?queries[]=limit(1)', cookie, headers })
    expect(logs.status).toBe(200)
    expect(logs.headers['x-appwrite-warning']).toBeUndefined()
  })
  it('1.5.0 and no header: 1.5 models, and old queries are refused', async () => {
    const sessions = await app.request({ method: 'GET', url: '/v1/account/sessions', cookie, headers: { 'x-appwrite-response-format': '1.5.0' } })
    expect(sessions.body.sessions[0]).toHaveProperty('factors')
    const logs = await app.request({ method: 'GET', url: '/v1/account/logs?queries[]=limit(1)', cookie })
    expect(logs.status).toBe(400)
  })
  it('1.6.0: X-Appwrite-Warning on answers and errors', async () => {
    const headers = { 'x-appwrite-response-format': '1.6.0' }
    expect((await app.request({ method: 'GET', url: '/v1/account', cookie, headers })).headers['x-appwrite-warning']).toBe(WARNING_16)
    const refused = await app.request({ method: 'GET', url: '/v1/account', headers })
    expect(refused.status).toBe(401)
    expect(refused.headers['x-appwrite-warning']).toBe(WARNING_16)
  })
})
