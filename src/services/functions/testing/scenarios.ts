// Test support for the functions service (used by its *.test.ts files only).
import { resolve } from 'node:path'
import { afterEach, describe, it } from 'vitest'
import { loadAppwriteJson } from '../../../config/appwrite-json.js'
import { createTestApp, USERS, type TestApp } from '../../../../test/harness/app.js'
import { expectScenario, type Scenario, type ScenarioContext } from '../../../../test/harness/scenarios.js'
import type { AppEvent } from '../../../events/bus.js'

export const FIXTURE_CONFIG = resolve(import.meta.dirname, '../../../../test/fixtures/functions/appwrite.json')
export const executions = (functionId: string) => `/v1/functions/${functionId}/executions`

/** `scenarios()` of the shared harness, against an app built from the functions fixture. */
export function functionScenarios(title: string, rows: Scenario[]): void {
  describe(title, () => {
    let app: TestApp | undefined
    afterEach(async () => {
      await app?.close()
      app = undefined
    })
    for (const row of rows) {
      it(row.name, async () => {
        app = await createTestApp({ template: loadAppwriteJson(FIXTURE_CONFIG) })
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
      }, 20_000)
    }
  })
}
