import type { FastifyInstance, FastifyRequest } from 'fastify'
import multipart from '@fastify/multipart'
import { lazyRequire } from '../lazy.js'

const loadQs = lazyRequire<typeof import('qs')>('qs')
import type { IncomingFilePart } from '../core/route.js'

/** Most a request body may hold, as Appwrite's server (`package_max_length`, 12 MB). */
export const BODY_LIMIT = 12 * 1024 * 1024

/** An uploaded file from a multipart body. */
export interface UploadedFile {
  filename: string
  mimetype: string
  data: Buffer
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** PHP-style parsing of query strings and form bodies: `queries[0]=…` and `queries[]=…` become arrays. */
export function parseQueryString(text: string): Record<string, unknown> {
  if (text === '') return {}
  // Brackets (raw or encoded) mean PHP-style arrays or objects: qs parses those, and loads on first need; the
  // shape SDKs send for lists (`queries[]=…&queries[]=…`) is read here first, as qs reads it (issue 15).
  if (/\[|%5b/i.test(text)) return simpleLists(text) ?? (loadQs().parse(text, { arrayLimit: 1000, parameterLimit: 2000, depth: 5 }) as Record<string, unknown>)
  const out: Record<string, unknown> = {}
  let count = 0
  for (const [key, value] of new URLSearchParams(text)) {
    if (++count > 2000) break
    // Like qs (allowPrototypes: false): keys that name Object.prototype members are dropped.
    if (key in Object.prototype) continue
    const seen = out[key]
    // A repeated plain key becomes a list, as qs does.
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
  }
  return out
}

// qs's decoding: `+` is a space, then percent-decoding; a malformed sequence leaves the text as it is.
function qsDecode(text: string): string {
  const spaced = text.includes('+') ? text.replace(/\+/g, ' ') : text
  if (!spaced.includes('%')) return spaced
  try {
    return decodeURIComponent(spaced)
  } catch {
    return spaced
  }
}

const SIMPLE_KEY = /^(\w+)(\[\])?$/
const SIMPLE_LIST_LIMIT = 100

/**
 * What qs gives for a query string whose keys are all `name` or `name[]` (each name in one form only, a few
 * dozen values a list at most), or undefined for any other string, which qs then parses.
 */
function simpleLists(text: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {}
  const lists = new Set<string>()
  let count = 0
  for (const part of text.split('&')) {
    if (part === '') continue
    if (++count > SIMPLE_LIST_LIMIT) return undefined
    const at = part.indexOf(']=') === -1 ? part.indexOf('=') : part.indexOf(']=') + 1
    const m = SIMPLE_KEY.exec(qsDecode(at === -1 ? part : part.slice(0, at)))
    if (!m || m[1]! in Object.prototype) return undefined
    const name = m[1]!
    const value = at === -1 ? '' : qsDecode(part.slice(at + 1))
    const seen = out[name]
    if (m[2]) {
      if (seen !== undefined && !lists.has(name)) return undefined
      lists.add(name)
      if (seen === undefined) out[name] = [value]
      else (seen as string[]).push(value)
    } else {
      if (lists.has(name)) return undefined
      out[name] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value]
    }
  }
  return out
}

/** Where an `application/graphql` body is kept: beside the params, never one of them (the GraphQL routes read it). */
export const RAW_BODY = Symbol.for('appwrite-emulator.raw-body')

/**
 * Body parsers that never fail a request: JSON that does not parse, or is not an object, reads as no params
 * at all (PHP's json_decode gives null and Appwrite then reports the first missing param); a JSON list reads
 * as params `0`, `1`, … as PHP's decoded list does (GraphQL batches). Unknown content types are read and
 * ignored; an `application/graphql` body is kept under `RAW_BODY`.
 */
export async function registerBodyParsers(app: FastifyInstance): Promise<void> {
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    try {
      const parsed = JSON.parse(body as string) as unknown
      done(null, isObject(parsed) ? parsed : Array.isArray(parsed) ? { ...parsed } : {})
    } catch {
      done(null, {})
    }
  })
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => {
    done(null, parseQueryString(body as string))
  })
  app.addContentTypeParser('application/graphql', { parseAs: 'string', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, { [RAW_BODY]: body }))
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, _body, done) => done(null, {}))
}

/**
 * Multipart bodies, for the context that serves the routes which read a body. @fastify/multipart adds hooks
 * to every request of its context, so GET routes live outside it.
 */
export async function registerMultipart(app: FastifyInstance): Promise<void> {
  // Uploads stream to disk in pieces of up to 1 MB instead of busboy's 16 KB default.
  await app.register(multipart, { fileHwm: 1024 * 1024, limits: { fileSize: BODY_LIMIT, files: 1, fields: 200, fieldSize: 1024 * 1024 } })
}

/** Takes a multipart file part as it streams in (uploads go to disk this way); its result becomes the param. */
export type FilePartSink = (part: IncomingFilePart) => Promise<unknown>

/** The params of a request: the query string for GET and HEAD, the body for everything else. */
export async function readInput(req: FastifyRequest, sink?: FilePartSink): Promise<Record<string, unknown>> {
  if (req.method === 'GET' || req.method === 'HEAD') return (req.query as Record<string, unknown>) ?? {}
  if (req.isMultipart()) return readMultipart(req, sink)
  return isObject(req.body) ? req.body : {}
}

async function readMultipart(req: FastifyRequest, sink?: FilePartSink): Promise<Record<string, unknown>> {
  const pairs: string[] = []
  const files: Record<string, unknown> = {}
  // The file parts a GraphQL multipart request's `map` names (it comes before them, graphql-multipart-request-spec).
  let mapped = new Set<string>()
  try {
    for await (const part of req.parts()) {
      if (part.type !== 'file') {
        pairs.push(`${encodeURIComponent(part.fieldname)}=${encodeURIComponent(String(part.value))}`)
        if (part.fieldname === 'map') mapped = mapKeys(String(part.value))
      } else if (sink && (part.fieldname === 'file' || mapped.has(part.fieldname))) {
        files[part.fieldname] = await sink({ filename: part.filename, mimetype: part.mimetype, stream: part.file, truncated: () => part.file.truncated })
      } else if (sink) {
        // Only an upload's `file` is a file param; a file sent under another name is no param at all, as in PHP.
        part.file.resume()
      } else {
        files[part.fieldname] = { filename: part.filename, mimetype: part.mimetype, data: await part.toBuffer() } satisfies UploadedFile
      }
    }
  } catch (error) {
    if (!isUnreadableMultipart(error)) throw error
    // A body that is not multipart after all (no boundary, a boundary over 256 characters, truncated, the wrong
    // closing boundary) holds no params, as PHP reads it; the route then reports its first missing param.
    return {}
  }
  return { ...parseQueryString(pairs.join('&')), ...files }
}

/** The file part names of a GraphQL multipart `map` (`{"0": ["variables.file"]}`); none when it is not a JSON object. */
function mapKeys(map: string): Set<string> {
  try {
    const parsed = JSON.parse(map) as unknown
    return new Set(isObject(parsed) ? Object.keys(parsed) : [])
  } catch {
    return new Set()
  }
}

/** Whether an error is busboy's or @fastify/multipart's verdict on the body, rather than a failure of ours. */
function isUnreadableMultipart(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown }
  if (code === 'FST_REQ_FILE_TOO_LARGE') return false // answered 413 by the error handler
  if (typeof code === 'string' && /^FST_(INVALID_MULTIPART|PARTS_LIMIT|FILES_LIMIT|FIELDS_LIMIT|PROTO_VIOLATION|MULTIPART)/.test(code)) return true
  return typeof message === 'string' && /multipart|unexpected end of (form|multipart)|boundary|malformed part header|needle cannot have a length/i.test(message)
}
