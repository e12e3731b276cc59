import type { Query } from './parse.js'

/** Case-insensitive comparison, as MariaDB's default collation compares strings. */
function compare(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = a.toLowerCase()
    const y = b.toLowerCase()
    return x < y ? -1 : x > y ? 1 : 0
  }
  if (typeof a === 'boolean' || typeof b === 'boolean') return Number(a) - Number(b)
  if (typeof a === 'number' && typeof b === 'number') return a - b
  return String(a).localeCompare(String(b))
}

const eq = (a: unknown, b: unknown) => compare(a, b) === 0
const isMissing = (v: unknown) => v === null || v === undefined
/** Ordering with a missing value first, as SQL sorts NULL ascending. */
function compareNullable(a: unknown, b: unknown): number {
  if (isMissing(a) || isMissing(b)) return isMissing(a) && isMissing(b) ? 0 : isMissing(a) ? -1 : 1
  return compare(a, b)
}
const lower = (v: unknown) => String(v).toLowerCase()

/** Whether a record matches one filter query, with Appwrite's semantics. Non-filter queries match everything. */
export function matches(record: Record<string, unknown>, q: Query): boolean {
  const value = record[q.attribute]
  const vals = q.values
  switch (q.method) {
    case 'equal':
      return Array.isArray(value) ? false : vals.some((v) => value !== null && value !== undefined && eq(value, v))
    case 'notEqual':
      // SQL's `!=`: a missing value is neither equal nor unequal (MariaDB adapter).
      return value !== null && value !== undefined && !Array.isArray(value) && !eq(value, vals[0])
    case 'lessThan':
      return value !== null && value !== undefined && compare(value, vals[0]) < 0
    case 'lessThanEqual':
      return value !== null && value !== undefined && compare(value, vals[0]) <= 0
    case 'greaterThan':
      return value !== null && value !== undefined && compare(value, vals[0]) > 0
    case 'greaterThanEqual':
      return value !== null && value !== undefined && compare(value, vals[0]) >= 0
    case 'between':
      return value !== null && value !== undefined && compare(value, vals[0]) >= 0 && compare(value, vals[1]) <= 0
    case 'isNull':
      return value === null || value === undefined
    case 'isNotNull':
      return value !== null && value !== undefined
    case 'startsWith':
      return typeof value === 'string' && lower(value).startsWith(lower(vals[0]))
    case 'endsWith':
      return typeof value === 'string' && lower(value).endsWith(lower(vals[0]))
    case 'contains':
      if (Array.isArray(value)) return vals.some((v) => value.some((x) => eq(x, v)))
      return typeof value === 'string' && vals.some((v) => lower(value).includes(lower(v)))
    case 'search': {
      if (typeof value !== 'string') return false
      const words = lower(value).split(/[^\p{L}\p{N}_]+/u).filter(Boolean)
      const raw = String(vals[0])
      // MariaDB boolean mode: reserved characters are spaces; "…" is an exact phrase, else words are OR-ed and the last is a prefix.
      const terms = lower(raw).replace(/[@+\-*()<>~"]/g, ' ').split(/[^\p{L}\p{N}_]+/u).filter(Boolean)
      if (raw.length > 1 && raw.startsWith('"') && raw.endsWith('"')) {
        return terms.length > 0 && words.some((_, i) => terms.every((t, j) => words[i + j] === t))
      }
      return terms.some((t, i) => (i === terms.length - 1 ? words.some((w) => w.startsWith(t)) : words.includes(t)))
    }
    case 'and':
      return (vals as Query[]).every((sub) => matches(record, sub))
    case 'or':
      return (vals as Query[]).some((sub) => matches(record, sub))
    default:
      return true
  }
}

/** Filters, orders and pages records in memory; used for small per-user lists and as the reference for SQL. */
export function evaluate<T extends Record<string, unknown>>(records: T[], queries: Query[], defaultLimit = 25): { total: number; items: T[] } {
  const filtered = records.filter((r) => queries.every((q) => matches(r, q)))
  const orders = queries.filter((q) => q.method === 'orderAsc' || q.method === 'orderDesc')
  const sorted = orders.length
    ? [...filtered].sort((a, b) => {
        for (const o of orders) {
          const c = compareNullable(a[o.attribute], b[o.attribute])
          if (c !== 0) return o.method === 'orderAsc' ? c : -c
        }
        return 0
      })
    : filtered
  const limit = (queries.findLast((q) => q.method === 'limit')?.values[0] as number | undefined) ?? defaultLimit
  const offset = (queries.findLast((q) => q.method === 'offset')?.values[0] as number | undefined) ?? 0
  return { total: Math.min(filtered.length, 5000), items: sorted.slice(offset, offset + limit) }
}
