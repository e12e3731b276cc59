// One connection serves every request (issue 11 §3): another request's open transaction must stay invisible to
// reads made outside it, and nothing may write outside a transaction.
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { contractTemplate } from '../documents/contract.case.js'
import { openDocumentStore } from '../documents/index.js'
import { schemaKey } from '../documents/schema.js'
import type { CollectionRef, DocumentStore, NewDocument } from '../documents/types.js'
import type { ProjectRecord } from '../types.js'
import { SqliteStore } from './sqlite-store.js'

const P = 'p1'
const record = (id: string): ProjectRecord => ({ id, createdAt: '2024-01-01T00:00:00.000+00:00' })
const doc = (id: string, title: string | null = null): NewDocument => ({
  $id: id, $createdAt: '2024-01-01T00:00:00.000+00:00', $updatedAt: '2024-01-01T00:00:00.000+00:00', $permissions: [],
  data: { title, tags: null, done: null, n: null },
})
const tick = () => new Promise<void>((resolve) => setImmediate(resolve))

/** A gate a transaction awaits, as a request's transaction awaits a hash or a file. */
function gate() {
  let open!: () => void
  const opened = new Promise<void>((resolve) => (open = resolve))
  return { opened, open }
}

/**
 * Context A opens a transaction, runs `write`, signals, and waits for `release`; it then commits or throws.
 * Returns once A is inside, with A's outcome and the switch that lets it finish.
 */
async function holdTransaction(store: SqliteStore, write: () => Promise<unknown>, outcome: 'commit' | 'rollback') {
  const inside = gate()
  const release = gate()
  const state = { open: true }
  const done = store
    .transaction(async () => {
      await write()
      inside.open()
      await release.opened
      state.open = false
      if (outcome === 'rollback') throw new Error('rolled back on purpose')
    })
    .then(
      () => 'committed',
      (error: Error) => error.message,
    )
  await inside.opened
  return { done, release: release.open, state }
}

describe('SQLite store isolation (one connection, many requests)', () => {
  let store: SqliteStore
  beforeEach(() => {
    store = SqliteStore.open(':memory:')
  })
  afterEach(async () => store.close())

  it('a read outside a transaction does not see another context’s uncommitted write (ghost read)', async () => {
    const a = await holdTransaction(store, () => store.projects.insert(P, record('ghost')), 'rollback')
    // Context B: a request reading outside any transaction while A is still open.
    const seen = store.projects.get(P, 'ghost')
    const counted = store.projects.count(P)
    await tick()
    a.release()
    expect(await seen).toBeNull()
    expect(await counted).toBe(0)
    expect(await a.done).toBe('rolled back on purpose')
    expect(await store.projects.get(P, 'ghost')).toBeNull()
  })

  it('a value cached by the transaction’s own read is not served to another context before commit', async () => {
    const a = await holdTransaction(
      store,
      async () => {
        await store.projects.insert(P, record('cached'))
        expect(await store.projects.get(P, 'cached')).toMatchObject({ id: 'cached' })
        expect(await store.projects.list(P)).toHaveLength(1)
      },
      'rollback',
    )
    const seen = store.projects.get(P, 'cached')
    const listed = store.projects.list(P)
    await tick()
    a.release()
    expect(await seen).toBeNull()
    expect(await listed).toEqual([])
    await a.done
    expect(await store.projects.get(P, 'cached')).toBeNull()
  })

  it('after the other context commits, a read sees the committed value, never before', async () => {
    const a = await holdTransaction(store, () => store.projects.insert(P, record('later')), 'commit')
    const seen = store.projects.get(P, 'later').then((value) => ({ value, whileOpen: a.state.open }))
    await tick()
    a.release()
    const { value, whileOpen } = await seen
    // Either it read before A's write existed for it (null) or after A committed; never A's write while A was open.
    if (value !== null) expect(whileOpen).toBe(false)
    expect(await a.done).toBe('committed')
    expect(await store.projects.get(P, 'later')).toMatchObject({ id: 'later' })
  })

  it('a read that waited is served when the transaction ends, before the next queued one begins', async () => {
    const a = await holdTransaction(store, () => store.projects.insert(P, record('first')), 'commit')
    const next = store.transaction(() => store.projects.insert(P, record('second')))
    const listed = store.projects.list(P)
    a.release()
    expect((await listed).map((r) => r.id)).toEqual(['first'])
    await next
    expect((await store.projects.list(P)).map((r) => r.id)).toEqual(['first', 'second'])
  })

  it('refuses a write outside a transaction, also while another context’s transaction is open', async () => {
    await expect(store.projects.insert(P, record('loose'))).rejects.toThrow(/outside a transaction/)
    await expect(store.projects.update(P, record('loose'))).rejects.toThrow(/outside a transaction/)
    await expect(store.projects.delete(P, 'loose')).rejects.toThrow(/outside a transaction/)
    await expect(store.projects.deleteWhere(P, {})).rejects.toThrow(/outside a transaction/)
    await expect(store.setMeta('k', 'v')).rejects.toThrow(/outside a transaction/)

    const a = await holdTransaction(store, () => store.projects.insert(P, record('a')), 'rollback')
    // Before, this write slipped into A's transaction and was rolled back with it.
    await expect(store.projects.insert(P, record('b'))).rejects.toThrow(/outside a transaction/)
    a.release()
    await a.done
    expect(await store.projects.list(P)).toEqual([])
  })

  it('nested transactions join the outer one and roll back with it', async () => {
    await expect(
      store.transaction(async () => {
        await store.transaction(() => store.projects.insert(P, record('inner')))
        expect(store.isInTransaction()).toBe(true)
        expect(await store.projects.get(P, 'inner')).toMatchObject({ id: 'inner' })
        throw new Error('outer fails')
      }),
    ).rejects.toThrow('outer fails')
    expect(await store.projects.get(P, 'inner')).toBeNull()
    expect(store.isInTransaction()).toBe(false)
  })

  it('concurrent transactions take turns: each sees the writes of the one before', async () => {
    const counts = await Promise.all(
      [1, 2, 3, 4].map((i) =>
        store.transaction(async () => {
          const n = await store.projects.count(P)
          await tick()
          await store.projects.insert(P, record(`t${i}`))
          return n
        }),
      ),
    )
    expect(counts.sort()).toEqual([0, 1, 2, 3])
  })

  it('work left running after its transaction ended does not write as if still inside it', async () => {
    const ended = gate()
    let leftover!: Promise<unknown>
    await store.transaction(async () => {
      leftover = (async () => {
        await ended.opened
        expect(store.isInTransaction()).toBe(false)
        return store.projects.insert(P, record('late'))
      })()
    })
    ended.open()
    await expect(leftover).rejects.toThrow(/outside a transaction/)

    // A transaction it opens is its own, not whichever transaction happens to be open then.
    const again = gate()
    let late!: Promise<unknown>
    await store.transaction(async () => {
      late = (async () => {
        await again.opened
        return store.transaction(() => store.projects.insert(P, record('own')))
      })()
    })
    const b = await holdTransaction(store, () => store.projects.insert(P, record('b')), 'rollback')
    again.open()
    await tick()
    b.release()
    await b.done
    await late
    expect((await store.projects.list(P)).map((r) => r.id)).toEqual(['own'])
  })
})

describe('document store isolation', () => {
  let store: SqliteStore
  let documents: DocumentStore
  let notes: CollectionRef
  beforeEach(() => {
    store = SqliteStore.open(':memory:')
    const opened = openDocumentStore(store, contractTemplate())
    documents = opened.documents
    notes = { projectId: P, schema: opened.schemas.get(schemaKey('db', 'notes'))! }
  })
  afterEach(async () => store.close())

  const all = () => documents.find(notes, { filters: [], orders: [], limit: 25, offset: 0, readableBy: null })

  it('a read outside a transaction does not see another context’s uncommitted document (ghost read)', async () => {
    const a = await holdTransaction(
      store,
      async () => {
        await documents.insert(notes, doc('ghost', 'boo'))
        expect(await documents.get(notes, 'ghost')).toMatchObject({ $id: 'ghost' })
      },
      'rollback',
    )
    const seen = documents.get(notes, 'ghost')
    const found = all()
    const counted = documents.count(notes, { filters: [], readableBy: null, max: 5000 })
    await tick()
    a.release()
    expect(await seen).toBeNull()
    expect(await found).toEqual([])
    expect(await counted).toBe(0)
    await a.done
    expect(await documents.get(notes, 'ghost')).toBeNull()
  })

  it('an update held open is not seen, and a cached copy survives its rollback unchanged', async () => {
    await documents.transaction(() => documents.insert(notes, doc('d', 'before')))
    expect((await documents.get(notes, 'd'))?.data.title).toBe('before')
    const a = await holdTransaction(
      store,
      async () => {
        const current = (await documents.get(notes, 'd'))!
        await documents.update(notes, { ...current, data: { ...current.data, title: 'uncommitted' } })
      },
      'rollback',
    )
    const seen = documents.get(notes, 'd')
    await tick()
    a.release()
    expect((await seen)?.data.title).toBe('before')
    await a.done
    expect((await documents.get(notes, 'd'))?.data.title).toBe('before')
  })

  it('refuses a write outside a transaction', async () => {
    await expect(documents.insert(notes, doc('loose'))).rejects.toThrow(/outside a transaction/)
    const junction = notes.schema.byKey.get('tag')!.junction!
    await expect(documents.setLinks(junction, P, 'parent', 'loose', ['t1'])).rejects.toThrow(/outside a transaction/)
    await expect(documents.unlinkAll(junction, P, 'parent', 'loose')).rejects.toThrow(/outside a transaction/)
    await expect(documents.delete(notes, 'loose')).rejects.toThrow(/outside a transaction/)
    await expect(documents.wipeProject(P)).rejects.toThrow(/outside a transaction/)
    expect(await all()).toEqual([])
  })

  it('shares transactions with the record tables: one rollback undoes both', async () => {
    await expect(
      documents.transaction(async () => {
        await documents.insert(notes, doc('both'))
        await store.transaction(() => store.projects.insert(P, record('both')))
        throw new Error('undo both')
      }),
    ).rejects.toThrow('undo both')
    expect(await documents.get(notes, 'both')).toBeNull()
    expect(await store.projects.get(P, 'both')).toBeNull()
  })
})
