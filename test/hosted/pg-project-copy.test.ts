// The PostgreSQL store's copyProject/dumpProject/loadProject against SQLite's (issue 18, for issue 17's
// snapshots and archives): every column type, names past PostgreSQL's 63-byte limit, link tables and fulltext.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { parseAppwriteJson } from '../../src/config/appwrite-json.js'
import { openDocumentStore } from '../../src/store/documents/index.js'
import type { SchemaSet } from '../../src/store/documents/schema.js'
import type { DocumentStore } from '../../src/store/documents/types.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { ProjectDumpMismatch, type ProjectDump, type Store } from '../../src/store/types.js'
import { createDatabase, describeWith, type FreshDatabase } from './pg-harness.js'

// 36-character IDs: `docs:<database>:<collection>:perms` is past 63 bytes, so PostgreSQL keeps a hashed name.
const DB = 'd'.repeat(36)
const COLL = 'c'.repeat(36)
const template = () =>
  parseAppwriteJson({
    databases: [{ $id: DB }],
    collections: [
      {
        $id: COLL, databaseId: DB, $permissions: [], documentSecurity: true,
        attributes: [
          { key: 'title', type: 'string', size: 50 },
          { key: 'body', type: 'string', size: 500 },
          { key: 'tags', type: 'string', size: 10, array: true },
          { key: 'done', type: 'boolean' },
          { key: 'n', type: 'integer' },
          { key: 'score', type: 'double' },
          { key: 'tag', type: 'relationship', relatedCollection: 'tags', relationType: 'manyToMany', twoWay: true, twoWayKey: 'notes', side: 'parent' },
        ],
        indexes: [{ key: 'ft', type: 'fulltext', attributes: ['body'] }, { key: 'uniq_title', type: 'unique', attributes: ['title'] }],
      },
      { $id: 'tags', databaseId: DB, attributes: [{ key: 'label', type: 'string', size: 20 }] },
    ],
  }, '/copy/appwrite.json')

interface Opened {
  store: Store
  documents: DocumentStore
  schemas: SchemaSet
}

const open = (store: Store): Opened => ({ store, ...openDocumentStore(store, template()) })
const at = '2024-01-02T03:04:05.678+00:00'

async function fill({ store, documents, schemas }: Opened, projectId: string) {
  const notes = { projectId, schema: schemas.get(`${DB}/${COLL}`)! }
  const tags = { projectId, schema: schemas.get(`${DB}/tags`)! }
  const junction = notes.schema.attributes.find((a) => a.junction)!.junction!
  await store.transaction(async () => {
    await store.users.insert(projectId, { id: 'u1', email: 'u1@example.test', name: 'Ünï "quoted"' } as never)
    await store.files.insert(projectId, { id: 'b/f1', bucketId: 'b', blob: `files/${projectId}/b/f1/v1`, name: 'f1' } as never)
    for (const [i, label] of ['red', 'blue'].entries()) await documents.insert(tags, { $id: `t${i}`, $createdAt: at, $updatedAt: at, $permissions: [], data: { label } })
    await documents.insert(notes, {
      $id: 'a', $createdAt: at, $updatedAt: at, $permissions: ['read("users")', 'update("user:u1")'],
      data: { title: 'Alpha', body: 'quick brown fox', tags: ['x', 'y'], done: true, n: 7, score: 0.5 },
    })
    await documents.insert(notes, {
      $id: 'b', $createdAt: at, $updatedAt: at, $permissions: ['read("any")'],
      data: { title: 'Beta', body: 'lazy dog', tags: [], done: false, n: -3, score: 2 },
    })
    await documents.insert(notes, { $id: 'c', $createdAt: at, $updatedAt: at, $permissions: [], data: { title: 'Gamma', body: null, tags: null, done: null, n: null, score: null } })
    await documents.setLinks(junction, projectId, 'parent', 'a', ['t1', 't0'])
  })
  return { notes, junction }
}

const fox = (o: Opened, projectId: string) =>
  o.documents.find({ projectId, schema: o.schemas.get(`${DB}/${COLL}`)! }, {
    filters: [{ method: 'search', attribute: 'body', values: ['fox'] }], orders: [], limit: 10, offset: 0, readableBy: ['users'],
  }).then((docs) => docs.map((d) => [d.$id, d.data]))

describeWith(['postgres'], 'PostgreSQL project copies, dumps and loads', () => {
  let db: FreshDatabase
  let pg: Opened
  let sqlite: Opened
  beforeAll(async () => {
    db = await createDatabase()
    pg = open(await PostgresStore.connect(db.url))
    sqlite = open(SqliteStore.open(':memory:'))
  })
  afterAll(async () => {
    await pg?.store.close()
    await sqlite?.store.close()
    await db?.drop()
  })

  it('dumps the rows SQLite dumps, under the schema names, and loads them back into either', async () => {
    await fill(pg, 'p')
    await fill(sqlite, 'p')
    const fromPg = await pg.store.dumpProject('p')
    const fromSqlite = await sqlite.store.dumpProject('p')
    expect(fromPg.tables.map((t) => t.name)).toContain(`docs:${DB}:${COLL}:perms`)
    expect(fromPg).toEqual(fromSqlite)
    // JSON text as stored, booleans 1/0, numbers as numbers, arrays as their JSON text.
    const notes = fromPg.tables.find((t) => t.name === `docs:${DB}:${COLL}`)!
    expect(notes.rows[0]!.slice(4)).toEqual(['Alpha', 'quick brown fox', '["x","y"]', 1, 7, 0.5])
    await pg.store.transaction(() => pg.store.loadProject('q', fromSqlite))
    expect(await pg.store.dumpProject('q')).toEqual(fromSqlite)
    expect(await fox(pg, 'q')).toEqual(await fox(sqlite, 'p'))
    await sqlite.store.transaction(() => sqlite.store.loadProject('q', fromPg))
    expect(await sqlite.store.dumpProject('q')).toEqual(fromPg)
  })

  it('copies every table, rewriting blob keys, with permissions, links and fulltext following the documents', async () => {
    const { junction } = await fill(pg, 'src')
    // Another project's documents take sequences in between, so the copy's cannot just follow the source's.
    await fill(pg, 'noise')
    await pg.store.transaction(() => pg.store.copyProject('src', 'dst', { blobPrefixes: [['uploads/src/', 'x/'], ['files/src/', 'files/dst/']] }))
    const [a, b] = [await pg.store.dumpProject('src'), await pg.store.dumpProject('dst')]
    const files = (d: ProjectDump) => d.tables.find((t) => t.name === 'files')!
    expect(files(b).rows[0]![files(b).columns.indexOf('data')]).toBe(String(files(a).rows[0]![files(a).columns.indexOf('data')]).replace('files/src/', 'files/dst/'))
    const rest = (d: ProjectDump) => d.tables.filter((t) => t.name !== 'files')
    expect(rest(b)).toEqual(rest(a))
    expect(await fox(pg, 'dst')).toEqual([['a', expect.objectContaining({ title: 'Alpha' })]])
    expect(await pg.documents.links(junction, 'dst', 'parent', 'a')).toEqual(['t1', 't0'])
    // The copy is independent: deleting from it leaves the source, and the documents keep their order.
    await pg.store.transaction(() => pg.documents.delete({ projectId: 'dst', schema: pg.schemas.get(`${DB}/${COLL}`)! }, 'a'))
    expect(await fox(pg, 'dst')).toEqual([])
    expect(await fox(pg, 'src')).toHaveLength(1)
    const all = await pg.documents.find({ projectId: 'dst', schema: pg.schemas.get(`${DB}/${COLL}`)! }, { filters: [], orders: [], limit: 10, offset: 0, readableBy: null })
    expect(all.map((d) => d.$id)).toEqual(['b', 'c'])
    // Copying again replaces what was there.
    await pg.store.transaction(() => pg.store.copyProject('src', 'dst'))
    expect(await pg.store.dumpProject('dst')).toEqual(a)
  })

  it('copies while other projects write the same tables, without meeting their sequences', async () => {
    await fill(pg, 'busy')
    const notes = pg.schemas.get(`${DB}/${COLL}`)!
    const writes = Array.from({ length: 20 }, (_, i) =>
      pg.store.transaction(() => pg.documents.insert({ projectId: `other${i % 4}`, schema: notes }, { $id: `w${i}`, $createdAt: at, $updatedAt: at, $permissions: ['read("users")'], data: { title: `W${i}`, body: 'fox' } })),
    )
    const copies = Array.from({ length: 4 }, (_, i) => pg.store.transaction(() => pg.store.copyProject('busy', `busy${i}`)))
    await Promise.all([...writes, ...copies])
    const source = await pg.store.dumpProject('busy')
    for (let i = 0; i < 4; i++) {
      expect(await pg.store.dumpProject(`busy${i}`)).toEqual(source)
      expect(await fox(pg, `busy${i}`)).toHaveLength(1)
      expect(await fox(pg, `other${i}`)).toHaveLength(5)
    }
  })

  it('refuses a dump of another schema by the same rule as SQLite, and writes outside a transaction', async () => {
    const dump = await pg.store.dumpProject('p')
    const other: ProjectDump = { tables: [...dump.tables, { name: 'docs:x:y', columns: ['_uid'], rows: [['1']] }] }
    const renamed: ProjectDump = { tables: dump.tables.map((t) => (t.name === 'users' ? { ...t, columns: [...t.columns].reverse() } : t)) }
    for (const bad of [other, renamed]) {
      const errors = await Promise.all([pg, sqlite].map((o) => o.store.transaction(() => o.store.loadProject('p', bad)).catch((e: unknown) => e)))
      expect(errors[0]).toBeInstanceOf(ProjectDumpMismatch)
      expect((errors[0] as Error).message).toBe((errors[1] as Error).message)
    }
    expect(await pg.store.dumpProject('p')).toEqual(dump)
    await expect(pg.store.copyProject('p', 'z')).rejects.toThrow(/outside a transaction/)
    await expect(pg.store.loadProject('p', dump)).rejects.toThrow(/outside a transaction/)
  })
})
