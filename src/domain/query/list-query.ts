import { formatDate } from '../dates.js'
import { matches } from './memory-eval.js'
import { parseQuery, QUERY_METHODS, type Query, type QueryMethod } from './parse.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { Validator } from '../params.js'
import { queriesValidator } from './queries-param.js'

/** The type of a queryable attribute, which decides the values a filter on it accepts. */
export type AttributeType = 'string' | 'integer' | 'boolean' | 'datetime'
export type QuerySchema = Readonly<Record<string, AttributeType>>

const SYSTEM: QuerySchema = { $id: 'string', $createdAt: 'datetime', $updatedAt: 'datetime' }

/** `Appwrite\Utopia\Database\Validator\Queries\Teams`: name, total, billingPlan and the system attributes. */
export const TEAM_QUERY_SCHEMA: QuerySchema = { name: 'string', total: 'integer', billingPlan: 'string', ...SYSTEM }
/** `…\Queries\Memberships`: userId, teamId, invited, joined, confirm and the system attributes. */
export const MEMBERSHIP_QUERY_SCHEMA: QuerySchema = {
  userId: 'string', teamId: 'string', invited: 'datetime', joined: 'datetime', confirm: 'boolean', ...SYSTEM,
}

const FILTERS: ReadonlySet<QueryMethod> = new Set([
  'equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'contains', 'search',
  'isNull', 'isNotNull', 'between', 'startsWith', 'endsWith', 'and', 'or',
])
const ONE_VALUE: ReadonlySet<QueryMethod> = new Set([
  'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'search', 'startsWith', 'endsWith',
])
const MAX_VALUES = 100
const ucfirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

/**
 * The `Queries` validator of the team and membership lists: limit, offset, cursors, orders and filters on the
 * schema's attributes (no `select`). Paging and order queries go through the shared validator; filters are
 * checked here as utopia's `Filter` does: value counts first, then the attribute, then each value's type.
 * Datetime values come out in Appwrite's format, so they compare with stored dates.
 */
export function listQueriesValidator(schema: QuerySchema): Validator<Query[]> {
  const paging = queriesValidator({ methods: QUERY_METHODS.filter((m) => m !== 'select'), attributes: Object.keys(schema) })
  return {
    description: paging.description,
    parse(value) {
      if (!Array.isArray(value) || value.length > 100) return paging.parse(value)
      const out: Query[] = []
      for (const raw of value) {
        const query = typeof raw === 'string' && raw.length > 0 && raw.length <= 4096 ? tryParse(raw) : null
        if (!query || !FILTERS.has(query.method)) {
          const r = paging.parse([raw])
          if (!r.ok) return r
          out.push(...r.value)
          continue
        }
        const detail = checkFilter(query, schema)
        if (detail) return { ok: false, description: `Invalid query: ${detail}` }
        out.push(normalize(query, schema))
      }
      return { ok: true, value: out }
    },
  }
}

function tryParse(raw: string): Query | null {
  try {
    return parseQuery(raw)
  } catch {
    return null
  }
}

function checkFilter(q: Query, schema: QuerySchema): string | null {
  const { method, values } = q
  if (method === 'equal' || method === 'contains') {
    if (values.length === 0) return `${ucfirst(method)} queries require at least one value.`
  } else if (ONE_VALUE.has(method)) {
    if (values.length !== 1) return `${ucfirst(method)} queries require exactly one value.`
  } else if (method === 'between') {
    if (values.length !== 2) return 'Between queries require exactly two values.'
  } else if (method === 'and' || method === 'or') {
    const nested = values as Query[]
    if (nested.some((n) => !FILTERS.has(n.method))) return `${ucfirst(method)} queries can only contain filter queries`
    if (nested.length < 2) return `${ucfirst(method)} queries require at least two queries`
    for (const n of nested) {
      const detail = checkFilter(n, schema)
      if (detail) return detail
    }
    return null
  }
  return checkAttributeAndValues(q, schema)
}

function checkAttributeAndValues({ method, attribute, values }: Query, schema: QuerySchema): string | null {
  if (!(attribute in schema)) {
    const head = attribute.split('.')[0]!
    return attribute.includes('.') && head in schema ? `Cannot query nested attribute on: ${head}` : `Attribute not found in schema: ${attribute}`
  }
  if (values.length > MAX_VALUES) return `Query on attribute has greater than ${MAX_VALUES} values: ${attribute}`
  const type = schema[attribute]!
  if (!values.every((v) => isOfType(v, type))) return `Query value is invalid for attribute "${attribute}"`
  if (method === 'contains' && type !== 'string') return `Cannot query contains on attribute "${attribute}" because it is not an array or string.`
  return null
}

function isOfType(value: unknown, type: AttributeType): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string'
    case 'integer':
      return Number.isInteger(value)
    case 'boolean':
      return typeof value === 'boolean'
    case 'datetime':
      return typeof value === 'string' && value !== '' && !Number.isNaN(Date.parse(value))
  }
}

function normalize(q: Query, schema: QuerySchema): Query {
  if (q.method === 'and' || q.method === 'or') return { ...q, values: (q.values as Query[]).map((n) => normalize(n, schema)) }
  if (schema[q.attribute] !== 'datetime') return q
  return { ...q, values: q.values.map((v) => formatDate(Date.parse(v as string))) }
}

/** A list's records as the queries see them: `$id` and the queryable attributes, plus the internal `search` text. */
export type QueryRecord = { $id: string; search: string } & Record<string, unknown>

/**
 * Runs parsed list queries over records given in natural (insertion) order, as utopia's `find` and `count` do:
 * the first limit, offset and cursor count; orders apply in sequence with insertion order breaking ties; the
 * cursor (which must name one of `records`) is placed in that order; `total` counts the filter matches, capped
 * at 5000. A `search` query on a schema attribute fails here, as in the database: no such attribute has a
 * fulltext index; only the internal `search` text the `search` param reads has one.
 */
export function runListQueries<T extends QueryRecord>(records: T[], queries: Query[], noun: string): { total: number; items: T[] } {
  const cursor = queries.find((q) => q.method === 'cursorAfter' || q.method === 'cursorBefore')
  let at = -1
  const orders = queries.filter((q) => q.method === 'orderAsc' || q.method === 'orderDesc')
  const sorted = orders.length ? sortBy(records, orders) : records
  if (cursor) {
    const id = cursor.values[0] as string
    at = sorted.findIndex((r) => r.$id === id)
    if (at < 0) throw new AppwriteException('general_cursor_not_found', `${noun} '${id}' for the 'cursor' value not found.`)
  }
  const fulltext = findUnindexedSearch(queries)
  if (fulltext) throw new AppwriteException('general_query_invalid', `Searching by attribute "${fulltext}" requires a fulltext index.`)

  const filters = queries.filter((q) => FILTERS.has(q.method))
  const keep = (r: T) => filters.every((f) => matches(r, f))
  const limit = (queries.find((q) => q.method === 'limit')?.values[0] as number | undefined) ?? 25
  const offset = (queries.find((q) => q.method === 'offset')?.values[0] as number | undefined) ?? 0
  const total = Math.min(records.filter(keep).length, 5000)
  let items: T[]
  if (cursor?.method === 'cursorBefore') {
    // The page nearest the cursor, walking backwards, then put back in order.
    items = sorted.slice(0, at).filter(keep).reverse().slice(offset, offset + limit).reverse()
  } else {
    items = sorted.slice(at + 1).filter(keep).slice(offset, offset + limit)
  }
  return { total, items }
}

function sortBy<T extends Record<string, unknown>>(records: T[], orders: Query[]): T[] {
  const indexed = records.map((r, i) => ({ r, i }))
  indexed.sort((a, b) => {
    for (const o of orders) {
      // An order without an attribute is the natural order.
      const c = o.attribute === '' ? a.i - b.i : compareValues(a.r[o.attribute], b.r[o.attribute])
      if (c !== 0) return o.method === 'orderAsc' ? c : -c
    }
    return a.i - b.i
  })
  return indexed.map((x) => x.r)
}

/** MariaDB order: NULL first, strings without regard to case. */
function compareValues(a: unknown, b: unknown): number {
  if (a === b) return 0
  if (a === null || a === undefined) return -1
  if (b === null || b === undefined) return 1
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase()
    const y = b.toLowerCase()
    return x < y ? -1 : x > y ? 1 : 0
  }
  return Number(a) - Number(b)
}

function findUnindexedSearch(queries: Query[]): string | null {
  for (const q of queries) {
    if (q.method === 'search' && q.attribute !== 'search') return q.attribute
    if (q.method === 'and' || q.method === 'or') {
      const nested = findUnindexedSearch(q.values as Query[])
      if (nested) return nested
    }
  }
  return null
}

/** The query the `search` param adds: a fulltext search on the internal `search` text. */
export function searchQuery(term: string): Query[] {
  return term ? [{ method: 'search', attribute: 'search', values: [term] }] : []
}
