// Test support for the GraphQL service (used by its *.test.ts files only).
import { afterEach, describe, it } from 'vitest'
import { buildApp, type App } from '../../../app.js'
import type { AppEvent } from '../../../events/bus.js'
import { MemoryBlobStore } from '../../../files/memory-blob-store.js'
import { SqliteStore } from '../../../store/sqlite/sqlite-store.js'
import { expectScenario, type ScenarioExpectation } from '../../../../test/harness/scenarios.js'
import { cookieHeader, FakeClock, PROJECT, USERS, type SeedUser, type TestResponse } from '../../../../test/harness/app.js'
import { multipart, storageTemplate, type Part } from '../../../../test/e2e/storage-support.js'
import { databasesTemplate } from '../../databases/testing/fixture.js'

export { PROJECT, USERS }

/** One HTTP call of a scenario: JSON (`json`), a raw body with its headers (`payload`), or a GET. */
export interface GraphqlCall {
  method?: 'GET' | 'POST' | 'DELETE'
  url?: string
  headers?: Record<string, string>
  json?: unknown
  payload?: Buffer | string
  cookie?: string
}

export interface GraphqlApp extends App {
  clock: FakeClock
  blobs: MemoryBlobStore
  send(call: GraphqlCall): Promise<TestResponse & { raw: Buffer }>
  signIn(user: SeedUser): Promise<string>
  close(): Promise<void>
}

/** `POST /v1/graphql` with `{query, variables}`. */
export const gql = (query: string, variables?: Record<string, unknown>, url = '/v1/graphql'): GraphqlCall => ({ url, json: variables ? { query, variables } : { query } })

/** A GraphQL multipart request (graphql-multipart-request-spec): operations, map, then the file parts. */
export function upload(operations: unknown, map: unknown, files: Part[], url = '/v1/graphql'): GraphqlCall {
  const text = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v))
  const body = multipart([{ name: 'operations', value: text(operations) }, { name: 'map', value: text(map) }, ...files])
  return { url, payload: body.payload, headers: body.headers }
}

/** A fresh app with the databases fixture's collections and the storage buckets, files in memory. */
export async function createGraphqlApp(options: { rateLimits?: boolean } = {}): Promise<GraphqlApp> {
  const blobs = new MemoryBlobStore()
  const store = SqliteStore.open(':memory:')
  const clock = new FakeClock()
  const template = { ...databasesTemplate(), buckets: storageTemplate().buckets }
  const app = await buildApp({ store, template, clock, blobs, rateLimits: options.rateLimits })
  await app.server.ready()
  const send: GraphqlApp['send'] = async (call) => {
    const headers: Record<string, string> = { 'x-appwrite-project': PROJECT, ...(call.headers ?? {}) }
    if (call.cookie) headers.cookie = call.cookie
    let payload = call.payload
    if (call.json !== undefined) {
      payload = JSON.stringify(call.json)
      headers['content-type'] ??= 'application/json'
    }
    const res = await app.server.inject({ method: call.method ?? (payload === undefined ? 'GET' : 'POST'), url: call.url ?? '/v1/graphql', headers, payload })
    let body: unknown = res.body
    if (String(res.headers['content-type'] ?? '').startsWith('application/json')) body = JSON.parse(res.body)
    return { status: res.statusCode, headers: res.headers as TestResponse['headers'], body, text: res.body, raw: res.rawPayload }
  }
  return {
    ...app,
    clock,
    blobs,
    send,
    async signIn(user) {
      await send({ url: '/v1/account', json: { userId: user.id, email: user.email, password: user.password, name: user.name } })
      const session = await send({ url: '/v1/account/sessions/email', json: { email: user.email, password: user.password } })
      if (session.status !== 201) throw new Error(`signing ${user.id} in failed: ${session.text}`)
      return cookieHeader(session.headers['set-cookie'])
    },
    async close() {
      await app.server.close()
      await store.close()
    },
  }
}

export interface GraphqlScenario {
  name: string
  /** Sign in as a seeded user first (`ctx.cookie`); a guest when left out. */
  as?: keyof typeof USERS
  /** Enforce rate limits, which turns on GraphQL's introspection, complexity and depth limits. */
  rateLimits?: boolean
  before?(app: GraphqlApp, ctx: Record<string, any>): Promise<void>
  request: GraphqlCall | ((ctx: Record<string, any>) => GraphqlCall)
  expect: ScenarioExpectation
  events?: Record<string, number>
  after?(res: TestResponse & { raw: Buffer }, app: GraphqlApp, ctx: Record<string, any>): Promise<void>
}

/** The GraphQL flavour of the scenario tables: collections and buckets, JSON, raw and multipart bodies. */
export function graphqlScenarios(title: string, rows: GraphqlScenario[]): void {
  describe(title, () => {
    let app: GraphqlApp | undefined
    afterEach(async () => {
      await app?.close()
      app = undefined
    })
    for (const row of rows) {
      it(row.name, async () => {
        app = await createGraphqlApp({ rateLimits: row.rateLimits })
        const ctx: Record<string, any> = {}
        if (row.as) ctx.cookie = await app.signIn(USERS[row.as])
        await row.before?.(app, ctx)
        const seen: AppEvent[] = []
        const unsubscribe = app.services.bus.subscribe((e) => void seen.push(e))
        const call = typeof row.request === 'function' ? row.request(ctx) : row.request
        const res = await app.send({ cookie: ctx.cookie, ...call })
        unsubscribe()
        expectScenario(res, row.expect, seen, row.events)
        await row.after?.(res, app, ctx)
      })
    }
  })
}
