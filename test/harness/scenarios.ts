import { afterEach, describe, expect, it } from 'vitest'
import type { ProjectTemplate } from '../../src/config/appwrite-json.js'
import type { AppEvent } from '../../src/events/bus.js'
import { createTestApp, USERS, type TestApp, type TestRequest, type TestResponse } from './app.js'

export interface Scenario {
  name: string
  /** Sign in as a seeded user first; a guest when left out. */
  as?: keyof typeof USERS
  before?(app: TestApp, ctx: ScenarioContext): Promise<void>
  request: TestRequest | ((ctx: ScenarioContext) => TestRequest)
  expect: {
    status: number
    /** The error type, for failures. */
    type?: string
    message?: string | RegExp
    /** A partial match of the JSON body. */
    body?: Record<string, unknown> | unknown[]
    /** Keys that must never appear in the body. */
    absent?: string[]
    headers?: Record<string, string | RegExp | undefined>
  }
  /** Counts of events by pattern with `*` wildcards, e.g. `{ 'users.*.sessions.*.create': 1 }`. */
  events?: Record<string, number>
  after?(res: TestResponse, app: TestApp, ctx: ScenarioContext): Promise<void>
}

export interface ScenarioContext {
  cookie?: string
  [key: string]: unknown
}

/** Whether an event name matches a pattern with `*` for one segment. */
export const matchesPattern = (pattern: string, name: string) =>
  new RegExp(`^${pattern.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^.]+')}$`).test(name)

/** What any scenario runner checks of a response: the `expect` of a row and the events it published. */
export interface ScenarioExpectation {
  status: number
  type?: string
  message?: string | RegExp
  body?: unknown
  absent?: string[]
  headers?: Record<string, string | RegExp | undefined>
}

/**
 * Holds a response against a row's expectations; shared by the scenario runners of the services that need
 * an app of their own (databases, storage) so every table checks the same things the same way.
 */
export function expectScenario(
  res: { status: number; text: string; body: any; headers: Record<string, string | string[] | undefined> },
  e: ScenarioExpectation,
  seen: AppEvent[],
  events: Record<string, number> = {},
): void {
  expect(res.status, res.text.slice(0, 500)).toBe(e.status)
  if (e.type) expect(res.body.type).toBe(e.type)
  if (e.message !== undefined) expect(res.body.message).toMatch(e.message)
  if (e.type) expect(res.body.version).toBe('1.5.11')
  if (e.body) expect(res.body).toMatchObject(e.body as object)
  for (const key of e.absent ?? []) expect(res.body).not.toHaveProperty([key])
  for (const [name, want] of Object.entries(e.headers ?? {})) {
    const got = res.headers[name.toLowerCase()]
    if (want === undefined) expect(got).toBeUndefined()
    else if (want instanceof RegExp) expect(String(got)).toMatch(want)
    else expect(got).toBe(want)
  }
  for (const [pattern, count] of Object.entries(events)) {
    expect(seen.filter((ev) => matchesPattern(pattern, ev.name)).length, `events ${pattern}`).toBe(count)
  }
}

/** How a table's app is built: from a template of its own (topics, functions…), and a longer per-row timeout. */
export interface ScenarioOptions {
  template?: () => ProjectTemplate
  timeout?: number
}

/** Runs a table of scenarios against fresh in-process apps; failures first, then the happy path. */

export function scenarios(title: string, rows: Scenario[], options: ScenarioOptions = {}): void {
  describe(title, () => {
    let app: TestApp | undefined
    afterEach(async () => {
      await app?.close()
      app = undefined
    })
    for (const row of rows) {
      it(row.name, async () => {
        app = await createTestApp({ template: options.template?.() })
        const ctx: ScenarioContext = {}
        if (row.as) ctx.cookie = await app.signIn(USERS[row.as])
        await row.before?.(app, ctx)
        const seen: AppEvent[] = []
        const unsubscribe = app.services.bus.subscribe((e) => void seen.push(e))
        const req = typeof row.request === 'function' ? row.request(ctx) : row.request
        const res = await app.request({ cookie: ctx.cookie, ...req })
        unsubscribe()
        expectScenario(res, row.expect, seen, row.events)
        await row.after?.(res, app, ctx)
      }, options.timeout)
    }
  })
}
