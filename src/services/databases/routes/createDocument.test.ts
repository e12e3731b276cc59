import { expect } from 'vitest'
import { DOCS, dbScenarios, type DbRequest } from '../testing/scenarios.js'

const create = (collection: string, body: Record<string, unknown>, extra: Partial<DbRequest> = {}): DbRequest => ({
  method: 'POST',
  url: `${DOCS}/${collection}/documents`,
  body,
  ...extra,
})
const pub = (data: unknown, more: Record<string, unknown> = {}) => create('public', { documentId: 'doc1', data, ...more })
const structure = (message: string) => ({ status: 400, type: 'document_invalid_structure', message: `Invalid document structure: ${message}` })

dbScenarios('databases.createDocument', [
  {
    name: 'the console project is refused before anything else',
    request: { ...pub({ title: 'x' }), headers: { 'x-appwrite-project': 'console' } },
    expect: { status: 401, type: 'general_access_forbidden' },
  },
  { name: 'a missing documentId is not optional', request: create('public', { data: { title: 'x' } }), expect: { status: 400, type: 'general_argument_invalid', message: 'Param "documentId" is not optional.' } },
  {
    name: 'a bad documentId fails the CustomId rule',
    request: create('public', { documentId: '_bad', data: { title: 'x' } }),
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `documentId` param: Parameter must contain at most 36 chars/ },
  },
  { name: 'data that is not JSON', request: pub('{nope'), expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `data` param: Value must be a valid JSON string' } },
  { name: 'data as a number', request: pub(5), expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `data` param: Value must be a valid JSON string' } },
  { name: 'empty data', request: pub({}), expect: { status: 400, type: 'document_missing_data' } },
  { name: 'empty data in a string', request: pub('{}'), expect: { status: 400, type: 'document_missing_data' } },
  { name: '$id in data', request: pub({ $id: 'x', title: 'x' }), expect: { status: 400, type: 'document_invalid_structure', message: '$id is not allowed for creating new documents, try update instead' } },
  { name: 'an unknown database', request: { ...pub({ title: 'x' }), url: '/v1/databases/nope/collections/public/documents' }, expect: { status: 404, type: 'database_not_found' } },
  { name: 'a disabled database reads as missing', request: { ...pub({ title: 'x' }), url: '/v1/databases/off/collections/elsewhere/documents' }, expect: { status: 404, type: 'database_not_found' } },
  { name: 'an unknown collection', request: create('nope', { documentId: 'a', data: { title: 'x' } }), expect: { status: 404, type: 'collection_not_found' } },
  { name: 'a disabled collection reads as missing', request: create('hidden', { documentId: 'a', data: { note: 'x' } }), expect: { status: 404, type: 'collection_not_found' } },
  {
    name: 'a bad permission string',
    request: pub({ title: 'x' }, { permissions: ['read("nobody")'] }),
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `permissions` param: Role "nobody" is not allowed. Must be one of: any, guests, users, user, team, member, label.' },
  },
  {
    name: 'create is not a document permission',
    request: pub({ title: 'x' }, { permissions: ['create("any")'] }),
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `permissions` param: Permission "create" is not allowed. Must be one of: read, update, delete, write.' },
  },
  {
    name: 'a guest cannot grant roles it does not hold',
    request: pub({ title: 'x' }, { permissions: ['read("users")'] }),
    expect: { status: 401, type: 'user_unauthorized', message: 'Permissions must be one of: (any, guests)' },
  },
  {
    name: 'a user cannot grant another user',
    as: 'alice',
    request: pub({ title: 'x' }, { permissions: ['read("user:bob")'] }),
    expect: { status: 401, type: 'user_unauthorized', message: 'Permissions must be one of: (any, users, user:alice, users/unverified, user:alice/unverified)' },
  },
  { name: 'a guest cannot create where only users may', request: create('private', { documentId: 'a', data: { note: 'x' } }), expect: { status: 401, type: 'user_unauthorized' } },
  { name: 'nobody creates where the collection grants no create', as: 'alice', request: create('readers', { documentId: 'a', data: { note: 'x' } }), expect: { status: 401, type: 'user_unauthorized' } },
  { name: 'a required attribute is missing', request: pub({ body: 'x' }), expect: structure('Missing required attribute "title"') },
  { name: 'a required attribute is null', request: pub({ title: null }), expect: structure('Missing required attribute "title"') },
  { name: 'an unknown attribute', request: pub({ title: 'x', nope: 1 }), expect: structure('Unknown attribute: "nope"') },
  { name: 'read-only $ fields are unknown', request: pub({ title: 'x', $databaseId: 'main' }), expect: structure('Unknown attribute: "$databaseId"') },
  { name: 'a string too long', request: pub({ title: 'x'.repeat(33) }), expect: structure('Attribute "title" has invalid type. Value must be a valid string and no longer than 32 chars') },
  { name: 'a number for a string', request: pub({ title: 5 }), expect: structure('Attribute "title" has invalid type. Value must be a valid string and no longer than 32 chars') },
  { name: 'an integer out of range', request: pub({ title: 'x', count: 101 }), expect: structure('Attribute "count" has invalid format. Value must be a valid range between 0 and 100') },
  { name: 'a float for an integer', request: pub({ title: 'x', count: 1.5 }), expect: structure('Attribute "count" has invalid format. Value must be a valid integer') },
  { name: 'a string for an integer', request: pub({ title: 'x', count: '5' }), expect: structure('Attribute "count" has invalid format. Value must be a valid integer') },
  {
    name: 'an integer beyond the 64-bit default range',
    request: pub({ title: 'x', big: 1e300 }),
    expect: structure('Attribute "big" has invalid format. Value must be a valid range between -9,223,372,036,854,775,808 and 9,223,372,036,854,775,807'),
  },
  { name: 'a string for a float', request: pub({ title: 'x', score: 'high' }), expect: structure('Attribute "score" has invalid format. Value must be a valid float') },
  { name: 'a string for a boolean', request: pub({ title: 'x', flag: 'true' }), expect: structure('Attribute "flag" has invalid type. Value must be a valid boolean') },
  { name: 'a bad datetime', request: pub({ title: 'x', when: 'someday' }), expect: structure('Attribute "when" has invalid type. Value must be valid date.') },
  { name: 'a bad email', request: pub({ title: 'x', email: 'nope' }), expect: structure('Attribute "email" has invalid format. Value must be a valid email address') },
  { name: 'a bad IP', request: pub({ title: 'x', ip: '300.1.1.1' }), expect: structure('Attribute "ip" has invalid format. Value must be a valid IP address') },
  { name: 'a bad URL', request: pub({ title: 'x', url: 'not a url' }), expect: structure('Attribute "url" has invalid format. Value must be a valid URL') },
  { name: 'a value outside the enum', request: pub({ title: 'x', kind: 'delta' }), expect: structure('Attribute "kind" has invalid format. Value must be one of (alpha, beta, gamma)') },
  { name: 'a scalar for an array', request: pub({ title: 'x', tags: 'a' }), expect: structure('Attribute "tags" must be an array') },
  {
    name: 'a bad array element names its index',
    request: pub({ title: 'x', tags: ['ok', 'far too long'] }),
    expect: structure("Attribute \"tags['1']\" has invalid type. Value must be a valid string and no longer than 10 chars"),
  },
  {
    name: 'a repeated ID',
    before: async (app) => void (await app.request(pub({ title: 'first' }))),
    request: pub({ title: 'again' }),
    expect: { status: 409, type: 'document_already_exists' },
  },
  {
    name: 'a repeated value of a unique index',
    before: async (app) => void (await app.request(create('public', { documentId: 'a', data: { title: 'a', email: 'same@example.test' } }))),
    request: pub({ title: 'b', email: 'SAME@example.test' }),
    expect: { status: 409, type: 'document_already_exists' },
  },
  {
    name: 'a user gets read, update and delete by default',
    as: 'alice',
    request: pub({ title: 'Hello' }),
    expect: {
      status: 201,
      body: {
        $id: 'doc1', $databaseId: 'main', $collectionId: 'public', title: 'Hello', body: null, flag: false, kind: 'alpha', tags: null,
        $createdAt: '2024-05-01T10:20:30.123+00:00', $updatedAt: '2024-05-01T10:20:30.123+00:00',
        $permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'],
      },
      absent: ['$internalId', '$collection'],
    },
    events: { 'databases.main.collections.public.documents.doc1.create': 1, 'databases.*.collections.*.documents.*.update': 0 },
  },
  { name: 'a guest gets no permissions by default', request: pub({ title: 'Hello' }), expect: { status: 201, body: { $permissions: [] } } },
  {
    name: 'write expands to update and delete after the plain permissions',
    request: pub({ title: 'Hello' }, { permissions: ['write("any")', 'read("any")', 'read("any")'] }),
    expect: { status: 201, body: { $permissions: ['read("any")', 'update("any")', 'delete("any")'] } },
  },
  { name: 'an empty permission list is kept empty', as: 'alice', request: pub({ title: 'Hello' }, { permissions: [] }), expect: { status: 201, body: { $permissions: [] } } },
  {
    name: 'data may be a JSON string; datetimes become UTC with milliseconds',
    request: pub(JSON.stringify({ title: 'x', when: '1975-06-12 14:12:55 America/New_York' })),
    expect: { status: 201, body: { when: '1975-06-12T18:12:55.000+00:00' } },
  },
  {
    name: 'every attribute type round-trips',
    request: pub({
      title: 'all', body: 'text', count: 7, big: 9007199254740991, score: 1.5, flag: true, when: '2024-01-02T03:04:05.678Z', email: 'a@b.co',
      ip: '2001:db8::1', url: 'https://example.test/x', kind: 'gamma', tags: ['a', null, 'b'], nums: [1, 2],
    }),
    expect: {
      status: 201,
      body: { count: 7, big: 9007199254740991, score: 1.5, flag: true, when: '2024-01-02T03:04:05.678+00:00', ip: '2001:db8::1', kind: 'gamma', tags: ['a', null, 'b'], nums: [1, 2] },
    },
  },
  {
    name: 'unique() makes a 20-char hex ID',
    request: create('public', { documentId: 'unique()', data: { title: 'x' } }),
    expect: { status: 201 },
    after: async (res) => expect(res.body.$id).toMatch(/^[0-9a-f]{20}$/),
  },
  {
    name: 'a user may create where users may, with document security',
    as: 'alice',
    request: create('private', { documentId: 'p1', data: { note: 'mine' } }),
    expect: { status: 201, body: { note: 'mine', $permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'] } },
  },
])
