// The suite every DocumentStore implementation runs (SQLite now; a PostgreSQL one would call it too).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { parseAppwriteJson } from '../../config/appwrite-json.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { schemaKey, type SchemaSet } from './schema.js'
import type { CollectionRef, DocumentStore, NewDocument } from './types.js'

export const contractTemplate = () =>
  parseAppwriteJson(
    {
      databases: [{ $id: 'db' }],
      collections: [
        {
          $id: 'notes', databaseId: 'db', $permissions: [], documentSecurity: true,
          attributes: [
            { key: 'title', type: 'string', size: 50 },
            { key: 'tags', type: 'string', size: 10, array: true },
            { key: 'done', type: 'boolean' },
            { key: 'n', type: 'integer' },
            { key: 'tag', type: 'relationship', relatedCollection: 'tags', relationType: 'manyToMany', twoWay: true, twoWayKey: 'notes', side: 'parent' },
          ],
          indexes: [{ key: 'uniq_title', type: 'unique', attributes: ['title'] }],
        },
        { $id: 'tags', databaseId: 'db', attributes: [{ key: 'label', type: 'string', size: 20 }] },
      ],
    },
    '/contract/appwrite.json',
  )

export interface Opened {
  store: DocumentStore
  schemas: SchemaSet
  close(): Promise<void>
}

/** Runs the document store contract against `open()`; `skip` names cases an implementation cannot meet, with why. */
export function documentStoreContract(name: string, open: () => Promise<Opened>, options: { skip?: { reason: string; tests: string[] }[] } = {}): void {
  const skipped = new Set(options.skip?.flatMap((s) => s.tests) ?? [])
  const test = (title: string, fn: () => Promise<void>) => (skipped.has(title) ? it.skip(title, fn) : it(title, fn))

  describe(`DocumentStore contract: ${name}`, () => {
    let opened: Opened
    let notes: CollectionRef
    const doc = (id: string, data: Record<string, unknown> = {}, permissions: string[] = []): NewDocument => ({
      $id: id, $createdAt: '2024-01-01T00:00:00.000+00:00', $updatedAt: '2024-01-01T00:00:00.000+00:00', $permissions: permissions,
      data: { title: null, tags: null, done: null, n: null, ...data },
    })
    // The store refuses writes outside a transaction, so each write here runs in its own.
    const inTx = <T>(work: () => Promise<T>) => opened.store.transaction(work)
    beforeEach(async () => {
      opened = await open()
      notes = { projectId: 'p1', schema: opened.schemas.get(schemaKey('db', 'notes'))! }
    })
    afterEach(async () => opened.close())

    test('inserts and gets a document with typed values', async () => {
      const inserted = await inTx(() => opened.store.insert(notes, doc('a', { title: 'T', tags: ['x', 'y'], done: true, n: 3 }, ['read("any")'])))
      expect(inserted.$sequence).toBeGreaterThan(0)
      const got = await opened.store.get(notes, 'a')
      expect(got).toMatchObject({ $id: 'a', $permissions: ['read("any")'], data: { title: 'T', tags: ['x', 'y'], done: true, n: 3 } })
    })

    test('keeps projects apart', async () => {
      await inTx(() => opened.store.insert(notes, doc('a', { title: 'T' })))
      expect(await opened.store.get({ ...notes, projectId: 'p2' }, 'a')).toBeNull()
      await inTx(() => opened.store.insert({ ...notes, projectId: 'p2' }, doc('a', { title: 'T' })))
      await inTx(() => opened.store.wipeProject('p2'))
      expect(await opened.store.get(notes, 'a')).not.toBeNull()
      expect(await opened.store.get({ ...notes, projectId: 'p2' }, 'a')).toBeNull()
    })

    test('refuses a repeated ID or unique value with document_already_exists', async () => {
      await inTx(() => opened.store.insert(notes, doc('a', { title: 'Same' })))
      await expect(inTx(() => opened.store.insert(notes, doc('a', { title: 'Other' })))).rejects.toMatchObject({ type: 'document_already_exists' })
      await expect(inTx(() => opened.store.insert(notes, doc('b', { title: 'same' })))).rejects.toBeInstanceOf(AppwriteException)
    })

    test('updates values and permissions, and the read filter follows', async () => {
      const a = await inTx(() => opened.store.insert(notes, doc('a', { title: 'T' }, ['read("user:u1")'])))
      const find = (roles: string[]) => opened.store.find(notes, { filters: [], orders: [], limit: 25, offset: 0, readableBy: roles })
      expect((await find(['user:u1'])).map((d) => d.$id)).toEqual(['a'])
      await inTx(() => opened.store.update(notes, { ...a, $permissions: ['read("user:u2")'], data: { ...a.data, n: 9 } }))
      expect(await find(['user:u1'])).toEqual([])
      expect((await find(['user:u2']))[0].data.n).toBe(9)
      expect(await opened.store.count(notes, { filters: [], readableBy: ['user:u2'], max: 5000 })).toBe(1)
    })

    test('deletes', async () => {
      await inTx(() => opened.store.insert(notes, doc('a')))
      expect(await inTx(() => opened.store.delete(notes, 'a'))).toBe(true)
      expect(await inTx(() => opened.store.delete(notes, 'a'))).toBe(false)
      expect(await opened.store.get(notes, 'a')).toBeNull()
    })

    test('links many-to-many both ways', async () => {
      const junction = notes.schema.byKey.get('tag')!.junction!
      await inTx(() => opened.store.setLinks(junction, 'p1', 'parent', 'a', ['t1', 't2']))
      await inTx(() => opened.store.setLinks(junction, 'p1', 'parent', 'b', ['t2']))
      expect(await opened.store.links(junction, 'p1', 'child', 't2')).toEqual(['a', 'b'])
      await inTx(() => opened.store.unlinkAll(junction, 'p1', 'child', 't2'))
      expect(await opened.store.links(junction, 'p1', 'parent', 'a')).toEqual(['t1'])
    })

    test('refuses a write outside a transaction', async () => {
      await expect(opened.store.insert(notes, doc('a'))).rejects.toThrow(/outside a transaction/)
      expect(await opened.store.get(notes, 'a')).toBeNull()
    })

    test('rolls back every write of a failed transaction', async () => {
      await expect(
        opened.store.transaction(async () => {
          await opened.store.insert(notes, doc('a'))
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await opened.store.get(notes, 'a')).toBeNull()
    })
  })
}

