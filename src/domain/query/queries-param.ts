import { parseQuery, QueryParseError, type Query, type QueryMethod } from './parse.js'
import type { Validator } from '../params.js'

const MAX = Number.MAX_SAFE_INTEGER
const RANGE = '9,223,372,036,854,775,807'

/**
 * utopia's `Queries` validator for list routes that declare one (logs, teams, memberships, files, …): it parses
 * each JSON query and checks methods, attributes and limits, and fails with `Invalid query: <detail>`.
 */
export function queriesValidator(options: { methods: readonly QueryMethod[]; attributes?: readonly string[] }): Validator<Query[]> {
  return {
    description: 'Invalid query',
    parse(value) {
      if (!Array.isArray(value) || value.length > 100) {
        return { ok: false, description: 'Value must a valid array no longer than 100 items and Value must be a valid string and at least 1 chars and no longer than 4096 chars' }
      }
      const out: Query[] = []
      for (const raw of value) {
        if (typeof raw !== 'string' || raw.length === 0 || raw.length > 4096) {
          return { ok: false, description: 'Value must a valid array no longer than 100 items and Value must be a valid string and at least 1 chars and no longer than 4096 chars' }
        }
        let query: Query
        try {
          query = parseQuery(raw)
        } catch (error) {
          if (!(error instanceof QueryParseError)) throw error
          const m = error.message
          return { ok: false, description: m.startsWith('Invalid query method') ? m : `Invalid query: ${m}` }
        }
        if (!options.methods.includes(query.method)) return { ok: false, description: `Invalid query method: ${query.method}` }
        const detail = checkQuery(query, options.attributes ?? [])
        if (detail) return { ok: false, description: `Invalid query: ${detail}` }
        out.push(query)
      }
      return { ok: true, value: out }
    },
  }
}

function checkQuery(q: Query, attributes: readonly string[]): string | null {
  const single = (v: unknown[]) => v.length === 1
  switch (q.method) {
    case 'limit': {
      const n = q.values[0]
      return single(q.values) && Number.isInteger(n) && (n as number) >= 1 && (n as number) <= MAX ? null : `Invalid limit: Value must be a valid range between 1 and ${RANGE}`
    }
    case 'offset': {
      const n = q.values[0]
      return single(q.values) && Number.isInteger(n) && (n as number) >= 0 && (n as number) <= MAX ? null : `Invalid offset: Value must be a valid range between 0 and ${RANGE}`
    }
    case 'cursorAfter':
    case 'cursorBefore': {
      const v = q.values[0]
      return single(q.values) && typeof v === 'string' && /^[A-Za-z0-9][A-Za-z0-9_.-]{0,35}$/.test(v)
        ? null
        : "Invalid cursor: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore"
    }
    case 'orderAsc':
    case 'orderDesc':
      return q.attribute === '' || attributes.includes(q.attribute) ? null : `Attribute not found in schema: ${q.attribute}`
    default:
      return attributes.includes(q.attribute) ? null : `Attribute not found in schema: ${q.attribute}`
  }
}

/** The limit and offset a query list asks for. */
export function pageOf(queries: Query[], defaults: { limit: number }): { limit: number; offset: number } {
  let limit = defaults.limit
  let offset = 0
  for (const q of queries) {
    if (q.method === 'limit') limit = q.values[0] as number
    if (q.method === 'offset') offset = q.values[0] as number
  }
  return { limit, offset }
}
