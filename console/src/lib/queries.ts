// Methods whose first argument is not an attribute name.
const NO_ATTRIBUTE = new Set(['limit', 'offset', 'cursorAfter', 'cursorBefore', 'select'])

/**
 * A query line as the 1.5 API takes it: the JSON the SDKs send (`{"method":"equal",…}`) passes as is, and the
 * shorthand of the SDKs' helpers, `equal("title", ["Hello"])` or `limit(5)`, is written out as that JSON.
 * Anything else is sent unchanged, so the server's own error names the problem.
 */
export function toQueryJson(line: string): string {
  const text = line.trim()
  const call = /^(\w+)\(([\s\S]*)\)$/.exec(text)
  if (!call) return text
  const [, method, inner] = call
  let args: unknown[]
  try {
    args = JSON.parse(`[${inner}]`) as unknown[]
  } catch {
    return text
  }
  if (method === 'and' || method === 'or') return text
  const list = (v: unknown) => (Array.isArray(v) ? v : v === undefined ? [] : [v])
  if (NO_ATTRIBUTE.has(method)) return JSON.stringify({ method, values: method === 'select' ? list(args[0]) : args })
  const [attribute, ...rest] = args
  if (typeof attribute !== 'string') return text
  const values = rest.length === 1 ? list(rest[0]) : rest
  return JSON.stringify(values.length ? { method, attribute, values } : { method, attribute })
}
