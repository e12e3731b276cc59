import { AppwriteException } from '../../errors/appwrite-exception.js'

/**
 * Appwrite 1.5's request filter V17 (src/Appwrite/Utopia/Request/Filters/V17.php), for SDKs that send
 * `X-Appwrite-Response-Format` below 1.5.0 (appwrite@11–13): their old query strings, e.g.
 * `equal("status", ["active"])`, `orderDesc("x")`, `limit(25)`, `cursorAfter("id")`, become 1.5 JSON queries
 * before param validation, and `account.updateRecovery` drops `passwordAgain`. It runs on the raw params inside
 * `runOperation`, keyed by `<namespace>.<method>` as Appwrite's is (route label `sdk.namespace` + `sdk.method`).
 */

// The endpoints Appwrite converts queries for; client-API ones are the only ones the emulator has.
const QUERY_OPERATIONS: ReadonlySet<string> = new Set([
  'account.listIdentities', 'account.listLogs', 'databases.list', 'databases.listLogs', 'databases.listCollections',
  'databases.listCollectionLogs', 'databases.listAttributes', 'databases.listIndexes', 'databases.listDocuments',
  'databases.getDocument', 'databases.listDocumentLogs', 'functions.list', 'functions.listDeployments',
  'functions.listExecutions', 'migrations.list', 'projects.list', 'proxy.listRules', 'storage.listBuckets',
  'storage.listFiles', 'teams.list', 'teams.listMemberships', 'teams.listLogs', 'users.list', 'users.listLogs',
  'users.listIdentities', 'vcs.listInstallations',
])

/** The params as a 1.4 client sent them, converted to what 1.5 expects; `input` itself is left alone. */
export function filterRequestV17(operation: string, input: Record<string, unknown>): Record<string, unknown> {
  if (operation === 'account.updateRecovery' && 'passwordAgain' in input) {
    const { passwordAgain: _dropped, ...rest } = input
    return rest
  }
  if (!QUERY_OPERATIONS.has(operation) || input.queries === undefined || input.queries === null) return input
  return { ...input, queries: convertOldQueries(input.queries) }
}

function convertOldQueries(queries: unknown): string[] {
  // PHP's foreach over a non-array only warns, so anything but a list becomes no queries at all.
  const list = Array.isArray(queries) ? queries : typeof queries === 'object' && queries !== null ? Object.values(queries) : []
  return list.map((query) => {
    try {
      if (typeof query !== 'string') throw new Error('not a string')
      return JSON.stringify(compact(parseOldQuery(query)))
    } catch {
      // deviation: Appwrite throws a plain \Exception here, which reaches the client as a 500 `general_unknown`;
      // client input never gets a 500 from the emulator, so it is the 400 a bad 1.5 query gets.
      throw new AppwriteException('general_query_invalid', `Invalid query: ${typeof query === 'string' ? query : 'Array'}`)
    }
  })
}

interface OldQuery {
  method: string
  attribute: string
  values: unknown[]
}

/** `json_encode(array_filter($query->toArray()))`: falsy entries (an empty attribute, no values) are left out. */
function compact(query: OldQuery): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  if (query.method) out.method = query.method
  if (query.attribute && query.attribute !== '0') out.attribute = query.attribute
  if (query.values.length) out.values = query.values
  return out
}

const QUOTES = new Set(['"', "'"])
const SPECIAL = new Set([',', ']', '[', '"', "'"])

/** Appwrite 1.4's query-string parser (`V17::parseQuery`), character for character. */
export function parseOldQuery(filter: string): OldQuery {
  const chars = [...filter]
  const paramsStart = chars.indexOf('(')
  if (paramsStart === -1) throw new Error('Invalid query')
  const method = chars.slice(0, paramsStart).join('')
  if (method.includes('.')) throw new Error('Invalid query method')

  const params: (string | string[])[] = []
  let current = ''
  let currentArray: string[] = []
  let depth = 0
  let stringQuote: string | null = null
  // Spaces (and commas) outside a string are dropped; everything else is kept, quotes included.
  const append = (char: string | undefined) => {
    if (char === undefined) return
    if ((char === ' ' || char === ',') && stringQuote === null) return
    current += char
  }
  // The last character is taken to be `)` and skipped, whatever it is.
  const end = chars.length - 1
  for (let i = paramsStart + 1; i < end; i++) {
    const char = chars[i]!
    if (char === '\\') {
      const next = chars[i + 1]
      if (!(next !== undefined && SPECIAL.has(next))) append(char)
      append(next)
      i++
      continue
    }
    if (QUOTES.has(char) && (chars[i - 1] !== '\\' || chars[i - 2] === '\\')) {
      if (stringQuote !== null) {
        append(char)
        if (char === stringQuote) stringQuote = null
      } else {
        stringQuote = char
        append(char)
      }
      continue
    }
    if (stringQuote === null) {
      if (char === '[') {
        depth++
        continue
      }
      if (char === ']') {
        depth--
        if (current.length) currentArray.push(current)
        params.push(currentArray)
        currentArray = []
        current = ''
        continue
      }
      if (char === ',') {
        if (depth > 0) {
          currentArray.push(current)
          current = ''
        } else if (currentArray.length === 0) {
          if (current.length) params.push(current)
          current = ''
        }
        continue
      }
    }
    append(char)
  }
  if (current.length) params.push(current)

  const parsed = params.map((param) => (Array.isArray(param) ? param.map(parseValue) : parseValue(param)))
  const values = (v: unknown) => (Array.isArray(v) ? v : [v])
  switch (method) {
    case 'equal': case 'notEqual': case 'lessThan': case 'lessThanEqual': case 'greaterThan': case 'greaterThanEqual':
    case 'contains': case 'search': case 'isNull': case 'isNotNull': case 'startsWith': case 'endsWith': {
      const attribute = asAttribute(parsed[0] ?? '')
      return { method, attribute, values: parsed.length < 2 ? [] : values(parsed[1]) }
    }
    case 'between':
      // As in Appwrite: the SDK's `between("a", [1,2])` gives values [[1,2], null], which 1.5 then refuses.
      return { method, attribute: asAttribute(parsed[0]), values: [parsed[1] ?? null, parsed[2] ?? null] }
    case 'select':
      if (!Array.isArray(parsed[0])) throw new Error('select takes an array')
      return { method, attribute: '', values: parsed[0] }
    case 'orderAsc': case 'orderDesc':
      return { method, attribute: asAttribute(parsed[0] ?? ''), values: [] }
    case 'limit': case 'offset': case 'cursorAfter': case 'cursorBefore':
      return { method, attribute: '', values: parsed.length > 0 ? [parsed[0]] : [] }
    default:
      return { method, attribute: '', values: [] }
  }
}

/** PHP's coercion of a parsed value into the `string $attribute` of `new Query(...)`; arrays and null are a TypeError. */
function asAttribute(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number') return String(value)
  if (typeof value === 'boolean') return value ? '1' : ''
  throw new Error('attribute must be a string')
}

// PHP's is_numeric, on a trimmed value.
const NUMERIC = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

function parseValue(raw: string): unknown {
  const value = raw.trim()
  if (value === 'false') return false
  if (value === 'true') return true
  if (value === 'null') return null
  if (NUMERIC.test(value)) return Number(value)
  if (value.startsWith('"') || value.startsWith("'")) return value.slice(1, -1)
  return value
}
