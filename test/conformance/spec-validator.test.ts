import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { RecordedResponse } from '../harness/sdk.js'
import { describeWithShared, repoRoot, sharedAvailable, sharedDir } from '../harness/shared.js'
import { assertResponsesMatchSpec, clientSpec, responseProblems } from '../harness/spec.js'

/** The checker the e2e tests rely on must itself fail on bad bodies; otherwise the e2e validation proves nothing. */

const at = '2024-05-01T10:20:30.123+00:00'
const session = {
  $id: 's1', $createdAt: at, $updatedAt: at, userId: 'u1', expire: at, provider: 'email', providerUid: 'a@b.test',
  providerAccessToken: '', providerAccessTokenExpiry: '', providerRefreshToken: '', ip: '127.0.0.1', osCode: 'WIN',
  osName: 'Windows', osVersion: '10', clientType: 'browser', clientCode: 'CH', clientName: 'Chrome', clientVersion: '70.0',
  clientEngine: 'Blink', clientEngineVersion: '70.0', deviceName: 'desktop', deviceBrand: '', deviceModel: '',
  countryCode: '--', countryName: 'Unknown', current: true, factors: ['password'], secret: '', mfaUpdatedAt: '',
}
const error = { message: 'nope', code: 401, type: 'user_invalid_credentials', version: '1.5.11' }

function rec(method: string, path: string, status: number, body?: unknown): RecordedResponse {
  const text = body === undefined ? '' : JSON.stringify(body)
  return { user: 'test', method, url: `http://127.0.0.1${path}`, path, status, contentType: body === undefined ? '' : 'application/json; charset=UTF-8', text, body }
}

describeWithShared('spec checker', () => {
  it('finds operations by method and template, literal segments first', () => {
    const spec = clientSpec()
    expect(spec.find('POST', '/v1/account/sessions/email')?.operation.operationId).toBe('accountCreateEmailPasswordSession')
    expect(spec.find('GET', '/v1/account/sessions/current')?.operation.operationId).toBe('accountGetSession')
    expect(spec.find('DELETE', '/v1/account/sessions')?.operation.operationId).toBe('accountDeleteSessions')
    expect(spec.find('GET', '/v1/account/nothing')).toBeUndefined()
    expect(spec.find('GET', '/account')).toBeUndefined()
  })

  it('accepts a conforming body', () => {
    expect(responseProblems(rec('POST', '/v1/account/sessions/email', 201, session))).toEqual([])
    expect(responseProblems(rec('GET', '/v1/account/sessions/current', 200, session))).toEqual([])
    expect(responseProblems(rec('POST', '/v1/account/sessions/email', 401, error))).toEqual([])
    expect(responseProblems(rec('DELETE', '/v1/account/sessions/current', 204))).toEqual([])
  })

  it.each([
    ['a missing field', { ...session, factors: undefined }, /missing key "factors"/],
    ['an unknown field (a leaked secret)', { ...session, hash: 'x' }, /unexpected key "hash"/],
    ['a wrong type', { ...session, current: 'yes' }, /current: must be boolean/],
    ['a date without milliseconds', { ...session, expire: '2024-05-01T10:20:30+00:00' }, /expire: must match pattern/],
    ['a date in Z form', { ...session, $createdAt: '2024-05-01T10:20:30.123Z' }, /\$createdAt: must match pattern/],
    ['an empty date where none may be empty', { ...session, expire: '' }, /expire: must match pattern/],
  ])('rejects %s', (_, body, problem) => {
    const problems = responseProblems(rec('POST', '/v1/account/sessions/email', 201, JSON.parse(JSON.stringify(body))))
    expect(problems.join('\n')).toMatch(problem)
  })

  it('holds errors to the error model, with an integer code and version 1.5.11', () => {
    expect(responseProblems(rec('GET', '/v1/account', 401, { ...error, code: '401' })).join()).toMatch(/code: must be integer/)
    expect(responseProblems(rec('GET', '/v1/account', 401, { ...error, version: '1.5.8' })).join()).toMatch(/version/)
    expect(responseProblems(rec('GET', '/v1/nowhere', 404, { message: 'x' })).join()).toMatch(/missing key "code"/)
    expect(responseProblems({ ...rec('GET', '/v1/account', 500), text: 'boom', contentType: 'text/html' }).join()).toMatch(/without a JSON body/)
  })

  it('rejects statuses and bodies the spec does not declare', () => {
    expect(responseProblems(rec('POST', '/v1/account/sessions/email', 200, session)).join()).toMatch(/answered 200; the spec declares 201/)
    expect(responseProblems(rec('DELETE', '/v1/account/sessions/current', 204, session)).join()).toMatch(/empty body/)
    expect(responseProblems(rec('GET', '/v1/account/whatever', 200, {})).join()).toMatch(/no operation/)
    expect(responseProblems({ ...rec('GET', '/v1/account', 200), text: '{', contentType: 'application/json', body: undefined, parseError: 'bad' }).join()).toMatch(/not JSON/)
  })

  it('applies the documented status corrections (BEHAVIORS §11)', () => {
    const challenge = { $id: 'c1', $createdAt: at, userId: 'u1', expire: at }
    expect(responseProblems(rec('POST', '/v1/account/mfa/challenge', 200, challenge))).toEqual([])
    expect(responseProblems(rec('PUT', '/v1/account/mfa/challenge', 200, session))).toEqual([])
    expect(responseProblems(rec('PUT', '/v1/account/mfa/challenge', 200, challenge)).join()).toMatch(/missing key/)
  })

  it('reports every mismatch in one readable error', () => {
    expect(() =>
      assertResponsesMatchSpec([rec('POST', '/v1/account/sessions/email', 201, session), rec('GET', '/v1/account', 401, { ...error, code: '401' })]),
    ).toThrow(/1 of 2 responses do not match the client spec:\n {2}test: GET \/v1\/account → 401\n {4}error\/code: must be integer/)
  })
})

describe('the ../shared policy', () => {
  const nowhere = '/nonexistent/shared-for-this-test'
  it('skips (false, with a printed reason) outside CI', () => {
    expect(sharedAvailable('a test', nowhere, false)).toBe(false)
  })
  it('fails in CI', () => {
    expect(() => sharedAvailable('a test', nowhere, true)).toThrow(/a test needs \/nonexistent\/shared-for-this-test, which is missing; CI=true/)
  })
  it('resolves ../shared beside the repository', () => {
    expect(sharedDir).toBe(process.env.APPWRITE_SPEC_DIR ? sharedDir : resolve(repoRoot, '..', 'shared'))
    expect(existsSync(resolve(repoRoot, 'package.json'))).toBe(true)
  })
})
