import { defineConfig } from 'vitest/config'
import { postgresE2ePass } from './test/harness/pg-e2e.js'

// Two projects: `sqlite`, every test; `postgres`, the SDK end-to-end files again on PostgreSQL and Redis, when
// APPWRITE_EMULATOR_TEST_STORE asks for it (`npm test` does; see test/harness/pg-e2e.ts). Both share the workers.
// The browser flows (console, OAuth2 pages) run once: what they test sits above the store.
const pgEnv = await postgresE2ePass()

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default', './test/harness/summary-reporter.ts'],
    projects: [
      { extends: true, test: { name: 'sqlite', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] } },
      ...(pgEnv ? [{ extends: true as const, test: { name: 'postgres', include: ['test/e2e/**/*.e2e.test.ts'], exclude: ['test/e2e/**/*.browser.e2e.test.ts'], env: pgEnv, globalSetup: ['./test/harness/pg-e2e.ts'] } }] : []),
    ],
  },
})
