import { buildApp, type App } from '../../src/app.js'
import { emptyTemplate, type ProjectTemplate } from '../../src/config/appwrite-json.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import type { Clock } from '../../src/domain/dates.js'

/** A clock tests can freeze and move. */
export class FakeClock implements Clock {
  constructor(private ms = Date.parse('2024-05-01T10:20:30.123Z')) {}
  now() {
    return this.ms
  }
  advance(ms: number) {
    this.ms += ms
  }
}

export const PROJECT = 'test-project'

export interface TestApp extends App {
  clock: FakeClock
  /** Sends a request in process (no port) with `X-Appwrite-Project` set unless `project: null`. */
  request(options: TestRequest): Promise<TestResponse>
  /** Signs a seeded user in and returns the Cookie header for them. */
  signIn(user: SeedUser): Promise<string>
  close(): Promise<void>
}

export interface TestRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS' | 'HEAD'
  url: string
  headers?: Record<string, string>
  body?: unknown
  /** The project header; null sends none. */
  project?: string | null
  cookie?: string
}

export interface TestResponse {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: any
  text: string
}

export interface SeedUser {
  id: string
  email: string
  password: string
  name: string
}

export const USERS = {
  alice: { id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' },
  bob: { id: 'bob', email: 'bob@example.test', password: 'bob-password-1', name: 'Bob' },
} satisfies Record<string, SeedUser>

/** The web apps the test project has registered as platforms (redirect URLs and origins of the scenarios). */
export const APP_HOSTS = ['app.example.test', 'app.example.com'] as const

/** The harness's default template: no schema, and the test apps registered as web platforms. */
export function testTemplate(): ProjectTemplate {
  return { ...emptyTemplate(), platforms: APP_HOSTS.map((hostname) => ({ type: 'web' as const, hostname })) }
}

/** A fresh in-memory emulator with a frozen clock. */
export async function createTestApp(options: { template?: ProjectTemplate; rateLimits?: boolean } = {}): Promise<TestApp> {
  const store = SqliteStore.open(':memory:')
  const clock = new FakeClock()
  const app = await buildApp({ store, template: options.template ?? testTemplate(), clock, rateLimits: options.rateLimits })
  await app.server.ready()
  const request = async (r: TestRequest): Promise<TestResponse> => {
    const headers: Record<string, string> = { ...(r.headers ?? {}) }
    const project = r.project === undefined ? PROJECT : r.project
    if (project !== null) headers['x-appwrite-project'] = project
    if (r.cookie) headers.cookie = r.cookie
    let payload: string | undefined
    if (r.body !== undefined) {
      payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body)
      headers['content-type'] ??= 'application/json'
    }
    const res = await app.server.inject({ method: r.method, url: r.url, headers, payload })
    let body: unknown = res.body
    if (res.body && String(res.headers['content-type'] ?? '').startsWith('application/json')) body = JSON.parse(res.body)
    return { status: res.statusCode, headers: res.headers as TestResponse["headers"], body, text: res.body }
  }
  return {
    ...app,
    clock,
    request,
    async signIn(user) {
      const created = await request({ method: 'POST', url: '/v1/account', body: { userId: user.id, email: user.email, password: user.password, name: user.name } })
      if (created.status !== 201 && created.status !== 409) throw new Error(`seeding ${user.id} failed: ${created.text}`)
      const session = await request({ method: 'POST', url: '/v1/account/sessions/email', body: { email: user.email, password: user.password } })
      if (session.status !== 201) throw new Error(`signing ${user.id} in failed: ${session.text}`)
      return cookieHeader(session.headers['set-cookie'])
    },
    close: async () => {
      await app.server.close()
      await store.close()
    },
  }
}

/** Turns Set-Cookie headers into a Cookie header, dropping expired ones. */
export function cookieHeader(setCookie: string | string[] | undefined): string {
  const list = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  return list
    .map((c) => c.split(';')[0])
    .filter((pair) => !pair.endsWith('=deleted'))
    .join('; ')
}
