/** Appwrite 1.5 query methods (utopia `Query::TYPES`). */
export const QUERY_METHODS = [
  'equal', 'notEqual', 'lessThan', 'lessThanEqual', 'greaterThan', 'greaterThanEqual', 'contains', 'search',
  'isNull', 'isNotNull', 'between', 'startsWith', 'endsWith', 'select', 'orderDesc', 'orderAsc', 'limit', 'offset',
  'cursorAfter', 'cursorBefore', 'and', 'or',
] as const
export type QueryMethod = (typeof QUERY_METHODS)[number]

export interface Query {
  method: QueryMethod
  attribute: string
  values: unknown[]
}

/** A query that cannot be parsed; the message is Appwrite's, without the `Invalid query: ` wrapper where it has none. */
export class QueryParseError extends Error {}

const phpType = (v: unknown) =>
  v === null ? 'NULL' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'double') : typeof v === 'boolean' ? 'boolean' : typeof v

/** Parses one query from its 1.5 JSON form, e.g. `{"method":"equal","attribute":"title","values":["a"]}`. */
export function parseQuery(text: string): Query {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new QueryParseError('Invalid query: Syntax error')
  }
  return fromObject(json)
}

function fromObject(json: unknown): Query {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new QueryParseError(`Invalid query. Must be an array, got ${phpType(json)}`)
  }
  const { method, attribute = '', values = [] } = json as { method?: unknown; attribute?: unknown; values?: unknown }
  if (typeof method !== 'string' || !QUERY_METHODS.includes(method as QueryMethod)) {
    throw new QueryParseError(`Invalid query method: ${typeof method === 'string' ? method : ''}`)
  }
  if (typeof attribute !== 'string') throw new QueryParseError(`Invalid query attribute. Must be a string, got ${phpType(attribute)}`)
  if (!Array.isArray(values)) throw new QueryParseError(`Invalid query values. Must be an array, got ${phpType(values)}`)
  const parsedValues = method === 'and' || method === 'or' ? values.map(fromObject) : values
  return { method: method as QueryMethod, attribute, values: parsedValues }
}
