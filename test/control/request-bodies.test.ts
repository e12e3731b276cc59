import { describe, expect, it } from 'vitest'
import { scenarios } from '../harness/scenarios.js'
import { PROJECT } from '../harness/app.js'
import { BODY_LIMIT, captureResponse, showRequest, showResponse } from '../../src/control/request-bodies.js'

/** The decision log's bodies (`GET …/requests/{requestId}`): bounded, request passwords redacted, responses as sent. */

const P = `/_emulator/projects/${PROJECT}`
const signUp = { userId: 'u1', email: 'u1@example.test', password: 'password123', name: 'Ann' }
type Entry = { $id: string; operation: string }

scenarios('control API: logged request bodies', [
  {
    name: 'an unknown request ID is a 400 that names it',
    request: { method: 'GET', url: `${P}/requests/999999` },
    expect: { status: 400, type: 'general_argument_invalid', message: /no logged request "999999"/ },
  },
  {
    name: 'a request ID that is not a number is a 400',
    request: { method: 'GET', url: `${P}/requests/abc` },
    expect: { status: 400, type: 'general_argument_invalid' },
  },
  {
    name: 'a project ID no client could name is a 404',
    request: { method: 'GET', url: '/_emulator/projects/_bad/requests/1' },
    expect: { status: 404, type: 'project_not_found' },
  },
  {
    name: 'a sign-up keeps its body with the password redacted, and the user the client got',
    before: async (app) => {
      await app.request({ method: 'POST', url: '/v1/account', body: signUp })
    },
    request: { method: 'GET', url: `${P}/requests?operation=account.create` },
    expect: { status: 200 },
    after: async (res, app) => {
      const id = (res.body.requests as Entry[])[0]!.$id
      const detail = await app.request({ method: 'GET', url: `${P}/requests/${id}` })
      expect(detail.status).toBe(200)
      expect(detail.body).toMatchObject({ operation: 'account.create', status: 201, request: { kind: 'json', truncated: false }, response: { kind: 'json', truncated: false } })
      expect(JSON.parse(detail.body.request.text)).toEqual({ ...signUp, password: '<redacted>' })
      expect(detail.body.request.text).not.toContain('password123')
      expect(JSON.parse(detail.body.response.text)).toMatchObject({ $id: 'u1', email: 'u1@example.test', name: 'Ann' })
    },
  },
  {
    name: 'a refusal keeps the error body the client got',
    before: async (app) => {
      await app.request({ method: 'POST', url: '/v1/account', body: { ...signUp, email: 'not-an-email' } })
    },
    request: { method: 'GET', url: `${P}/requests?status=400` },
    expect: { status: 200 },
    after: async (res, app) => {
      const detail = await app.request({ method: 'GET', url: `${P}/requests/${(res.body.requests as Entry[])[0]!.$id}` })
      expect(JSON.parse(detail.body.response.text)).toMatchObject({ code: 400, type: 'general_argument_invalid' })
      expect(JSON.parse(detail.body.request.text).password).toBe('<redacted>')
    },
  },
  {
    name: 'a read has no request body',
    before: async (app) => {
      await app.request({ method: 'GET', url: '/v1/locale/countries' })
    },
    request: { method: 'GET', url: `${P}/requests?operation=locale.listCountries` },
    expect: { status: 200 },
    after: async (res, app) => {
      const detail = await app.request({ method: 'GET', url: `${P}/requests/${(res.body.requests as Entry[])[0]!.$id}` })
      expect(detail.body.request).toEqual({ kind: 'none', text: '', size: 0, truncated: false })
      expect(JSON.parse(detail.body.response.text)).toMatchObject({ total: expect.any(Number) })
    },
  },
  {
    name: 'large bodies are cut at 16 KB each way',
    as: 'alice',
    request: (ctx) => ({ method: 'PATCH', url: '/v1/account/prefs', cookie: ctx.cookie, body: { prefs: { note: 'n'.repeat(BODY_LIMIT + 500) } } }),
    expect: { status: 200 },
    after: async (_res, app) => {
      const log = await app.request({ method: 'GET', url: `${P}/requests?operation=account.updatePrefs` })
      const detail = await app.request({ method: 'GET', url: `${P}/requests/${(log.body.requests as Entry[])[0]!.$id}` })
      for (const body of [detail.body.request, detail.body.response]) {
        expect([body.kind, body.truncated, body.text.length]).toEqual(['json', true, BODY_LIMIT])
        expect(body.size).toBeGreaterThan(BODY_LIMIT + 500)
      }
    },
  },
])

describe('request-bodies', () => {
  it('redacts password fields at any depth, leaves empty ones and other fields', () => {
    const shown = JSON.parse(showRequest({ password: 'p1', oldPassword: 'p0', nested: { password: 's' }, passwordAgain: 'x', empty: '', list: [{ password: 'q' }] }, 'PATCH').text)
    expect(shown).toEqual({ password: '<redacted>', oldPassword: '<redacted>', nested: { password: '<redacted>' }, passwordAgain: 'x', empty: '', list: [{ password: '<redacted>' }] })
  })

  it('notes files and bytes instead of keeping them', () => {
    const file = { filename: 'a.png', mimetype: 'image/png', size: 2048, dispose: async () => {} }
    expect(JSON.parse(showRequest({ fileId: 'f', file, blob: Buffer.alloc(10) }, 'POST').text)).toEqual({ fileId: 'f', file: '<file a.png, image/png, 2048 bytes>', blob: '<binary, 10 bytes>' })
    expect(showResponse(captureResponse({ status: 200, raw: { contentType: 'image/png', data: Buffer.alloc(5000) } }, null))).toEqual({ kind: 'binary', text: '<binary, 5000 bytes, image/png>', size: 5000, truncated: false })
  })

  it('keeps at most 16 KB of a text download, copied, and nothing of a 204', () => {
    const data = Buffer.from('x'.repeat(BODY_LIMIT * 3))
    const captured = captureResponse({ status: 200, raw: { contentType: 'text/plain', data } }, null)
    const shown = showResponse(captured)
    expect([shown.kind, shown.text.length, shown.size, shown.truncated]).toEqual(['text', BODY_LIMIT, BODY_LIMIT * 3, true])
    expect(showResponse(captureResponse({ status: 204 }, null)).kind).toBe('none')
  })

  it('serialises a JSON body only when read (a reference is kept)', () => {
    const body = { n: 1 }
    const captured = captureResponse({ status: 200, body }, null)
    body.n = 2
    expect(showResponse(captured).text).toBe('{"n":2}')
  })
})
