import { AppwriteException } from '../../errors/appwrite-exception.js'
import { normalizeDatetime } from './datetime.js'
import { parseQuery, QueryParseError, type Query, type QueryMethod } from './parse.js'

/** What the validator needs to know of an attribute (a `CollectionSchema` attribute fits). */
export interface QueryAttribute {
  key: string
  type: 'string' | 'integer' | 'double' | 'boolean' | 'datetime' | 'relationship'
  array: boolean
  relationType?: 'oneToOne' | 'oneToMany' | 'manyToOne' | 'manyToMany'
  side?: 'parent' | 'child'
  twoWay?: boolean
}

/** The queryable shape of a collection: its attributes and the attributes with a fulltext index of their own. */
export interface QuerySchema {
  byKey: ReadonlyMap<string, QueryAttribute>
  fulltext: ReadonlyMap<string, unknown>
}

export interface OrderTerm {
  /** An attribute key, `$id`, `$createdAt`…, or `$internalId` for insertion order. */
  attribute: string
  direction: 'ASC' | 'DESC'
}

/** A validated list query, ready for a store: filters (values typed), order, page, cursor and selections. */
export interface QueryPlan {
  filters: Query[]
  orders: OrderTerm[]
  limit: number
  offset: number
  cursor: { direction: 'after' | 'before'; id: string } | null
  /** The values of each `select` query, in order; empty when none. */
  selects: string[][]
}

/** Attributes every collection has (utopia `Queries/Documents`). */
export const INTERNAL_QUERY_ATTRIBUTES: ReadonlyMap<string, QueryAttribute> = new Map([
  ['$id', { key: '$id', type: 'string', array: false }],
  ['$internalId', { key: '$internalId', type: 'string', array: false }],
  ['$createdAt', { key: '$createdAt', type: 'datetime', array: false }],
  ['$updatedAt', { key: '$updatedAt', type: 'datetime', array: false }],
])
/** utopia `Database::INTERNAL_ATTRIBUTES`: what a `select` keeps only when named. */
export const INTERNAL_ATTRIBUTES = ['$id', '$internalId', '$createdAt', '$updatedAt', '$permissions', '$collection'] as const

const FILTERS = new Set<QueryMethod>([
  'equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'contains', 'search', 'isNull',
  'isNotNull', 'between', 'startsWith', 'endsWith', 'and', 'or',
])
const ONE_VALUE = new Set<QueryMethod>(['notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'search', 'startsWith', 'endsWith'])
const MAX_VALUES = 100
const MAX_INT = '9,223,372,036,854,775,807'
const UID_RULE = "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore"
const ucfirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

const invalid = (message: string) => new AppwriteException('general_query_invalid', message)

/** Parses the JSON query strings of a document route; a parse failure is 400 `general_query_invalid` (databases.php). */
export function parseDocumentQueries(raw: readonly string[]): Query[] {
  return raw.map((text) => {
    try {
      return parseQuery(text)
    } catch (error) {
      if (error instanceof QueryParseError) throw invalid(error.message)
      throw error
    }
  })
}

/** The first cursor query of a list, as Appwrite picks it before validating. */
export function cursorOf(queries: readonly Query[]): { direction: 'after' | 'before'; id: string } | null {
  const q = queries.find((x) => x.method === 'cursorAfter' || x.method === 'cursorBefore')
  if (!q) return null
  const v = q.values[0]
  // PHP casts a scalar to the string ID; anything else names no document.
  // deviation: an array or object there is a PHP TypeError (500) in Appwrite; here it is a cursor that is not found.
  return { direction: q.method === 'cursorAfter' ? 'after' : 'before', id: typeof v === 'string' || typeof v === 'number' ? String(v) : '' }
}

/**
 * utopia's `Documents` validator and `Query::groupByType`, in its order: each query by its method's validator,
 * then the fulltext rule for `search`. Messages are Appwrite's, prefixed `Invalid query: `.
 */
export function planDocumentQueries(schema: QuerySchema, queries: readonly Query[]): QueryPlan {
  const lookup = (key: string) => INTERNAL_QUERY_ATTRIBUTES.get(key) ?? schema.byKey.get(key)
  const check = (q: Query): Query => {
    if (q.method === 'and' || q.method === 'or') (q.values as Query[]).forEach(check)
    const message = validateOne(q, lookup)
    if (message) throw invalid(message.startsWith('Invalid query method') ? message : `Invalid query: ${message}`)
    return q
  }
  queries.forEach(check)
  const flat: Query[] = []
  const walk = (q: Query) => {
    if (q.method === 'and' || q.method === 'or') (q.values as Query[]).forEach(walk)
    flat.push(q)
  }
  queries.forEach(walk)
  for (const q of flat) {
    if (q.method === 'search' && !schema.fulltext.has(q.attribute)) throw invalid(`Searching by attribute "${q.attribute}" requires a fulltext index.`)
  }

  const plan: QueryPlan = { filters: [], orders: [], limit: 25, offset: 0, cursor: null, selects: [] }
  const orderAttributes: string[] = []
  const orderTypes: ('ASC' | 'DESC')[] = []
  let limitSet = false
  let offsetSet = false
  for (const q of queries) {
    if (FILTERS.has(q.method)) plan.filters.push(typed(q, lookup))
    else if (q.method === 'orderAsc' || q.method === 'orderDesc') {
      if (q.attribute !== '') orderAttributes.push(q.attribute)
      orderTypes.push(q.method === 'orderAsc' ? 'ASC' : 'DESC')
    } else if (q.method === 'limit' && !limitSet) {
      plan.limit = Number(q.values[0])
      limitSet = true
    } else if (q.method === 'offset' && !offsetSet) {
      plan.offset = Number(q.values[0])
      offsetSet = true
    } else if (q.method === 'select') plan.selects.push(q.values as string[])
  }
  // groupByType keeps attributes and directions in two lists, so an order on '' shifts the directions (as utopia).
  plan.orders = orderAttributes.map((attribute, i) => ({ attribute, direction: orderTypes[i] ?? 'ASC' }))
  if (plan.orders.length === 0 && orderTypes.length > 0) plan.orders = [{ attribute: '$internalId', direction: orderTypes[0] }]
  plan.cursor = cursorOf(queries)
  return plan
}

/** Only `select` is allowed on getDocument (utopia `Queries/Document`). */
export function planDocumentSelect(schema: QuerySchema, queries: readonly Query[]): string[][] {
  const lookup = (key: string) => INTERNAL_QUERY_ATTRIBUTES.get(key) ?? schema.byKey.get(key)
  const selects: string[][] = []
  for (const q of queries) {
    if (q.method !== 'select') throw invalid(`Invalid query method: ${q.method}`)
    const message = validateOne(q, lookup)
    if (message) throw invalid(`Invalid query: ${message}`)
    selects.push(q.values as string[])
  }
  return selects
}

function validateOne(q: Query, lookup: (key: string) => QueryAttribute | undefined): string | null {
  const values = q.values
  switch (q.method) {
    case 'limit':
    case 'offset': {
      const name = q.method
      const v = values[0]
      const numeric = typeof v === 'number' || (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)))
      if (!numeric) return `Invalid ${name}: Value must be a valid number`
      const n = Number(v)
      const min = name === 'limit' ? 1 : 0
      if (!Number.isInteger(n) || n < min || n > Number.MAX_SAFE_INTEGER) return `Invalid ${name}: Value must be a valid range between ${min} and ${MAX_INT}`
      return null
    }
    case 'cursorAfter':
    case 'cursorBefore': {
      const v = values[0]
      return typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,35}$/.test(v) ? null : `Invalid cursor: ${UID_RULE}`
    }
    case 'orderAsc':
    case 'orderDesc':
      if (q.attribute === '') return null
      if (q.attribute.includes('.') && lookup(q.attribute.split('.')[0])) return `Cannot order by nested attribute: ${q.attribute.split('.')[0]}`
      if (!lookup(q.attribute)) return `Attribute not found in schema: ${q.attribute}`
      // deviation: MariaDB would fail on the missing column (a 500); a derived relationship side has no order.
      if (isVirtual(lookup(q.attribute)!)) return `Cannot order by virtual relationship attribute: ${q.attribute}`
      return null
    case 'select': {
      if (values.length === 0) return 'No attributes selected'
      if (new Set(values.map((v) => JSON.stringify(v))).size !== values.length) return 'Duplicate attributes selected'
      for (const v of values) {
        if (typeof v !== 'string') return `Attribute not found in schema: ${String(v)}`
        const top = v.includes('.') && !lookup(v) ? v.split('.')[0] : v
        // deviation (unverified): databases.php looks for `$databaseId`/`$collectionId` among selections, so they are taken here too.
        if ((INTERNAL_ATTRIBUTES as readonly string[]).includes(top) || top === '*' || top === '$databaseId' || top === '$collectionId') continue
        if (!lookup(top)) return `Attribute not found in schema: ${top}`
      }
      return null
    }
    case 'equal':
    case 'contains':
      if (values.length === 0 || (Array.isArray(values[0]) && values[0].length === 0)) return `${ucfirst(q.method)} queries require at least one value.`
      return attributeAndValues(q, lookup)
    case 'between':
      if (values.length !== 2) return 'Between queries require exactly two values.'
      return attributeAndValues(q, lookup)
    case 'isNull':
    case 'isNotNull':
      return attributeAndValues(q, lookup)
    case 'and':
    case 'or': {
      const subs = values as Query[]
      if (subs.some((s) => !FILTERS.has(s.method))) return `${ucfirst(q.method)} queries can only contain filter queries`
      if (subs.length < 2) return `${ucfirst(q.method)} queries require at least two queries`
      return null
    }
    default:
      if (ONE_VALUE.has(q.method)) {
        if (values.length !== 1) return `${ucfirst(q.method)} queries require exactly one value.`
        return attributeAndValues(q, lookup)
      }
      return `Invalid query method: ${q.method}`
  }
}

/** utopia `Filter::isValidAttributeAndValues`. */
function attributeAndValues(q: Query, lookup: (key: string) => QueryAttribute | undefined): string | null {
  let key = q.attribute
  if (key.includes('.') && !lookup(key)) {
    const top = key.split('.')[0]
    if (lookup(top)) return `Cannot query nested attribute on: ${top}`
  }
  const attr = lookup(key)
  if (!attr) return `Attribute not found in schema: ${key}`
  key = attr.key
  if (q.values.length > MAX_VALUES) return `Query on attribute has greater than ${MAX_VALUES} values: ${key}`
  for (const v of q.values) if (!valueFits(attr, v)) return `Query value is invalid for attribute "${key}"`
  if (isVirtual(attr)) return 'Cannot query on virtual relationship attribute'
  if (!attr.array && q.method === 'contains' && attr.type !== 'string') return `Cannot query contains on attribute "${key}" because it is not an array or string.`
  if (attr.array && !['contains', 'isNull', 'isNotNull'].includes(q.method)) return `Cannot query ${q.method} on attribute "${key}" because it is an array.`
  return null
}

/** Relationship sides without a column of their own (utopia's list). */
function isVirtual(attr: QueryAttribute): boolean {
  if (attr.type !== 'relationship') return false
  const { relationType: t, side, twoWay } = attr
  return (t === 'oneToOne' && !twoWay && side === 'child') || (t === 'oneToMany' && side === 'parent') || (t === 'manyToOne' && side === 'child') || t === 'manyToMany'
}

function valueFits(attr: QueryAttribute, v: unknown): boolean {
  switch (attr.type) {
    case 'string':
      return typeof v === 'string'
    case 'relationship':
      return typeof v === 'string' && [...v].length <= 255
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v)
    case 'double':
      return typeof v === 'number'
    case 'boolean':
      return typeof v === 'boolean'
    case 'datetime':
      return normalizeDatetime(v) !== null
  }
}

/** Datetime values become the stored UTC form, as utopia's `convertQueries` does. */
function typed(q: Query, lookup: (key: string) => QueryAttribute | undefined): Query {
  if (q.method === 'and' || q.method === 'or') return { ...q, values: (q.values as Query[]).map((s) => typed(s, lookup)) }
  const attr = lookup(q.attribute)
  if (attr?.type === 'datetime') return { ...q, values: q.values.map((v) => normalizeDatetime(v) ?? v) }
  return q
}

export { ONE_VALUE as SINGLE_VALUE_METHODS, FILTERS as FILTER_METHODS }
