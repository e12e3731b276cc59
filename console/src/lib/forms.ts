import type { OperationDescription, ParamDescription } from '../../../src/control/operations.js'
import { toQueryJson } from './queries.js'

export type { OperationDescription, ParamDescription }

/** The form's values: text for every param (files are picked separately). */
export type FormValues = Record<string, string>

const CUSTOM_ID = /^Parameter must contain at most 36 chars/

/** A value to start a field with: `unique()` for new IDs, the spec's example when known, else the default. */
export function initialValue(param: ParamDescription): string {
  if (param.in === 'body' && CUSTOM_ID.test(param.rule)) return 'unique()'
  if (param.type === 'file') return ''
  const start = param.default ?? null
  if (start === null || start === '') return ''
  return typeof start === 'string' ? start : JSON.stringify(start)
}

/** The first values of an operation's form. */
export function initialValues(op: OperationDescription): FormValues {
  return Object.fromEntries(op.params.map((p) => [p.name, initialValue(p)]))
}

/** What a field's text becomes on the wire, or an error message for the field. */
export function parseValue(param: ParamDescription, text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  switch (param.type) {
    case 'integer': {
      const n = Number(text)
      return text.trim() !== '' && Number.isFinite(n) ? { ok: true, value: n } : { ok: false, error: 'a number' }
    }
    case 'boolean':
      return text === 'true' || text === 'false' ? { ok: true, value: text === 'true' } : { ok: false, error: 'true or false' }
    case 'array': {
      if (text.trim().startsWith('[')) return parseJson(text, Array.isArray, 'a JSON array')
      // One item per line is the easy way to type queries and permissions.
      return { ok: true, value: text.split('\n').map((s) => s.trim()).filter(Boolean) }
    }
    case 'object':
      return parseJson(text, (v) => typeof v === 'object' && v !== null && !Array.isArray(v), 'a JSON object')
    default:
      return { ok: true, value: text }
  }
}

function parseJson(text: string, check: (v: unknown) => boolean, what: string): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    const value = JSON.parse(text)
    return check(value) ? { ok: true, value } : { ok: false, error: what }
  } catch {
    return { ok: false, error: what }
  }
}

/** A request ready to send: the form's values placed in the path, the query string or the body. */
export interface PreparedRequest {
  method: OperationDescription['method']
  /** Path and query, from `/v1`. */
  url: string
  headers: Record<string, string>
  /** The JSON body of a write (files travel separately, as multipart). */
  body: Record<string, unknown> | null
  /** The params as typed values, in the route's order, for the SDK samples; left-out optional params are absent. */
  args: Record<string, unknown>
  /** The name of the file param, when the operation takes one. */
  fileParam: string | null
}

/** Who runs the request: the project, and the session string of the chosen user (null for a guest). */
export interface RequestContext {
  project: string
  session: string | null
}

/** Builds the request a form describes, or the fields in error. */
export function prepareRequest(op: OperationDescription, values: FormValues, context: RequestContext): { ok: true; request: PreparedRequest } | { ok: false; errors: Record<string, string> } {
  const errors: Record<string, string> = {}
  const args: Record<string, unknown> = {}
  const query: string[] = []
  const body: Record<string, unknown> = {}
  let path = op.path
  let fileParam: string | null = null
  for (const param of op.params) {
    if (param.type === 'file') {
      fileParam = param.name
      args[param.name] = null
      continue
    }
    const text = values[param.name] ?? ''
    if (text === '') {
      if (param.required) errors[param.name] = 'required'
      continue
    }
    const parsed = parseValue(param, text)
    if (!parsed.ok) {
      errors[param.name] = `must be ${parsed.error}`
      continue
    }
    // Queries may be typed in the SDK helpers' shorthand (`limit(5)`); the wire takes the 1.5 JSON.
    if (param.name === 'queries' && Array.isArray(parsed.value)) parsed.value = parsed.value.map((q) => (typeof q === 'string' ? toQueryJson(q) : q))
    args[param.name] = parsed.value
    if (param.in === 'path') path = path.replace(`{${param.name}}`, encodeURIComponent(text))
    else if (param.in === 'query') query.push(...queryPairs(param.name, parsed.value))
    else body[param.name] = parsed.value
  }
  if (Object.keys(errors).length) return { ok: false, errors }
  const headers: Record<string, string> = { 'X-Appwrite-Project': context.project }
  if (context.session) headers['X-Appwrite-Session'] = context.session
  const hasBody = op.method !== 'GET' && fileParam === null
  if (hasBody) headers['Content-Type'] = 'application/json'
  return {
    ok: true,
    request: { method: op.method, url: path + (query.length ? `?${query.join('&')}` : ''), headers, body: op.method === 'GET' ? null : body, args, fileParam },
  }
}

/** Query-string pairs as the SDKs write them: arrays as `name[]=…`, objects as `name[key]=…`. */
export function queryPairs(name: string, value: unknown): string[] {
  const key = encodeURIComponent(name)
  if (Array.isArray(value)) return value.map((v) => `${key}%5B%5D=${encodeURIComponent(String(v))}`)
  if (typeof value === 'object' && value !== null) return Object.entries(value).map(([k, v]) => `${key}%5B${encodeURIComponent(k)}%5D=${encodeURIComponent(String(v))}`)
  return [`${key}=${encodeURIComponent(String(value))}`]
}
