// `--project-ttl` across processes: a project another process uses is not idle, and a project dropped by one
// process is made again by the others on next use (issue 18 §4). Two registries on two connections to one database.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { emptyTemplate } from '../../src/config/appwrite-json.js'
import { ProjectRegistry } from '../../src/services/projects/project-registry.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { FakeClock } from '../harness/app.js'
import { createDatabase, describeWith, type FreshDatabase } from './pg-harness.js'

const TTL = 60_000
/** Waits (bounded: 10 s) for a write made off the request path to reach the store; fails the test if it never does. */
const settle = async (check: () => Promise<boolean>) => {
  for (let i = 0; i < 1000; i++) {
    if (await check()) return
    await new Promise((r) => setTimeout(r, 10))
  }
  throw new Error('the store never showed the write')
}

describeWith(['postgres'], 'project TTL across processes sharing PostgreSQL', () => {
  let db: FreshDatabase
  let stores: PostgresStore[]
  beforeAll(async () => {
    db = await createDatabase()
    stores = [await PostgresStore.connect(db.url), await PostgresStore.connect(db.url)]
  })
  afterAll(async () => {
    for (const s of stores ?? []) await s.close()
    await db?.drop()
  })

  it('keeps a project another process uses, and drops it once nobody does', async () => {
    const clock = new FakeClock()
    const [a, b] = stores.map((store) => new ProjectRegistry(store, emptyTemplate(), clock, { maxProjects: 100, idleTtlMs: TTL }))
    await a.get('shared')
    clock.advance(TTL * 0.9)
    // Only B sees it now: its seenAt reaches the store.
    await b.get('shared')
    await settle(async () => ((await stores[0].projects.get('shared', 'shared'))?.seenAt ?? 0) >= clock.now())
    clock.advance(TTL * 0.5)
    expect(await a.dropIdle()).toEqual([])
    expect(await stores[0].projects.get('shared', 'shared')).not.toBeNull()
    clock.advance(TTL)
    expect(await a.dropIdle()).toEqual(['shared'])
    expect(await stores[1].projects.get('shared', 'shared')).toBeNull()
    // B still knew it; its next note of use finds the project gone and forgets it, so the one after makes it again.
    await b.get('shared')
    await settle(async () => {
      await b.get('shared')
      return (await stores[1].projects.get('shared', 'shared')) !== null
    })
    expect(await stores[1].projects.get('shared', 'shared')).not.toBeNull()
  })
})
