import type { TestProject } from 'vitest/node'
import { namedDatabase, PG_ADMIN_URL, probePostgres, probeRedis, REDIS_URL } from './pg-servers.js'

// The SDK end-to-end suite's second pass, on PostgreSQL and the Redis bus (issue 18): the same test/e2e files,
// with every emulator they start taking `APPWRITE_EMULATOR_STORE` and `_BUS` from the environment.
//
// APPWRITE_EMULATOR_TEST_STORE turns it on (`npm test` sets `auto` unless given):
//   unset                  no second pass (`npx vitest run <file>` stays on SQLite alone)
//   auto                   a fresh `appwrite_emulator_test_<random>` database on 127.0.0.1, dropped after the run;
//                          when PostgreSQL or Redis does not answer, skipped with the reason (with CI=true, fails)
//   postgres://…/<db>      that database, made by the caller (.ci/run makes one per run and drops it); it must answer

export const TEST_STORE_ENV = 'APPWRITE_EMULATOR_TEST_STORE'
/** Set in the pass's environment when the pass made the database itself, so its global teardown drops it. */
const OWNED_ENV = 'APPWRITE_EMULATOR_TEST_STORE_OWNED'

/** The pass's worker environment, or null for no pass; throws when the pass was asked for and cannot run in CI. */
export async function postgresE2ePass(env: Record<string, string | undefined> = process.env): Promise<Record<string, string> | null> {
  const given = env[TEST_STORE_ENV]
  if (!given) return null
  const auto = given === 'auto'
  const db = auto ? namedDatabase() : null
  const store = db?.url ?? given
  if (!/^postgres(?:ql)?:\/\//.test(store)) throw new Error(`${TEST_STORE_ENV} must be "auto" or a postgres:// URL, got "${given}"`)
  const reason = (await probePostgres(auto ? PG_ADMIN_URL : store)) ?? (await probeRedis())
  if (reason) {
    if (!auto || env.CI === 'true') throw new Error(`the PostgreSQL e2e pass (${TEST_STORE_ENV}=${given}) cannot run: ${reason}`)
    console.warn(`skipped the PostgreSQL e2e pass: ${reason}`)
    return null
  }
  return { APPWRITE_EMULATOR_STORE: store, APPWRITE_EMULATOR_BUS: REDIS_URL, ...(db && { [OWNED_ENV]: db.name }) }
}

/** True inside the PostgreSQL pass: a test that reads the SQLite data folder checks the hosted layout instead. */
export const onPostgresPass = (): boolean => !!process.env.APPWRITE_EMULATOR_STORE

/** The pass's global set-up: makes the database when the pass owns it; the teardown drops it. */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | void> {
  const owned = (project.config.env as Record<string, string | undefined>)[OWNED_ENV]
  if (!owned) return
  const db = namedDatabase(owned)
  await db.create()
  return () => db.drop()
}
