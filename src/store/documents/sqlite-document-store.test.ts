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
