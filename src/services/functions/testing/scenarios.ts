// Test support for the functions service (used by its *.test.ts files only).
import { resolve } from 'node:path'
import { loadAppwriteJson } from '../../../config/appwrite-json.js'
import { scenarios, type Scenario } from '../../../../test/harness/scenarios.js'

export const FIXTURE_CONFIG = resolve(import.meta.dirname, '../../../../test/fixtures/functions/appwrite.json')
export const executions = (functionId: string) => `/v1/functions/${functionId}/executions`

/** `scenarios()` of the shared harness, against an app built from the functions fixture. */
export function functionScenarios(title: string, rows: Scenario[]): void {
  scenarios(title, rows, { template: () => loadAppwriteJson(FIXTURE_CONFIG), timeout: 20_000 })
}
