const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)
const isContainer = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null
// Paths that would reach an object's prototype instead of a variable.
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype'])

function parseJson(v: unknown): unknown {
  if (typeof v !== 'string') return null
  try {
    return JSON.parse(v)
  } catch {
    return null
  }
}

/**
 * A GraphQL multipart request (graphql-multipart-request-spec) read as Appwrite's graphql.php
 * `parseMultipart` reads it: `operations` is the request as JSON, and `map` names, for each file part, the
 * paths (`variables.file`) where that file goes. Malformed JSON places nothing (PHP's json_decode gives null),
 * and the request then has no query. The other fields of the form stay params.
 */
export function fromMultipart(input: Record<string, unknown>): { payload: Record<string, unknown>; uploads: Set<unknown> } {
  const operations = parseJson(input.operations)
  const map = parseJson(input.map)
  const uploads = new Set<unknown>()
  const payload: Record<string, unknown> = { ...input }
  delete payload.operations
  delete payload.map
  if (isObject(map)) {
    for (const [part, paths] of Object.entries(map)) {
      const file = input[part] ?? null
      // A file part is not a param of its own (PHP keeps files apart from the form's fields).
      delete payload[part]
      if (file !== null) uploads.add(file)
      if (!isContainer(operations) || !Array.isArray(paths)) continue
      for (const path of paths) if (typeof path === 'string') place(operations, path.split('.'), file)
    }
  }
  // deviation: Appwrite's storageCreateFile reads the request's `file` (or `0`) part whatever the map says; here the
  // file is the one the map puts in the variable. src/http/body.ts takes one file per request, as for REST uploads.
  const request = isObject(operations) ? operations : {}
  // deviation: Appwrite takes only `query` and `variables` from `operations`; its `operationName` is taken too.
  return { payload: { ...payload, query: request.query, variables: request.variables, operationName: request.operationName ?? payload.operationName }, uploads }
}

/** Sets `value` at `keys` inside `target`, making each missing or non-object step an object, as PHP's references do. */
function place(target: Record<string, unknown>, keys: string[], value: unknown): void {
  if (keys.some((key) => UNSAFE.has(key))) return
  let items = target
  for (const key of keys.slice(0, -1)) {
    if (!isContainer(items[key]) || !Object.hasOwn(items, key)) items[key] = {}
    items = items[key] as Record<string, unknown>
  }
  items[keys[keys.length - 1]!] = value
}
