// The PostgreSQL read cache (src/store/postgres/read-cache.ts): its rules on their own, then two real processes
// where one caches what the other changes, and every read after a write's response shows the write.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { ReadCache, type InvalidationLink } from '../../src/store/postgres/read-cache.js'
import { call, clusterConfig, sessionCookie, startProcess, type EmulatorProcess } from './cluster.js'
import { createDatabase, describeWith, REDIS_URL, type FreshDatabase } from './pg-harness.js'

function fakeLink(): InvalidationLink & { published: string[][] } {
  const published: string[][] = []
  return { live: true, published, publish: async (ids) => void published.push(ids) }
}

describe('ReadCache', () => {
  it('serves a second read from memory until its project is invalidated', async () => {
    const cache = new ReadCache(fakeLink())
    let loads = 0
    const load = async () => ({ value: `row ${++loads}`, size: 10 })
    expect(await cache.read('p', 'k', load)).toBe('row 1')
    expect(await cache.read('p', 'k', load)).toBe('row 1')
    cache.invalidate(['other'])
    expect(await cache.read('p', 'k', load)).toBe('row 1')
    cache.invalidate(['p'])
    expect(await cache.read('p', 'k', load)).toBe('row 2')
  })

  it('keeps nothing a write overtook while PostgreSQL answered', async () => {
    const cache = new ReadCache(fakeLink())
    let release!: () => void
    const slow = cache.read('p', 'k', () => new Promise<{ value: string; size: number }>((done) => (release = () => done({ value: 'before the write', size: 10 }))))
    await Promise.resolve()
    cache.invalidate(['p'])
    release()
    expect(await slow).toBe('before the write')
    expect(await cache.read('p', 'k', async () => ({ value: 'after the write', size: 10 }))).toBe('after the write')
  })

  it('reads PostgreSQL and keeps nothing while the link is down, and forgets everything on a reset', async () => {
    const link = { ...fakeLink(), live: false }
    const cache = new ReadCache(link)
    let loads = 0
    const load = async () => ({ value: ++loads, size: 8 })
    await cache.read('p', 'k', load)
    await cache.read('p', 'k', load)
    expect(loads).toBe(2)
    link.live = true
    await cache.read('p', 'k', load)
    await cache.read('p', 'k', load)
    expect(loads).toBe(3)
    cache.reset()
    await cache.read('p', 'k', load)
    expect(loads).toBe(4)
  })

  it('a commit invalidates here at once and publishes the projects it touched', async () => {
    const link = fakeLink()
    const cache = new ReadCache(link)
    await cache.read('p', 'k', async () => ({ value: 'old', size: 3 }))
    await cache.committed(['p', 'q'])
    expect(link.published).toEqual([['p', 'q']])
    expect(await cache.read('p', 'k', async () => ({ value: 'new', size: 3 }))).toBe('new')
  })

  it('evicts the least recently used entries past its size', async () => {
    // Entries of about 170 bytes (100 and the key's overhead), 3000 allowed: the 18th goes past it.
    const cache = new ReadCache(fakeLink(), 3000)
    let loads = 0
    const load = (key: number) => async () => (loads++, { value: key, size: 100 })
    for (let key = 0; key < 20; key++) await cache.read('p', String(key), load(key))
    expect(loads).toBe(20)
    await cache.read('p', '19', load(19))
    expect(loads, 'the newest is still there').toBe(20)
    await cache.read('p', '0', load(0))
    expect(loads, 'the oldest was evicted').toBe(21)
  })
})

describeWith(['postgres'], 'the read cache on the PostgreSQL store', () => {
  it('a committed transaction publishes the projects it changed, and one that only read publishes nothing', async () => {
    const db = await createDatabase()
    const store = await PostgresStore.connect(db.url)
    const link = fakeLink()
    store.useReadCache(link)
    try {
      const record = { id: 'u1', createdAt: 'x', updatedAt: 'x', email: 'a@x.test' } as never
      await store.transaction(() => store.users.insert('p1', record))
      await store.transaction(async () => void (await store.users.get('p2', 'u1')))
      await store.transaction(() => store.users.insert('p3', record))
      await expect(store.transaction(async () => {
        await store.users.insert('p4', record)
        throw new Error('rolled back')
      })).rejects.toThrow('rolled back')
      expect(link.published).toEqual([['p1'], ['p3']])
      // A hit is the same frozen record; the write in p1 made the next read fetch it again.
      const first = await store.users.get('p1', 'u1')
      expect(await store.users.get('p1', 'u1')).toBe(first)
      expect(Object.isFrozen(first)).toBe(true)
      await store.transaction(() => store.users.update('p1', { ...(first as object), email: 'b@x.test' } as never))
      expect(await store.users.get('p1', 'u1')).toMatchObject({ email: 'b@x.test' })
    } finally {
      await store.close()
      await db.drop()
    }
  })
})

describeWith(['postgres', 'redis'], 'the read cache across two processes', () => {
  let db: FreshDatabase
  let a: EmulatorProcess
  let b: EmulatorProcess
  const project = `cache-${Date.now().toString(36)}`
  let cookie = ''

  beforeAll(async () => {
    db = await createDatabase()
    const config = clusterConfig()
    const args = (name: string) => ['--config', config, '--store', db.url, '--bus', REDIS_URL, '--data', mkdtempSync(join(tmpdir(), `awe-cache-${name}-`))]
    ;[a, b] = await Promise.all([startProcess(args('a')), startProcess(args('b'))])
    await call(a.origin, 'POST', '/v1/account', { project, body: { userId: 'frank', email: 'frank@example.test', password: 'frank-password-1' } })
    cookie = sessionCookie((await call(a.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'frank@example.test', password: 'frank-password-1' } })).headers)
  }, 90_000)
  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()])
    await db?.drop()
  })

  const doc = '/v1/databases/main/collections/notes/documents/shared'

  it('a document one process has cached shows the other process’s update in the next read', async () => {
    expect((await call(a.origin, 'POST', '/v1/databases/main/collections/notes/documents', { project, cookie, body: { documentId: 'shared', data: { title: 'v0' } } })).status).toBe(201)
    for (let i = 1; i <= 40; i++) {
      // Each side reads (and caches) the current value; then one side writes and the other reads at once.
      const [reader, writer] = i % 2 ? [a, b] : [b, a]
      for (const p of [a, b]) expect((await call(p.origin, 'GET', doc, { project })).body.title).toBe(`v${i - 1}`)
      const updated = await call(writer.origin, 'PATCH', doc, { project, cookie, body: { data: { title: `v${i}` } } })
      expect(updated.status).toBe(200)
      expect((await call(reader.origin, 'GET', doc, { project })).body.title, `read ${i} on the other process`).toBe(`v${i}`)
    }
  }, 60_000)

  it('a delete on one process is a 404 on the other, which had the document cached', async () => {
    expect((await call(b.origin, 'GET', doc, { project })).status).toBe(200)
    const patched = await call(a.origin, 'PATCH', doc, { project, cookie, body: { data: { title: 'last' } } })
    expect(patched.status).toBe(200)
    expect((await call(b.origin, 'GET', doc, { project })).body.title).toBe('last')
    // The notes collection grants no delete; the control API's reset of the project is a write on A all the same.
    expect((await fetch(`${a.origin}/_emulator/projects/${project}`, { method: 'DELETE' })).status).toBeLessThan(300)
    const gone = await call(b.origin, 'GET', doc, { project })
    expect(gone.status).toBe(404)
    expect(gone.body.type).toBe('document_not_found')
  })

  it('records too: a name changed on one process is what the other answers next', async () => {
    await call(a.origin, 'POST', '/v1/account', { project, body: { userId: 'gina', email: 'gina@example.test', password: 'gina-password-1' } })
    const gina = sessionCookie((await call(b.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'gina@example.test', password: 'gina-password-1' } })).headers)
    for (let i = 0; i < 10; i++) {
      const [reader, writer] = i % 2 ? [a, b] : [b, a]
      await call(reader.origin, 'GET', '/v1/account', { project, cookie: gina })
      expect((await call(writer.origin, 'PATCH', '/v1/account/name', { project, cookie: gina, body: { name: `Gina ${i}` } })).status).toBe(200)
      expect((await call(reader.origin, 'GET', '/v1/account', { project, cookie: gina })).body.name).toBe(`Gina ${i}`)
    }
  }, 30_000)
})
