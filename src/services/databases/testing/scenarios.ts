// Test support for the databases service (used by its *.test.ts files only).
import { expectScenario } from '../../../../test/harness/scenarios.js'
import { afterEach, describe, it } from 'vitest'
import { buildApp, type App } from '../../../app.js'
import type { AppEvent } from '../../../events/bus.js'
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js'
import { databasesTemplate } from './fixture.js'

export const PROJECT = 'test-project'
export const DOCS = '/v1/databases/main/collections'

export interface DbTestApp extends App {
  clock: { now(): number; advance(ms: number): void }
  request(r: DbRequest): Promise<DbResponse>
  /** Creates the user (once) and signs in; returns the Cookie header. */
  signIn(name: string): Promise<string>
  close(): Promise<void>
}

export interface DbRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE'
  url: string
  body?: unknown
  headers?: Record<string, string>
  cookie?: string
  query?: Record<string, string | string[]>
}

export interface DbResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: any
  text: string
}

/** An in-memory emulator with the databases fixture and a frozen clock. */
export async function createDbApp(options: { rateLimits?: boolean } = {}): Promise<DbTestApp> {
  const store = SqliteStore.open(':memory:')
  let ms = Date.parse('2024-05-01T10:20:30.123Z')
  const clock = { now: () => ms, advance: (n: number) => void (ms += n) }
  const app = await buildApp({ store, template: databasesTemplate(), clock, rateLimits: options.rateLimits })
  await app.server.ready()
  const request = async (r: DbRequest): Promise<DbResponse> => {
    const headers: Record<string, string> = { 'x-appwrite-project': PROJECT, ...(r.headers ?? {}) }
    if (r.cookie) headers.cookie = r.cookie
    let payload: string | undefined
    if (r.body !== undefined) {
      payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
      headers['content-type'] ??= 'application/json'
    }
    let url = r.url
    if (r.query) {
      const qs = new URLSearchParams()
      for (const [k, v] of Object.entries(r.query)) for (const x of Array.isArray(v) ? v : [v]) qs.append(Array.isArray(v) ? `${k}[]` : k, x)
      url += `?${qs}`
    }
    const res = await app.server.inject({ method: r.method, url, headers, payload })
    let body: unknown = res.body
    if (res.body && String(res.headers['content-type'] ?? '').startsWith('application/json')) body = JSON.parse(res.body)
    return { status: res.statusCode, headers: res.headers as DbResponse['headers'], body, text: res.body }
  }
  return {
    ...app,
    clock,
    request,
    async signIn(name) {
      const email = `${name}@example.test`
      const password = `${name}-password-1`
      await request({ method: 'POST', url: '/v1/account', body: { userId: name, email, password, name } })
      const session = await request({ method: 'POST', url: '/v1/account/sessions/email', body: { email, password } })
      if (session.status !== 201) throw new Error(`signing ${name} in failed: ${session.text}`)
      const set = session.headers['set-cookie']
      return (Array.isArray(set) ? set : [String(set)]).map((c) => c.split(';')[0]).join('; ')
    },
    close: async () => {
      await app.server.close()
      await store.close()
    },
  }
}

/** A JSON query string, as the SDK's `Query` helpers make them. */
export const query = (method: string, attribute?: string, values?: unknown[]) =>
  JSON.stringify({ method, ...(attribute !== undefined && { attribute }), ...(values !== undefined && { values }) })

export interface DbScenario {
  name: string
  /** Sign in as this user first (created on demand); a guest when left out. */
  as?: string
  before?(app: DbTestApp, ctx: Record<string, any>): Promise<void>
  request: DbRequest | ((ctx: Record<string, any>) => DbRequest)
  expect: { status: number; type?: string; message?: string | RegExp; body?: unknown; absent?: string[]; headers?: Record<string, string | RegExp> }
  events?: Record<string, number>
  after?(res: DbResponse, app: DbTestApp, ctx: Record<string, any>): Promise<void>
}

/** A table of scenarios, each on a fresh app; failures first, then the happy path. */
export function dbScenarios(title: string, rows: DbScenario[]): void {
  describe(title, () => {
    let app: DbTestApp | undefined
    afterEach(async () => {
      await app?.close()
      app = undefined
    })
    for (const row of rows) {
      it(row.name, async () => {
        app = await createDbApp()
        const ctx: Record<string, any> = {}
        if (row.as) ctx.cookie = await app.signIn(row.as)
        await row.before?.(app, ctx)
        const seen: AppEvent[] = []
        const unsubscribe = app.services.bus.subscribe((e) => void seen.push(e))
        const req = typeof row.request === 'function' ? row.request(ctx) : row.request
        const res = await app.request({ cookie: ctx.cookie, ...req })
        unsubscribe()
        expectScenario(res, row.expect, seen, row.events)
        await row.after?.(res, app, ctx)
      })
    }
  })
}
