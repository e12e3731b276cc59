import { afterAll, beforeAll, expect, it } from 'vitest'
import pg from 'pg'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { pgMigrations } from '../../src/store/postgres/migrations.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { createDatabase, describeWith, type FreshDatabase } from './pg-harness.js'
import { recordStoreContract } from './record-store.case.js'

recordStoreContract('sqlite', async () => {
  const store = SqliteStore.open(':memory:')
  return { store, close: () => store.close() }
})

describeWith(['postgres'], 'PostgreSQL record store', () => {
  recordStoreContract('postgres', async () => {
    const db = await createDatabase()
    const store = await PostgresStore.connect(db.url)
    return {
      store,
      async close() {
        await store.close()
        await db.drop()
      },
    }
  })

  // The same contract with the read cache on (one process: the link only counts what it would publish).
  recordStoreContract('postgres, read cache', async () => {
    const db = await createDatabase()
    const store = await PostgresStore.connect(db.url)
    store.useReadCache({ live: true, publish: async () => {} })
    return {
      store,
      async close() {
        await store.close()
        await db.drop()
      },
    }
  })

  let db: FreshDatabase
  beforeAll(async () => {
    db = await createDatabase()
  })
  afterAll(async () => db?.drop())

  it('refuses a NUL character with Appwrite\'s invalid-argument error', async () => {
    const store = await PostgresStore.connect(db.url)
    try {
      await store.transaction(async () => {
        await expect(store.users.insert('p1', { id: 'nul', email: 'a\u0000b@x.test' } as never)).rejects.toMatchObject({ type: 'general_argument_invalid' })
      })
    } finally {
      await store.close()
    }
  })

  it('migrates an empty database once when several stores start at the same moment, and again as a no-op', async () => {
    const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.connect(db.url)))
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      const { rows } = await client.query('SELECT version FROM emulator_migrations ORDER BY version')
      expect(rows.map((r) => r.version)).toEqual(pgMigrations.map((m) => m.version))
      await stores[0].transaction(() => stores[0].setMeta('k', 'v'))
      expect(await stores[3].getMeta('k')).toBe('v')
    } finally {
      await client.end()
      await Promise.all(stores.map((s) => s.close()))
    }
    const again = await PostgresStore.connect(db.url)
    expect(await again.getMeta('k')).toBe('v')
    await again.close()
  })
})
