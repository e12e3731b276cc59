import { describe, expect, it } from 'vitest'
import { routeTable } from '../../src/services/routes.js'
import { describeOperations, paramType, readSpec } from '../../src/control/operations.js'
import { initialValues, parseValue, prepareRequest, queryPairs } from '../../console/src/lib/forms.js'
import { samples } from '../../console/src/lib/samples.js'
import { toQueryJson } from '../../console/src/lib/queries.js'
import { splitLinks } from '../../console/src/lib/links.js'
import { sharedAvailable, sharedPath } from '../harness/shared.js'

const operations = describeOperations(routeTable)
const op = (name: string) => operations.find((o) => o.operation === name)!
const target = { endpoint: 'http://127.0.0.1:8080/v1', project: 'demo' }

describe('operation descriptions from the route table', () => {
  it('describe every route once, with SDK-style paths and params placed by method', () => {
    expect(operations).toHaveLength(routeTable.length)
    expect(new Set(operations.map((o) => o.operation)).size).toBe(routeTable.length)
    const getDocument = op('databases.getDocument')
    expect(getDocument.path).toBe('/v1/databases/{databaseId}/collections/{collectionId}/documents/{documentId}')
    expect(getDocument.params.map((p) => [p.name, p.in, p.type, p.required])).toEqual([
      ['databaseId', 'path', 'string', true],
      ['collectionId', 'path', 'string', true],
      ['documentId', 'path', 'string', true],
      ['queries', 'query', 'array', false],
    ])
    const session = op('account.createEmailPasswordSession')
    expect(session).toMatchObject({ method: 'POST', scope: 'sessions.write', authMethod: 'email-password', rateLimit: { limit: 10, window: 3600 } })
    // The pipeline's errors in the order its checks run, then the handler's (operation-errors.generated.json).
    expect(session.errors).toEqual(['project_not_found', 'user_jwt_invalid', 'general_unknown_origin', 'general_service_disabled', 'general_unauthorized_scope', 'user_blocked', 'user_more_factors_required', 'general_rate_limit_exceeded', 'user_session_already_exists', 'user_auth_method_unsupported', 'general_argument_invalid', 'user_invalid_credentials'])
    expect(session.params.find((p) => p.name === 'email')).toMatchObject({ in: 'body', type: 'string', required: true })
  })

  it('tell form types from the validators', () => {
    expect(paramType('Value must be a valid boolean')).toEqual({ type: 'boolean' })
    expect(paramType('Value must be a valid range between 0 and 2,000')).toEqual({ type: 'integer' })
    expect(paramType('Value must be one of (jpg, png)')).toEqual({ type: 'enum', values: ['jpg', 'png'] })
    expect(paramType('Value must a valid array no longer than 100 items and Value must be one of (a, b)')).toEqual({ type: 'array' })
    expect(paramType('Value must be a valid JSON string')).toEqual({ type: 'object' })
    expect(paramType('File')).toEqual({ type: 'file' })
    expect(op('storage.getFilePreview').params.find((p) => p.name === 'output')).toMatchObject({ type: 'enum', required: false })
    expect(op('storage.createFile').params.find((p) => p.name === 'file')?.type).toBe('file')
  })

  it('work without the spec, and take summaries and response models from it when it is there', () => {
    expect(readSpec('/nonexistent/client-openapi3.json').size).toBe(0)
    expect(op('account.get')).toMatchObject({ summary: null, responseModel: null })
    if (!sharedAvailable('the spec-enriched operation descriptions')) return
    const spec = readSpec(sharedPath('appwrite-1.5/client-openapi3.json'))
    const enriched = describeOperations(routeTable, spec)
    const get = enriched.find((o) => o.operation === 'account.get')!
    expect(get).toMatchObject({ summary: 'Get account', responseModel: 'user', status: 200 })
    // Every route of the table is in the spec, so every one gets its summary.
    expect(enriched.filter((o) => !o.summary).map((o) => o.operation)).toEqual([])
    expect(enriched.find((o) => o.operation === 'account.create')!.params.find((p) => p.name === 'email')?.description).toBe('User email.')
  })
})

describe('explorer forms', () => {
  it('start new IDs at unique() and defaults at their value', () => {
    expect(initialValues(op('account.create'))).toEqual({ userId: 'unique()', email: '', password: '', name: '' })
    expect(initialValues(op('avatars.getInitials'))).toMatchObject({ width: '500', height: '500' })
  })

  it('refuse missing required fields and badly typed values, naming the field', () => {
    const refused = prepareRequest(op('account.create'), { userId: 'unique()', email: '', password: 'x', name: '' }, { project: 'demo', session: null })
    expect(refused).toEqual({ ok: false, errors: { email: 'required' } })
    const bad = prepareRequest(op('avatars.getInitials'), { name: 'A', width: 'wide' }, { project: 'demo', session: null })
    expect(bad).toEqual({ ok: false, errors: { width: 'must be a number' } })
    expect(parseValue(op('functions.createExecution').params.find((p) => p.name === 'headers')!, '[1]')).toEqual({ ok: false, error: 'a JSON object' })
  })

  it('place params in the path, the query string (arrays as name[]) and the JSON body', () => {
    const list = prepareRequest(op('databases.listDocuments'), { databaseId: 'main', collectionId: 'books', queries: 'limit(1)\n{"method":"offset","values":[2]}' }, { project: 'demo', session: 'abc' })
    expect(list).toMatchObject({ ok: true, request: { method: 'GET', url: '/v1/databases/main/collections/books/documents?queries%5B%5D=%7B%22method%22%3A%22limit%22%2C%22values%22%3A%5B1%5D%7D&queries%5B%5D=%7B%22method%22%3A%22offset%22%2C%22values%22%3A%5B2%5D%7D', headers: { 'X-Appwrite-Project': 'demo', 'X-Appwrite-Session': 'abc' }, body: null } })
    const create = prepareRequest(op('databases.createDocument'), { databaseId: 'main', collectionId: 'books', documentId: 'unique()', data: '{"title":"Dune"}', permissions: 'read("any")' }, { project: 'demo', session: null })
    expect(create).toMatchObject({ ok: true, request: { url: '/v1/databases/main/collections/books/documents', body: { documentId: 'unique()', data: { title: 'Dune' }, permissions: ['read("any")'] } } })
    expect(queryPairs('headers', { a: 'b c' })).toEqual(['headers%5Ba%5D=b%20c'])
  })
})

describe('explorer samples', () => {
  const prepared = (name: string, values: Record<string, string>, session: string | null = null) => {
    const r = prepareRequest(op(name), values, { project: 'demo', session })
    if (!r.ok) throw new Error(JSON.stringify(r.errors))
    return samples(op(name), r.request, target)
  }

  it('fill curl with the method, URL, headers and body', () => {
    const s = prepared('account.createEmailPasswordSession', { email: 'ada@example.test', password: "it's-secret" }, 'sess')
    expect(s.curl).toBe(
      [
        "curl -X POST 'http://127.0.0.1:8080/v1/account/sessions/email'",
        "-H 'X-Appwrite-Project: demo'",
        "-H 'X-Appwrite-Session: sess'",
        "-H 'Content-Type: application/json'",
        `--data '{"email":"ada@example.test","password":"it'\\''s-secret"}'`,
      ].join(' \\\n  '),
    )
  })

  it('call the web SDK positionally, with undefined for a gap and nothing after the last value', () => {
    const s = prepared('storage.getFilePreview', { bucketId: 'b', fileId: 'f', height: '64' })
    expect(s.web).toContain("import { Client, Storage } from 'appwrite'")
    expect(s.web).toContain('.setProject("demo")')
    expect(s.web).toContain('const result = await storage.getFilePreview("b", "f", undefined, 64)')
    expect(prepared('account.get', {}).web).toContain('await account.get()')
  })

  it('name the arguments for Flutter, Apple and Android, in each language\'s literals', () => {
    const s = prepared('databases.createDocument', { databaseId: 'main', collectionId: 'books', documentId: 'unique()', data: '{"title":"Dune","tags":["sf"]}' })
    expect(s.flutter).toContain("  data: {'title': 'Dune', 'tags': ['sf']},")
    expect(s.flutter).toContain('final databases = Databases(client);')
    expect(s.apple).toContain('    data: ["title": "Dune", "tags": ["sf"]]')
    expect(s.apple).toContain('let result = try await databases.createDocument(')
    expect(s.android).toContain('    data = mapOf("title" to "Dune", "tags" to listOf("sf"))')
    expect(s.android).toContain('import io.appwrite.services.Databases')
    const upload = prepared('storage.createFile', { bucketId: 'b', fileId: 'unique()' })
    expect(upload.curl).toContain("-F 'file=@file.png'")
    expect(upload.web).toContain("document.getElementById('uploader').files[0]")
  })
})

describe('enum samples', () => {
  // A slice of the spec as Appwrite publishes it: the SDKs' enum type of a whitelist param.
  const spec = new Map([['GET /v1/storage/buckets/{bucketId}/files/{fileId}/preview', { parameters: [{ name: 'gravity', schema: { 'x-enum-name': 'ImageGravity', 'x-enum-keys': [] } }, { name: 'output', schema: { 'x-enum-name': 'ImageFormat', 'x-enum-keys': [] } }] }]])
  const preview = describeOperations(routeTable, spec).find((o) => o.operation === 'storage.getFilePreview')!

  it('use each SDK\'s enum member names and import the enum', () => {
    const r = prepareRequest(preview, { bucketId: 'b', fileId: 'f', gravity: 'top-left', output: 'png' }, { project: 'demo', session: null })
    if (!r.ok) throw new Error('invalid')
    const s = samples(preview, r.request, target)
    expect(s.web).toContain("import { Client, Storage, ImageGravity, ImageFormat } from 'appwrite'")
    expect(s.web).toContain('ImageGravity.TopLeft')
    expect(s.web).toContain('ImageFormat.Png')
    expect(s.flutter).toContain('gravity: ImageGravity.topLeft,')
    expect(s.flutter).toContain("import 'package:appwrite/enums.dart';")
    expect(s.apple).toContain('output: ImageFormat.png')
    expect(s.android).toContain('gravity = ImageGravity.TOP_LEFT')
    expect(s.android).toContain('import io.appwrite.enums.ImageFormat')
    expect(s.curl).toContain('gravity=top-left')
  })
})

describe('query shorthand and links', () => {
  it('write the SDK helpers\' shorthand as 1.5 JSON queries, leaving JSON and nonsense as they are', () => {
    expect(toQueryJson('equal("title", ["Dune"])')).toBe('{"method":"equal","attribute":"title","values":["Dune"]}')
    expect(toQueryJson('greaterThan("count", 5)')).toBe('{"method":"greaterThan","attribute":"count","values":[5]}')
    expect(toQueryJson('isNull("body")')).toBe('{"method":"isNull","attribute":"body"}')
    expect(toQueryJson('limit(5)')).toBe('{"method":"limit","values":[5]}')
    expect(toQueryJson('select(["title", "count"])')).toBe('{"method":"select","values":["title","count"]}')
    expect(toQueryJson('{"method":"offset","values":[1]}')).toBe('{"method":"offset","values":[1]}')
    expect(toQueryJson('equal(title)')).toBe('equal(title)')
  })

  it('split text into plain parts and links', () => {
    expect(splitLinks('Open http://localhost/x?secret=1 now')).toEqual([{ text: 'Open ' }, { text: 'http://localhost/x?secret=1', href: 'http://localhost/x?secret=1' }, { text: ' now' }])
    expect(splitLinks('code 123456')).toEqual([{ text: 'code 123456' }])
  })
})
