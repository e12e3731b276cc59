import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { propertyTemplate } from './property-template.js'
import { evaluate, matches } from '../../../domain/query/memory-eval.js'
import type { Query } from '../../../domain/query/parse.js'
import { planDocumentQueries } from '../../../domain/query/plan.js'
import { isAllowed } from '../../../domain/permissions.js'
import { SqliteStore } from '../../sqlite/sqlite-store.js'
import { openDocumentStore } from '../index.js'
import { schemaKey } from '../schema.js'
import type { CollectionRef, DocumentStore, StoredDocument } from '../types.js'
import { rng, type Rng } from '../../../../test/harness/rng.js'

/**
 * Random queries compiled to SQL must find exactly what the in-memory evaluator (Appwrite's semantics) finds
 * over the same documents: filters of every method, nested and/or, orders, pages, cursors and read permissions.
 */

const CASES = 300
const SEED = Number(process.env.PROPERTY_SEED ?? 20240501)


const template = propertyTemplate()

const LETTERS = ['a', 'A', 'b', 'B', 'c', '_', '%']
const WORDS = ['spider', 'Spiderman', 'man', 'home', 'far', 'from', 'alone', 'web', 'webs', 'x1', 'far_away']
const ROLES = ['any', 'users', 'user:u1', 'user:u2', 'team:t1']
const DATES = ['2020-01-01T00:00:00.000+00:00', '2020-01-01T12:30:00.000+00:00', '2021-06-15T08:00:00.500+00:00', '1999-12-31T23:59:59.999+00:00']

const str = (r: Rng, max = 4) => Array.from({ length: 1 + r.int(max) }, () => r.pick(LETTERS)).join('')
const maybe = <T>(r: Rng, v: () => T, p = 0.2): T | null => (r.chance(p) ? null : v())

function randomData(r: Rng): Record<string, unknown> {
  return {
    name: maybe(r, () => str(r)),
    text: maybe(r, () => Array.from({ length: 1 + r.int(4) }, () => r.pick(WORDS)).join(r.pick([' ', '-', ': ']))),
    n: maybe(r, () => r.int(7) - 3),
    x: maybe(r, () => (r.int(9) - 4) / 2),
    ok: maybe(r, () => r.chance(0.5)),
    at: maybe(r, () => r.pick(DATES)),
    labels: maybe(r, () => Array.from({ length: r.int(3) }, () => str(r, 2))),
    ns: maybe(r, () => Array.from({ length: r.int(3) }, () => r.int(5))),
  }
}

type Kind = 'string' | 'text' | 'integer' | 'double' | 'boolean' | 'datetime' | 'strings' | 'integers' | 'id' | 'created'
const ATTRS: [string, Kind][] = [['name', 'string'], ['text', 'text'], ['n', 'integer'], ['x', 'double'], ['ok', 'boolean'], ['at', 'datetime'], ['labels', 'strings'], ['ns', 'integers'], ['$id', 'id'], ['$createdAt', 'created']]

function valueOf(r: Rng, kind: Kind): unknown {
  switch (kind) {
    case 'string':
    case 'strings':
      return str(r, kind === 'strings' ? 2 : 4)
    case 'text':
      return r.pick(WORDS)
    case 'integer':
    case 'integers':
      return r.int(7) - 3
    case 'double':
      return (r.int(9) - 4) / 2
    case 'boolean':
      return r.chance(0.5)
    case 'datetime':
    case 'created':
      return r.pick(DATES)
    case 'id':
      return `d${r.int(40)}`
  }
}

function randomFilter(r: Rng, depth = 0): Query {
  if (depth < 2 && r.chance(0.15)) {
    return { method: r.pick(['and', 'or'] as const), attribute: '', values: Array.from({ length: 2 + r.int(2) }, () => randomFilter(r, depth + 1)) }
  }
  const [attribute, kind] = r.pick(ATTRS)
  const array = kind === 'strings' || kind === 'integers'
  const methods: Query['method'][] = array
    ? ['contains', 'isNull', 'isNotNull']
    : kind === 'text'
      ? ['search', 'search', 'contains', 'isNull', 'startsWith']
      : ['equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'between', 'isNull', 'isNotNull', ...(kind === 'string' || kind === 'id' ? (['contains', 'startsWith', 'endsWith'] as const) : [])]
  const method = r.pick(methods)
  const one = () => valueOf(r, kind)
  switch (method) {
    case 'equal':
    case 'contains':
      return { method, attribute, values: Array.from({ length: 1 + r.int(3) }, one) }
    case 'between': {
      const [a, b] = [one(), one()]
      return { method, attribute, values: r.chance(0.8) && (a as number) > (b as number) ? [b, a] : [a, b] }
    }
    case 'isNull':
    case 'isNotNull':
      return { method, attribute, values: [] }
    case 'search': {
      const words = Array.from({ length: 1 + r.int(2) }, () => r.pick(WORDS))
      const last = words[words.length - 1]
      if (r.chance(0.4)) words[words.length - 1] = last.slice(0, 1 + r.int(last.length))
      return { method, attribute, values: [r.chance(0.15) ? `"${words.join(' ')}"` : words.join(' ')] }
    }
    default:
      return { method, attribute, values: [one()] }
  }
}

describe(`compiled SQL equals the in-memory evaluator (${CASES} seeded cases, seed ${SEED})`, () => {
  let sqlite: SqliteStore
  let documents: DocumentStore
  let ref: CollectionRef
  const stored: StoredDocument[] = []

  beforeAll(async () => {
    sqlite = SqliteStore.open(':memory:')
    const opened = openDocumentStore(sqlite, template)
    documents = opened.documents
    ref = { projectId: 'p1', schema: opened.schemas.get(schemaKey('db', 'things'))! }
    const other = { projectId: 'p2', schema: ref.schema }
    const r = rng(SEED)
    await documents.transaction(async () => {
      for (let i = 0; i < 40; i++) {
        const permissions = ROLES.filter(() => r.chance(0.35)).map((role) => `read("${role}")`)
        const doc = { $id: `d${i}`, $createdAt: r.pick(DATES), $updatedAt: DATES[0], $permissions: permissions, data: randomData(r) }
        stored.push(await documents.insert(ref, doc))
        // Another project's rows share the table and must never show.
        await documents.insert(other, { ...doc, data: randomData(r) })
      }
    })
  })
  afterAll(async () => sqlite?.close())

  const record = (d: StoredDocument) => ({ $id: d.$id, $createdAt: d.$createdAt, $updatedAt: d.$updatedAt, $permissions: d.$permissions, ...d.data })

  it('finds the same documents, in the same order, with the same total', async () => {
    const r = rng(SEED + 1)
    for (let c = 0; c < CASES; c++) {
      const queries: Query[] = Array.from({ length: r.int(3) }, () => randomFilter(r))
      const orderable = ATTRS.filter(([, k]) => k !== 'strings' && k !== 'integers' && k !== 'text')
      for (let i = r.int(3); i > 0; i--) queries.push({ method: r.pick(['orderAsc', 'orderDesc'] as const), attribute: r.pick(orderable)[0], values: [] })
      const limit = r.chance(0.5) ? 1 + r.int(10) : 25
      const offset = r.chance(0.3) ? r.int(5) : 0
      queries.push({ method: 'limit', attribute: '', values: [limit] }, { method: 'offset', attribute: '', values: [offset] })
      const cursor = r.chance(0.3) ? { direction: r.pick(['after', 'before'] as const), document: r.pick(stored) } : null
      const roles = r.chance(0.3) ? null : ROLES.filter(() => r.chance(0.4))

      const plan = planDocumentQueries(ref.schema, queries)
      const found = await documents.find(ref, { ...plan, cursor, readableBy: roles })
      const total = await documents.count(ref, { filters: plan.filters, readableBy: roles, max: 5000 })

      const visible = (d: StoredDocument) => roles === null || isAllowed(roles, d.$permissions, 'read')
      const filters = plan.filters
      const candidates = stored.filter((d) => visible(d) && filters.every((f) => matches(record(d), f)))
      const orders = queries.filter((q) => q.method === 'orderAsc' || q.method === 'orderDesc')
      let expected: StoredDocument[]
      if (cursor) {
        const pool = candidates.some((d) => d.$id === cursor.document.$id) ? candidates : [...candidates, cursor.document].sort((a, b) => a.$sequence - b.$sequence)
        const sorted = evaluate(pool.map((d) => ({ ...record(d), __doc: d })), [...orders, { method: 'limit', attribute: '', values: [1e9] }]).items.map((x) => x.__doc)
        const at = sorted.findIndex((d) => d.$id === cursor.document.$id)
        expected = cursor.direction === 'after' ? sorted.slice(at + 1).slice(offset, offset + limit) : sorted.slice(0, at).reverse().slice(offset, offset + limit).reverse()
      } else {
        expected = evaluate(candidates.map((d) => ({ ...record(d), __doc: d })), [...orders, { method: 'limit', attribute: '', values: [limit] }, { method: 'offset', attribute: '', values: [offset] }]).items.map((x) => x.__doc)
      }
      const context = `case ${c}: ${JSON.stringify({ queries, cursor: cursor && { ...cursor, document: cursor.document.$id }, roles })}`
      expect(found.map((d) => d.$id), context).toEqual(expected.map((d) => d.$id))
      expect(total, context).toBe(candidates.length)
    }
  })
})
