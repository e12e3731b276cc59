import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { schemaKey } from './schema.js'
import { SqliteStore } from '../sqlite/sqlite-store.js'
import { contractTemplate, documentStoreContract } from './contract.case.js'
import { openDocumentStore } from './index.js'

documentStoreContract('sqlite', async () => {
  const sqlite = SqliteStore.open(':memory:')
  const { documents, schemas } = openDocumentStore(sqlite, contractTemplate())
  return { store: documents, schemas, close: () => sqlite.close() }
})

describe('schema tables follow the config across restarts', () => {
  it('adds the columns and indexes of new attributes and keeps the rows', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'docs-migrate-'))
    const file = join(dir, 'emulator.sqlite')
    const first = SqliteStore.open(file)
    const before = openDocumentStore(first, contractTemplate())
    const ref = { projectId: 'p1', schema: before.schemas.get(schemaKey('db', 'notes'))! }
    await before.documents.transaction(() => before.documents.insert(ref, { $id: 'a', $createdAt: 'x', $updatedAt: 'x', $permissions: [], data: { title: 'kept' } }))
    await first.close()

    const template = contractTemplate()
    template.collections[0].attributes.push({ key: 'extra', type: 'integer', format: '', required: false, array: false, default: null })
    template.collections[0].indexes.push({ key: 'by_extra', type: 'key', attributes: ['extra'], orders: ['DESC'] })
    template.collections[0].indexes = template.collections[0].indexes.filter((i) => i.key !== 'uniq_title')
    const second = SqliteStore.open(file)
    const after = openDocumentStore(second, template)
    const ref2 = { projectId: 'p1', schema: after.schemas.get(schemaKey('db', 'notes'))! }
    const doc = await after.documents.get(ref2, 'a')
    expect(doc?.data).toMatchObject({ title: 'kept', extra: null })
    const indexes = second.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND name LIKE '%by_extra'`).all()
    expect(indexes).toHaveLength(1)
    // The unique index left the config, so a repeated title is fine now.
    await after.documents.transaction(() => after.documents.insert(ref2, { $id: 'b', $createdAt: 'x', $updatedAt: 'x', $permissions: [], data: { title: 'kept' } }))
    await second.close()
  })
})

describe('cached query answers', () => {
  const open = () => {
    const sqlite = SqliteStore.open(':memory:')
    const { documents, schemas } = openDocumentStore(sqlite, contractTemplate())
    return { sqlite, store: documents, ref: { projectId: 'p1', schema: schemas.get(schemaKey('db', 'notes'))! } }
  }
  const doc = (id: string, n: number, permissions = ['read("any")']) => ({ $id: id, $createdAt: 'x', $updatedAt: 'x', $permissions: permissions, data: { title: id, n } })
  const page = { filters: [{ method: 'greaterThan' as const, attribute: 'n', values: [0] }], orders: [], limit: 25, offset: 0, readableBy: ['any'] }
  const counted = { filters: page.filters, readableBy: ['any'], max: 5000 }

  it('a repeated find and count answer what a fresh store answers', async () => {
    const { sqlite, store, ref } = open()
    await store.transaction(async () => {
      for (let i = 1; i <= 5; i++) await store.insert(ref, doc(`d${i}`, i))
    })
    const first = await store.find(ref, page)
    const again = await store.find(ref, page)
    expect(again).toEqual(first)
    expect(await store.count(ref, counted)).toBe(5)
    expect(await store.count(ref, counted)).toBe(5)
    const fresh = openDocumentStore(sqlite, contractTemplate()).documents
    expect(await fresh.find(ref, page)).toEqual(first)
    await sqlite.close()
  })

  it('an insert, update or delete is seen by the next find and count', async () => {
    const { sqlite, store, ref } = open()
    await store.transaction(() => store.insert(ref, doc('a', 1)))
    expect((await store.find(ref, page)).map((d) => d.$id)).toEqual(['a'])
    expect(await store.count(ref, counted)).toBe(1)
    await store.transaction(() => store.insert(ref, doc('b', 2)))
    expect((await store.find(ref, page)).map((d) => d.$id)).toEqual(['a', 'b'])
    expect(await store.count(ref, counted)).toBe(2)
    const b = (await store.find(ref, page))[1]!
    await store.transaction(() => store.update(ref, { ...b, data: { ...b.data, n: 0 } }))
    expect((await store.find(ref, page)).map((d) => d.$id)).toEqual(['a'])
    expect(await store.count(ref, counted)).toBe(1)
    await store.transaction(() => store.delete(ref, 'a'))
    expect(await store.find(ref, page)).toEqual([])
    expect(await store.count(ref, counted)).toBe(0)
    await sqlite.close()
  })

  it('a rolled-back insert leaves no page behind', async () => {
    const { sqlite, store, ref } = open()
    await store.transaction(() => store.insert(ref, doc('a', 1)))
    await expect(
      store.transaction(async () => {
        await store.insert(ref, doc('b', 2))
        expect(await store.count(ref, counted)).toBe(2)
        throw new Error('roll back')
      }),
    ).rejects.toThrow('roll back')
    expect((await store.find(ref, page)).map((d) => d.$id)).toEqual(['a'])
    expect(await store.count(ref, counted)).toBe(1)
    await sqlite.close()
  })

  it('cached documents cannot be changed by a caller', async () => {
    const { sqlite, store, ref } = open()
    await store.transaction(() => store.insert(ref, doc('a', 1)))
    const [found] = await store.find(ref, page)
    expect(Object.isFrozen(found)).toBe(true)
    expect(Object.isFrozen(found!.data)).toBe(true)
    await sqlite.close()
  })
})
