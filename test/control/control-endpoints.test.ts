import { expect } from 'vitest'
import { scenarios } from '../harness/scenarios.js'
import { PROJECT } from '../harness/app.js'

/**
 * Every test-feature endpoint of the control API (issue 17), in process: bad bodies and paths first (each a
 * `400 general_argument_invalid` or `404 project_not_found` JSON error that changes nothing), then the happy paths.
 */

const P = `/_emulator/projects/${PROJECT}`
const invalid = (name: string, request: Parameters<typeof scenarios>[1][number]['request'], message?: RegExp) => ({
  name, request, expect: { status: 400, type: 'general_argument_invalid', ...(message && { message }) },
})

scenarios('control API: test features', [
  invalid('clock: an unknown key', { method: 'POST', url: '/_emulator/clock', project: null, body: { advanse: '1h' } }, /Unknown key "advanse"/),
  invalid('clock: advance that is not a duration', { method: 'POST', url: '/_emulator/clock', project: null, body: { advance: '1 hour' } }, /Invalid "advance"/),
  invalid('clock: set that is not a date', { method: 'POST', url: '/_emulator/clock', project: null, body: { set: 42 } }, /Invalid "set"/),
  invalid('clock: two actions at once', { method: 'POST', url: '/_emulator/clock', project: null, body: { advance: 1, reset: true } }, /one of "advance", "set" or "reset"/),
  invalid('clock: a body that is not JSON', { method: 'POST', url: '/_emulator/clock', project: null, body: '{nope', headers: { 'content-type': 'application/json' } }),
  invalid('clock: an array body', { method: 'POST', url: '/_emulator/clock', project: null, body: [1] }, /must be a JSON object|Unknown key "0"/),
  invalid('faults: an unknown operation', { method: 'POST', url: `${P}/faults`, body: { operation: 'account.nope', error: 'general_server_error' } }, /not an operation of the route table/),
  invalid('faults: an unknown error type', { method: 'POST', url: `${P}/faults`, body: { operation: '*', error: 'oops' } }, /not an Appwrite 1.5 error type/),
  invalid('faults: neither error nor delay', { method: 'POST', url: `${P}/faults`, body: { operation: '*', times: 1 } }, /needs an "error", a "delayMs", or both/),
  invalid('faults: a rule in a list names its index', { method: 'POST', url: `${P}/faults`, body: { rules: [{ operation: '*', delayMs: 1 }, { operation: '*', delayMs: 'x' }] } }, /rules\[1\]/),
  invalid('faults: a seed out of range', { method: 'POST', url: `${P}/faults`, body: { seed: -1, rules: [{ operation: '*', delayMs: 1 }] } }, /Invalid "seed"/),
  invalid('requests: an unknown filter', { method: 'GET', url: `${P}/requests?users=bob` }, /Unknown key "users"/),
  invalid('requests: a limit out of range', { method: 'GET', url: `${P}/requests?limit=0` }, /Invalid "limit"/),
  invalid('coverage: an unknown filter', { method: 'GET', url: '/_emulator/coverage?project=x', project: null }, /Unknown key "project"/),
  invalid('snapshots: a body with keys', { method: 'POST', url: `${P}/snapshots`, body: { name: 'x' } }, /Unknown key "name"/),
  invalid('restore: an unknown snapshot', { method: 'POST', url: `${P}/snapshots/abc/restore` }, /has no snapshot "abc"/),
  invalid('fork: no projectId', { method: 'POST', url: `${P}/fork`, body: {} }, /Missing "projectId"/),
  invalid('fork: into itself', { method: 'POST', url: `${P}/fork`, body: { projectId: PROJECT } }, /other than the project it copies/),
  invalid('import: no body', { method: 'POST', url: `${P}/import` }, /Send the archive/),
  invalid('import: not a tar', { method: 'POST', url: `${P}/import`, body: 'hello', headers: { 'content-type': 'application/x-tar' } }, /not a project archive/),
  ...['faults', 'requests', 'snapshots', 'export'].map((path) => ({
    name: `${path}: a project ID no client could name`,
    request: { method: 'GET' as const, url: `/_emulator/projects/_bad/${path}` },
    expect: { status: 404, type: 'project_not_found' },
  })),
  {
    name: 'faults: refused from another address',
    request: { method: 'GET', url: `${P}/faults`, headers: { 'x-forwarded-for': '10.0.0.1' } },
    expect: { status: 401, type: 'general_access_forbidden' },
  },
  {
    name: 'clock: frozen, then moved by 90 minutes',
    before: async (app) => {
      await app.request({ method: 'POST', url: '/_emulator/clock', project: null, body: { freeze: true } })
    },
    request: { method: 'POST', url: '/_emulator/clock', project: null, body: { advance: '90m' } },
    expect: { status: 200, body: { frozen: true, now: '2024-05-01T11:50:30.123+00:00', offsetMs: 5_400_000 } },
    after: async (_res, app) => {
      const account = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'password123' } })
      expect(account.body.$createdAt).toBe('2024-05-01T11:50:30.123+00:00')
    },
  },
  {
    name: 'faults: a rule is listed with its counters',
    request: { method: 'POST', url: `${P}/faults`, body: { operation: 'account.create', error: 'user_already_exists', times: 1 } },
    expect: { status: 201, body: { total: 1, seed: null, rules: [{ operation: 'account.create', error: 'user_already_exists', times: 1, hits: 0, misses: 0, probability: 1, delayMs: 0 }] } },
    after: async (_res, app) => {
      const first = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'password123' } })
      expect([first.status, first.body.type]).toEqual([409, 'user_already_exists'])
      const second = await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'password123' } })
      expect(second.status).toBe(201)
      const log = await app.request({ method: 'GET', url: `${P}/requests?operation=account.create` })
      expect(log.body.requests.map((r: { status: number; decision: { check: string } | null }) => [r.status, r.decision?.check ?? null])).toEqual([[201, null], [409, 'fault']])
    },
  },
  {
    name: 'requests: a param refusal names the param check',
    before: async (app) => {
      await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'not-an-email', password: 'password123' } })
    },
    request: { method: 'GET', url: `${P}/requests?status=400` },
    expect: { status: 200, body: { total: 1, requests: [{ operation: 'account.create', decision: { check: 'param', type: 'general_argument_invalid' } }] } },
  },
  {
    name: 'coverage: reset, then one call counted',
    before: async (app) => {
      await app.request({ method: 'DELETE', url: '/_emulator/coverage', project: null })
      await app.request({ method: 'GET', url: '/v1/locale' })
    },
    request: { method: 'GET', url: `/_emulator/coverage?projectId=${PROJECT}`, project: null },
    expect: { status: 200, body: { projectId: PROJECT, operations: { total: 95, covered: 1, exercised: [{ operation: 'locale.get', calls: 1 }] } } },
  },
  {
    name: 'snapshots: one taken is listed',
    before: async (app) => {
      await app.request({ method: 'POST', url: `${P}/snapshots` })
    },
    request: { method: 'GET', url: `${P}/snapshots` },
    expect: { status: 200, body: { total: 1, snapshots: [{ projectId: PROJECT }] } },
  },
  {
    name: 'restore: a failure part-way leaves the project as it was',
    before: async (app, ctx) => {
      const signUp = (id: string) => app.request({ method: 'POST', url: '/v1/account', body: { userId: id, email: `${id}@example.test`, password: 'password123' } })
      await signUp('u1')
      ctx.snapshot = (await app.request({ method: 'POST', url: `${P}/snapshots` })).body.$id
      await signUp('u2')
      const copy = app.store.copyProject.bind(app.store)
      app.store.copyProject = async (...args) => {
        await copy(...args)
        throw new Error('disk full')
      }
    },
    request: (ctx) => ({ method: 'POST', url: `${P}/snapshots/${ctx.snapshot}/restore` }),
    expect: { status: 500, type: 'general_unknown' },
    after: async (_res, app) => {
      const ids = (await app.store.users.list(PROJECT)).map((u) => u.id)
      expect(ids).toEqual(['u1', 'u2'])
    },
  },
  {
    name: 'snapshots: a deleted snapshot leaves no rows behind',
    before: async (app, ctx) => {
      await app.request({ method: 'POST', url: '/v1/account', body: { userId: 'u1', email: 'u1@example.test', password: 'password123' } })
      ctx.snapshot = (await app.request({ method: 'POST', url: `${P}/snapshots` })).body.$id
      expect((await app.store.dumpProject(`~snapshot~${ctx.snapshot}`)).tables.length).toBeGreaterThan(0)
    },
    request: (ctx) => ({ method: 'DELETE', url: `${P}/snapshots/${ctx.snapshot}` }),
    expect: { status: 204 },
    after: async (_res, app, ctx) => {
      expect((await app.store.dumpProject(`~snapshot~${ctx.snapshot}`)).tables).toEqual([])
      expect((await app.request({ method: 'GET', url: `${P}/snapshots` })).body.total).toBe(0)
      expect((await app.request({ method: 'POST', url: `${P}/snapshots/${ctx.snapshot}/restore` })).status).toBe(400)
    },
  },
])
