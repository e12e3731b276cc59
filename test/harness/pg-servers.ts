import { randomBytes } from 'node:crypto'
import pg from 'pg'

// The PostgreSQL and Redis servers the tests use, without vitest: vitest.config.ts reads them for the
// PostgreSQL e2e pass (test/harness/pg-e2e.ts), and test/hosted/pg-harness.ts for the hosted tests.

/** The server the hosted tests use; each test run makes its own databases on it and drops them after. */
export const PG_ADMIN_URL = process.env.APPWRITE_EMULATOR_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/postgres'
export const REDIS_URL = process.env.APPWRITE_EMULATOR_TEST_REDIS ?? 'redis://127.0.0.1:6379'

/** Null when PostgreSQL answers at `url`, else why not. */
export async function probePostgres(url = PG_ADMIN_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 })
  try {
    await client.connect()
    await client.query('SELECT 1')
    return null
  } catch (error) {
    return `PostgreSQL does not answer at ${url.replace(/\/\/[^@]*@/, '//')}: ${(error as Error).message}`
  } finally {
    await client.end().catch(() => {})
  }
}

/** Null when Redis answers PING at `url`, else why not. */
export async function probeRedis(url = REDIS_URL): Promise<string | null> {
  const { Redis } = await import('ioredis')
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null })
  redis.on('error', () => {})
  try {
    await redis.connect()
    await redis.ping()
    return null
  } catch (error) {
    return `Redis does not answer at ${url}: ${(error as Error).message}`
  } finally {
    redis.disconnect()
  }
}

export interface FreshDatabase {
  url: string
  name: string
  /** Makes it (empty). */
  create(): Promise<void>
  /** Removes it, closing what is left on it; nothing when it does not exist. */
  drop(): Promise<void>
}

/** Creates an empty database `appwrite_emulator_test_<random>`. */
export async function createDatabase(): Promise<FreshDatabase> {
  const db = namedDatabase()
  await db.create()
  return db
}

/** A database on the test server, `appwrite_emulator_test_<random>` unless named, not created yet. */
export function namedDatabase(name = `appwrite_emulator_test_${randomBytes(6).toString('hex')}`): FreshDatabase {
  const url = new URL(PG_ADMIN_URL)
  url.pathname = `/${name}`
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: PG_ADMIN_URL })
    await client.connect()
    try {
      await client.query(sql)
    } finally {
      await client.end()
    }
  }
  return {
    url: url.toString(),
    name,
    create: () => admin(`CREATE DATABASE ${name}`),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  }
}
