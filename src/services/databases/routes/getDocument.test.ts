import { DOCS, dbScenarios, query, type DbTestApp } from '../testing/scenarios.js'

const seed = async (app: DbTestApp, collection: string, id: string, data: Record<string, unknown>, cookie?: string, permissions?: string[]) => {
  const res = await app.request({ method: 'POST', url: `${DOCS}/${collection}/documents`, cookie, body: { documentId: id, data, ...(permissions && { permissions }) } })
  if (res.status !== 201) throw new Error(res.text)
}
const get = (collection: string, id: string, queries?: string[]) => ({ method: 'GET' as const, url: `${DOCS}/${collection}/documents/${id}`, ...(queries && { query: { queries } }) })

dbScenarios('databases.getDocument', [
  { name: 'a bad document ID fails the UID rule', request: get('public', '_x'), expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `documentId` param: UID must contain/ } },
  { name: 'a disabled collection', request: get('hidden', 'a'), expect: { status: 404, type: 'collection_not_found' } },
  { name: 'a missing document', request: get('public', 'nope'), expect: { status: 404, type: 'document_not_found' } },
  {
    name: 'queries other than select are refused',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: get('public', 'd1', [query('equal', 'title', ['x'])]),
    expect: { status: 400, type: 'general_query_invalid', message: 'Invalid query method: equal' },
  },
  {
    name: 'bad JSON in a query',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: get('public', 'd1', ['{bad']),
    expect: { status: 400, type: 'general_query_invalid', message: 'Invalid query: Syntax error' },
  },
  {
    name: 'select of an unknown attribute',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: get('public', 'd1', [query('select', '', ['nope'])]),
    expect: { status: 400, type: 'general_query_invalid', message: 'Invalid query: Attribute not found in schema: nope' },
  },
  {
    name: 'with document security, a document the caller cannot read is 404',
    before: async (app, ctx) => {
      await seed(app, 'private', 'p1', { note: 'secret' }, await app.signIn('alice'))
    },
    as: 'bob',
    request: get('private', 'p1'),
    expect: { status: 404, type: 'document_not_found' },
  },
  {
    name: 'without document security, document permissions do not count',
    before: async (app) => {
      await seed(app, 'public', 'd1', { title: 'x' }, undefined, [])
    },
    request: get('public', 'd1'),
    expect: { status: 200, body: { $id: 'd1', $permissions: [] } },
  },
  {
    name: 'the owner reads a private document',
    as: 'alice',
    before: (app, ctx) => seed(app, 'private', 'p1', { note: 'secret' }, ctx.cookie),
    request: get('private', 'p1'),
    expect: { status: 200, body: { $id: 'p1', note: 'secret', $collectionId: 'private', $databaseId: 'main' } },
  },
  {
    name: 'select keeps the named attributes and internals, and the IDs of database and collection',
    before: (app) => seed(app, 'public', 'd1', { title: 'x', count: 3 }),
    request: get('public', 'd1', [query('select', '', ['title', '$id'])]),
    expect: { status: 200, body: { title: 'x', $id: 'd1', $databaseId: 'main', $collectionId: 'public' }, absent: ['count', '$createdAt', '$permissions'] },
  },
])
