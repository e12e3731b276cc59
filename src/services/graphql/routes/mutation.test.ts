import { expect } from 'vitest'
import { gql, graphqlScenarios, upload, type GraphqlApp } from '../testing/scenarios.js'

const URL = '/v1/graphql/mutation'
const NO_QUERY = { status: 400, type: 'graphql_no_query', message: 'Param "query" is not optional.' }
const CREATE_FILE = 'mutation ($bucketId: String!, $fileId: String!, $file: InputFile!) { storageCreateFile(bucketId: $bucketId, fileId: $fileId, file: $file) { _id bucketId name sizeOriginal } }'
const png = { filename: 'logo.png', data: Buffer.from('89504e470d0a1a0a', 'hex'), type: 'image/png' }
const fileOps = (fileId = 'f1', bucketId = 'open') => ({ query: CREATE_FILE, variables: { bucketId, fileId, file: null } })
const CREATE_DOC = 'mutation ($id: String!, $data: Json!) { databasesCreateDocument(databaseId: "main", collectionId: "public", documentId: $id, data: $data) { _id _collectionId _permissions data } }'

async function rest(app: GraphqlApp, method: 'POST' | 'GET', url: string, json: unknown, cookie?: string) {
  const res = await app.send({ method, url, json, cookie })
  if (res.status >= 300) throw new Error(res.text)
  return res.body
}

graphqlScenarios('graphql.mutation', [
  { name: 'no query', request: { url: URL, json: {} }, expect: NO_QUERY },
  { name: 'a batch of 11 is too many', request: { url: URL, json: Array.from({ length: 11 }, () => ({ query: 'mutation { accountCreateAnonymousSession { _id } }' })) }, expect: { status: 400, type: 'graphql_too_many_queries' } },
  {
    name: 'a guest may not create in a users-only collection: the REST message',
    request: gql('mutation { databasesCreateDocument(databaseId: "main", collectionId: "private", documentId: "x", data: {note: "n"}) { _id } }', undefined, URL),
    expect: { status: 200, body: { errors: [{ message: 'The current user is not authorized to perform the requested action.', extensions: { code: 401, type: 'user_unauthorized' } }], data: { databasesCreateDocument: null } } },
  },
  {
    name: 'document data that breaks the collection structure: the REST message',
    request: gql(CREATE_DOC, { id: 'd1', data: { title: 'x'.repeat(40) } }, URL),
    expect: { status: 200, body: { errors: [{ message: /^Invalid document structure: Attribute "title" has invalid type/, extensions: { type: 'document_invalid_structure' } }] } },
  },
  {
    name: 'an InputFile cannot be written in the query',
    request: gql('mutation { storageCreateFile(bucketId: "open", fileId: "f", file: "x") { _id } }', undefined, URL),
    expect: { status: 200, body: { errors: [{ message: /`InputFile` cannot be hardcoded in query, be sure to conform to GraphQL multipart request specification. Instead got: StringValue/ }] }, absent: ['data'] },
  },
  {
    name: 'a file sent as a JSON variable is no file',
    request: gql(CREATE_FILE, { bucketId: 'open', fileId: 'f1', file: 'not a file' }, URL),
    expect: { status: 200, body: { errors: [{ message: 'Empty file passed to the endpoint.', extensions: { type: 'storage_file_empty' } }] } },
  },
  { name: 'multipart operations that are not JSON have no query', request: upload('{nope', { 0: ['variables.file'] }, [{ name: '0', file: png }], URL), expect: NO_QUERY },
  { name: 'multipart operations that are a list have no query', request: upload([fileOps()], { 0: ['0.variables.file'] }, [{ name: '0', file: png }], URL), expect: NO_QUERY },
  {
    name: 'a multipart map that is not JSON places no file',
    request: upload(fileOps(), 'nope', [{ name: '0', file: png }], URL),
    expect: { status: 200, body: { errors: [{ message: 'Variable "$file" of non-null type "InputFile!" must not be null.' }] } },
  },
  {
    name: 'a multipart map path into a prototype is ignored',
    request: upload(fileOps(), { 0: ['__proto__.polluted', 'variables.constructor.prototype.polluted'] }, [{ name: '0', file: png }], URL),
    expect: { status: 200, body: { errors: [{ message: 'Variable "$file" of non-null type "InputFile!" must not be null.' }] } },
    after: async () => expect(({} as Record<string, unknown>).polluted).toBeUndefined(),
  },
  {
    name: 'a multipart map naming a part that was not sent places null',
    request: upload(fileOps(), { 1: ['variables.file'] }, [{ name: '0', file: png }], URL),
    expect: { status: 200, body: { errors: [{ message: 'Variable "$file" of non-null type "InputFile!" must not be null.' }] } },
    after: async (_res, app) => expect(app.blobs.bytes, 'the unmapped part is not kept').toBe(0),
  },
  {
    name: 'one file mapped to two uploads is stored once; the second has no file',
    request: upload(
      { query: 'mutation ($a: InputFile!, $b: InputFile!) { a: storageCreateFile(bucketId: "open", fileId: "a", file: $a) { _id } b: storageCreateFile(bucketId: "open", fileId: "b", file: $b) { _id } }', variables: { a: null, b: null } },
      { 0: ['variables.a', 'variables.b'] },
      [{ name: '0', file: png }],
      URL,
    ),
    expect: { status: 200, body: { data: { a: { _id: 'a' }, b: null }, errors: [{ message: 'Empty file passed to the endpoint.', path: ['b'] }] } },
  },
  {
    name: 'a second file part is over the one-file limit of uploads: the body reads as no params',
    request: upload(fileOps(), { 0: ['variables.file'], 1: ['variables.other'] }, [{ name: '0', file: png }, { name: '1', file: png }], URL),
    expect: NO_QUERY,
    after: async (_res, app) => expect(app.blobs.bytes, 'no spooled part is left').toBe(0),
  },
  {
    name: 'a multipart upload creates the file (graphql-multipart-request-spec)',
    request: upload(fileOps('f1'), { 0: ['variables.file'] }, [{ name: '0', file: png }], URL),
    expect: { status: 200, body: { data: { storageCreateFile: { _id: 'f1', bucketId: 'open', name: 'logo.png', sizeOriginal: 8 } } }, absent: ['errors'] },
    events: { 'buckets.open.files.f1.create': 1 },
    after: async (_res, app) => expect(app.blobs.bytes).toBeGreaterThan(0),
  },
  {
    name: 'a multipart upload to /v1/graphql works the same',
    request: upload(fileOps('f2'), { 0: ['variables.file'] }, [{ name: '0', file: png }]),
    expect: { status: 200, body: { data: { storageCreateFile: { _id: 'f2', name: 'logo.png' } } } },
  },
  {
    name: 'creating a document: `$` fields as `_` fields, the attributes as JSON text in `data`',
    request: gql(CREATE_DOC, { id: 'd1', data: { title: 'Hello', count: 3, tags: ['a', 'b'] } }, URL),
    expect: { status: 200, body: { data: { databasesCreateDocument: { _id: 'd1', _collectionId: 'public', _permissions: [] } } }, absent: ['errors'] },
    events: { 'databases.main.collections.public.documents.d1.create': 1 },
    after: async (res) => expect(JSON.parse(res.body.data.databasesCreateDocument.data)).toMatchObject({ title: 'Hello', count: 3, tags: ['a', 'b'], flag: false, kind: 'alpha' }),
  },
  {
    name: 'document data as a literal, then listed',
    request: gql('mutation { databasesCreateDocument(databaseId: "main", collectionId: "public", documentId: "lit", data: {title: "Lit", count: 2, flag: true}) { _id } }', undefined, URL),
    expect: { status: 200, body: { data: { databasesCreateDocument: { _id: 'lit' } } }, absent: ['errors'] },
    after: async (_res, app) => {
      const list = await app.send(gql('{ databasesListDocuments(databaseId: "main", collectionId: "public") { total documents { _id data } } }'))
      expect(list.body.data.databasesListDocuments.total).toBe(1)
      expect(JSON.parse(list.body.data.databasesListDocuments.documents[0].data)).toMatchObject({ title: 'Lit', count: 2, flag: true })
    },
  },
  {
    name: 'deleting a document answers 204 with no body',
    before: async (app) => void (await rest(app, 'POST', '/v1/databases/main/collections/public/documents', { documentId: 'd1', data: { title: 'T' } })),
    request: gql('mutation { databasesDeleteDocument(databaseId: "main", collectionId: "public", documentId: "d1") { status } }', undefined, URL),
    expect: { status: 204 },
    events: { 'databases.main.collections.public.documents.d1.delete': 1 },
    after: async (res) => expect(res.text).toBe(''),
  },
  {
    name: 'deleting a file answers 204 with no body',
    before: async (app) => {
      const res = await app.send(upload(fileOps('gone'), { 0: ['variables.file'] }, [{ name: '0', file: png }]))
      if (res.body.errors) throw new Error(res.text)
    },
    request: gql('mutation { storageDeleteFile(bucketId: "open", fileId: "gone") { status } }', undefined, URL),
    expect: { status: 204 },
    after: async (res) => expect(res.text).toBe(''),
  },
  {
    name: 'a team and a membership through mutations; roles are `[String!]!`',
    as: 'alice',
    request: gql('mutation ($roles: [String!]!) { t: teamsCreate(teamId: "band", name: "Band") { _id name total } m: teamsCreateMembership(teamId: "band", roles: $roles, email: "bob@example.test", url: "http://localhost/join") { teamId userEmail roles confirm } }', { roles: ['guitar'] }, URL),
    expect: { status: 200, body: { data: { t: { _id: 'band', name: 'Band', total: 1 }, m: { teamId: 'band', userEmail: 'bob@example.test', roles: ['guitar'], confirm: false } } }, absent: ['errors'] },
  },
  {
    name: 'deleting a membership answers 204',
    as: 'alice',
    before: async (app, ctx) => {
      await rest(app, 'POST', '/v1/teams', { teamId: 'band', name: 'Band' }, ctx.cookie)
      ctx.membership = (await rest(app, 'POST', '/v1/teams/band/memberships', { roles: [], email: 'bob@example.test', url: 'http://localhost/join' }, ctx.cookie)).$id
    },
    request: (ctx) => gql(`mutation { teamsDeleteMembership(teamId: "band", membershipId: "${ctx.membership}") { status } }`, undefined, URL),
    expect: { status: 204 },
  },
  {
    name: 'prefs are an Assoc: a JSON string literal or an object variable',
    as: 'alice',
    request: gql('mutation ($p: Assoc!) { a: accountUpdatePrefs(prefs: "{\\"theme\\":\\"dark\\"}") { prefs { data } } b: accountUpdatePrefs(prefs: $p) { prefs { data } } }', { p: { theme: 'pink', n: 1 } }, URL),
    expect: { status: 200, body: { data: { a: { prefs: { data: '{"theme":"dark"}' } }, b: { prefs: { data: '{"theme":"pink","n":1}' } } } }, absent: ['errors'] },
  },
  {
    name: 'a query on the mutation endpoint runs too',
    request: gql('{ localeGet { countryCode } }', undefined, URL),
    expect: { status: 200, body: { data: { localeGet: { countryCode: '--' } } } },
  },
])
