import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { describe, it } from 'vitest'

/** The server the hosted tests use; each test run makes its own databases on it and drops them after. */
export const PG_ADMIN_URL = process.env.APPWRITE_EMULATOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.APPWRITE_EMULATOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'

const inCi = () => process.env.CI === 'true'

/** Null when PostgreSQL answers, else why not. */
export async function probePostgres(): Promise<string | null> {
  const client = new pg.Client({ connectionString: PG_ADMIN_URL, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return `PostgreSQL does not answer at ${PG_ADMIN_URL.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}`
  } finally {
    await client.end().catch(() => {})
  }
}

/** Null when Redis answers PING, else why not. */
export async function probeRedis(): Promise<string | null> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
    return null
  } catch (error) {
    return `Redis does not answer at ${REDIS_URL}: ${(error as Error).message}`
  } finally {
    redis.disconnect()
  }
}

export interface FreshDatabase {
  url: string
  name: string
  drop(): Promise<void>
}

/** Creates an empty database `appwrite_emulator_test_<random>`; `drop()` removes it (closing what is left on it). */
export async function createDatabase(): Promise<FreshDatabase> {
  const db = namedDatabase()
  const admin = new pg.Client({ connectionString: PG_ADMIN_URL })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE ${db.name}`)
  } finally {
    await admin.end()
  }
  return db
}

/** A fresh name `appwrite_emulator_test_<random>` and its URL, not created yet; `drop()` removes it if someone did. */
export function namedDatabase(): FreshDatabase {
  const name = `appwrite_emulator_test_${randomBytes(6).toString('hex')}`
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new pg.Client({ connectionString: PG_ADMIN_URL })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/**
 * `describe` for tests that need servers: when one does not answer, the block is skipped with the reason printed,
 * or, with `CI=true`, fails with it.
 */
export function describeWith(servers: ('postgres' | 'redis')[], name: string, body: () => void): void {
  const reasons = [servers.includes('postgres') ? probePostgres() : null, servers.includes('redis') ? probeRedis() : null]
  // Probed before collection (vitest awaits top-level promises through `await` in the caller).
  describe(name, async () => {
    const reason = (await Promise.all(reasons)).find((r) => r !== null) ?? null
    if (reason === null) return body()
    if (inCi()) {
      it('needs its servers (CI=true)', () => {
        throw new Error(reason)
      })
      return
    }
    console.warn(`skipped "${name}": ${reason}`)
    it.skip(`skipped: ${reason}`, () => {})
  })
}
