import type { RouteResult } from '../core/route.js'
import { renderedJson } from '../core/json.js'
import type { LoggedBody } from './public-types.js'
export type { LoggedBody }

// deviation: Appwrite keeps no request bodies; the decision log shows the first 16 KB of each, for the console.
export const BODY_LIMIT = 16 * 1024

/**
 * What the log keeps of a response until it is read: the JSON body by reference (serialised on read), or for raw
 * bytes only their length, or their first 16 KB copied when they are text (so a download is never kept alive).
 */
export type CapturedResponse =
  | { kind: 'json'; body: unknown }
  | { kind: 'text'; text: string; size: number }
  | { kind: 'binary'; contentType: string; size: number | null }
  | { kind: 'none' }

const TEXT_TYPE = /^(text\/|application\/(json|xml|javascript)|[^;]*\+(json|xml))/i

export function captureResponse(result: RouteResult | null, errorBody: unknown): CapturedResponse {
  if (!result) return { kind: 'json', body: errorBody }
  if (result.raw) {
    const { contentType, data } = result.raw
    if (!Buffer.isBuffer(data)) return { kind: 'binary', contentType, size: null }
    if (TEXT_TYPE.test(contentType)) return { kind: 'text', text: data.subarray(0, BODY_LIMIT).toString('utf8'), size: data.length }
    return { kind: 'binary', contentType, size: data.length }
  }
  if (result.status === 204 || result.body === undefined) return { kind: 'none' }
  return { kind: 'json', body: result.body }
}

export function showResponse(captured: CapturedResponse): LoggedBody {
  switch (captured.kind) {
    case 'none':
      return { kind: 'none', text: '', size: 0, truncated: false }
    case 'binary':
      return binary(captured.size, captured.contentType)
    case 'text':
      return { kind: 'text', text: captured.text.slice(0, BODY_LIMIT), size: captured.size, truncated: captured.size > BODY_LIMIT }
    case 'json': {
      const bytes = renderedJson(captured.body)
      return bounded(bytes ? bytes.toString('utf8') : JSON.stringify(captured.body) ?? 'null')
    }
  }
}

/**
 * A request's params as sent (query string for GET, body otherwise), serialised on read: every `password` field
 * (`password`, `oldPassword`, at any depth) reads `"<redacted>"`, an uploaded file is a note with its name and size.
 */
export function showRequest(input: Record<string, unknown>, method: string): LoggedBody {
  if (method === 'GET' || Object.keys(input).length === 0) return { kind: 'none', text: '', size: 0, truncated: false }
  return bounded(JSON.stringify(input, redact))
}

function redact(this: unknown, key: string, value: unknown): unknown {
  if (/password$/i.test(key) && value !== null && value !== undefined && value !== '') return '<redacted>'
  if (isSpooledFile(value)) return `<file ${value.filename}, ${value.mimetype}, ${value.size} bytes>`
  // JSON.stringify has already turned a Buffer into {type:'Buffer',data}: the original is on `this`.
  const original = (this as Record<string, unknown>)[key]
  if (Buffer.isBuffer(original) || original instanceof Uint8Array) return `<binary, ${original.length} bytes>`
  return value
}

function isSpooledFile(value: unknown): value is { filename: string; mimetype: string; size: number } {
  return typeof value === 'object' && value !== null && 'filename' in value && 'size' in value && 'dispose' in value && typeof (value as { dispose: unknown }).dispose === 'function'
}

function bounded(json: string): LoggedBody {
  return { kind: 'json', text: json.slice(0, BODY_LIMIT), size: json.length, truncated: json.length > BODY_LIMIT }
}

const binary = (size: number | null, contentType: string): LoggedBody => ({
  kind: 'binary',
  text: size === null ? `<binary stream, ${contentType}>` : `<binary, ${size} bytes, ${contentType}>`,
  size: size ?? 0,
  truncated: false,
})
