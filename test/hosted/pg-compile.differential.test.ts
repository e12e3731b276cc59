// The same random documents in SQLite and PostgreSQL, the same random queries: both backends must find the same
// documents in the same order and count the same totals (case folding, NULL order, arrays, fulltext, cursors).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { propertyTemplate } from '../../src/store/documents/sql/property-template.js'
import type { Query } from '../../src/domain/query/parse.js'
import { planDocumentQueries } from '../../src/domain/query/plan.js'
import { openDocumentStore } from '../../src/store/documents/index.js'
import { schemaKey } from '../../src/store/documents/schema.js'
import type { CollectionRef, DocumentStore, StoredDocument } from '../../src/store/documents/types.js'
import { PostgresStore } from '../../src/store/postgres/postgres-store.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import type { Store } from '../../src/store/types.js'
import { rng, type Rng } from '../harness/rng.js'
import { createDatabase, describeWith, type FreshDatabase } from './pg-harness.js'

const CASES = 250
const SEED = Number(process.env.PROPERTY_SEED ?? 20261201)

const template = propertyTemplate()

// Mixed case, non-ASCII letters (which NOCASE does not fold), LIKE's wildcards and punctuation.
const CHARS = ['a', 'A', 'b', 'B', 'é', 'É', '_', '%', '-', 'z', 'Z', '1']
const WORDS = ['Spider', 'spiderman', 'MAN', 'home', 'far_away', 'Éclair', 'éclair', 'web', 'webs', 'x1', 'o\'neil']
const ROLES = ['any', 'users', 'user:u1', 'team:t1']
const DATES = ['2020-01-01T00:00:00.000+00:00', '2020-01-01T12:30:00.000+00:00', '2021-06-15T08:00:00.500+00:00', '1999-12-31T23:59:59.999+00:00']

const str = (r: Rng, max = 4) => Array.from({ length: 1 + r.int(max) }, () => r.pick(CHARS)).join('')
const maybe = <T>(r: Rng, v: () => T): T | null => (r.chance(0.2) ? null : v())

function randomData(r: Rng): Record<string, unknown> {
  return {
    name: maybe(r, () => str(r)),
    text: maybe(r, () => Array.from({ length: 1 + r.int(4) }, () => r.pick(WORDS)).join(r.pick([' ', '-', ': ', '. ']))),
    n: maybe(r, () => r.int(7) - 3),
    x: maybe(r, () => (r.int(9) - 4) / 2),
    ok: maybe(r, () => r.chance(0.5)),
    at: maybe(r, () => r.pick(DATES)),
    labels: maybe(r, () => Array.from({ length: r.int(3) }, () => str(r, 2))),
    ns: maybe(r, () => Array.from({ length: r.int(3) }, () => r.int(5))),
  }
}

function randomFilter(r: Rng, depth = 0): Query {
  if (depth < 2 && r.chance(0.15)) return { method: r.pick(['and', 'or'] as const), attribute: '', values: [randomFilter(r, depth + 1), randomFilter(r, depth + 1)] }
  const kind = r.pick(['name', '$id', 'n', 'x', 'ok', 'at', 'labels', 'ns', 'text'] as const)
  const value = (): unknown =>
    kind === 'name' ? str(r) : kind === '$id' ? `D${r.int(30)}`.toLowerCase().replace('d', r.pick(['d', 'D'])) : kind === 'n' ? r.int(7) - 3
      : kind === 'x' ? (r.int(9) - 4) / 2 : kind === 'ok' ? r.chance(0.5) : kind === 'at' ? r.pick(DATES) : kind === 'labels' ? str(r, 2)
        : kind === 'ns' ? r.int(5) : r.pick(WORDS)
  if (kind === 'labels' || kind === 'ns') return r.chance(0.8) ? { method: 'contains', attribute: kind, values: [value(), value()] } : { method: 'isNull', attribute: kind, values: [] }
  if (kind === 'text') {
    const words = [r.pick(WORDS), r.pick(WORDS)].slice(0, 1 + r.int(2))
    const search = r.chance(0.2) ? `"${words.join(' ')}"` : words.join(' ').slice(0, r.chance(0.3) ? 3 : undefined)
    return { method: 'search', attribute: 'text', values: [search] }
  }
  const textual = kind === 'name' || kind === '$id'
  const method = r.pick(['equal', 'notEqual', 'lessThan', 'greaterThanEqual', 'between', 'isNull', 'isNotNull', ...(textual ? (['startsWith', 'endsWith', 'contains'] as const) : [])] as const)
  if (method === 'isNull' || method === 'isNotNull') return { method, attribute: kind, values: [] }
  if (method === 'between') {
    const [a, b] = [value(), value()]
    return { method, attribute: kind, values: (a as number) > (b as number) ? [b, a] : [a, b] }
  }
  if (method === 'equal') return { method, attribute: kind, values: Array.from({ length: 1 + r.int(3) }, value) }
  return { method, attribute: kind, values: [value()] }
}

describeWith(['postgres'], 'PostgreSQL and SQLite answer every query alike', () => {
  let db: FreshDatabase
  const backends: { store: Store; documents: DocumentStore; ref: CollectionRef }[] = []
  const stored: StoredDocument[] = []

  beforeAll(async () => {
    db = await createDatabase()
    for (const store of [SqliteStore.open(':memory:'), await PostgresStore.connect(db.url)]) {
      const opened = openDocumentStore(store, template)
      backends.push({ store, documents: opened.documents, ref: { projectId: 'p1', schema: opened.schemas.get(schemaKey('db', 'things'))! } })
    }
    const r = rng(SEED)
    const docs = Array.from({ length: 40 }, (_, i) => ({
      $id: `d${i}`, $createdAt: r.pick(DATES), $updatedAt: DATES[0],
      $permissions: ROLES.filter(() => r.chance(0.4)).map((role) => `read("${role}")`), data: randomData(r),
    }))
    for (const [i, b] of backends.entries()) {
      await b.documents.transaction(async () => {
        for (const doc of docs) {
          const inserted = await b.documents.insert(b.ref, doc)
          if (i === 0) stored.push(inserted)
          await b.documents.insert({ ...b.ref, projectId: 'p2' }, { ...doc, data: randomData(r) })
        }
      })
    }
  }, 60_000)
  afterAll(async () => {
    for (const b of backends) await b.store.close()
    await db?.drop()
  })

  it(`${CASES} seeded cases (seed ${SEED})`, async () => {
    const r = rng(SEED + 1)
    for (let c = 0; c < CASES; c++) {
      const queries: Query[] = Array.from({ length: r.int(3) }, () => randomFilter(r))
      for (let i = r.int(3); i > 0; i--) queries.push({ method: r.pick(['orderAsc', 'orderDesc'] as const), attribute: r.pick(['name', '$id', 'n', 'x', 'ok', 'at', '$createdAt']), values: [] })
      queries.push({ method: 'limit', attribute: '', values: [1 + r.int(12)] }, { method: 'offset', attribute: '', values: [r.chance(0.3) ? r.int(5) : 0] })
      const cursorDoc = r.chance(0.3) ? r.pick(stored) : null
      const direction = r.pick(['after', 'before'] as const)
      const roles = r.chance(0.3) ? null : ROLES.filter(() => r.chance(0.5))
      const answers = []
      for (const b of backends) {
        const plan = planDocumentQueries(b.ref.schema, queries)
        // Each backend's own copy of the cursor document (same values, its own sequence).
        const cursor = cursorDoc ? { direction, document: (await b.documents.get(b.ref, cursorDoc.$id))! } : null
        const found = await b.documents.find(b.ref, { ...plan, cursor, readableBy: roles })
        const total = await b.documents.count(b.ref, { filters: plan.filters, readableBy: roles, max: 5000 })
        answers.push({ ids: found.map((d) => d.$id), total })
      }
      expect(answers[1], `case ${c}: ${JSON.stringify({ queries, cursor: cursorDoc?.$id, direction, roles })}`).toEqual(answers[0])
    }
  }, 120_000)

  it('reads back the same values', async () => {
    for (const doc of stored) {
      const [a, b] = await Promise.all(backends.map((x) => x.documents.get(x.ref, doc.$id.toUpperCase())))
      expect({ ...b, $sequence: 0 }).toEqual({ ...a, $sequence: 0 })
    }
  })
})
