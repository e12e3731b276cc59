import { expect } from 'vitest'
import { DOCS, dbScenarios, query, type DbScenario, type DbTestApp } from '../testing/scenarios.js'

const list = (queries?: unknown, collection = 'public') => ({ method: 'GET' as const, url: `${DOCS}/${collection}/documents`, ...(queries !== undefined && { query: { queries: queries as string[] } }) })
const invalid = (message: string) => ({ status: 400, type: 'general_query_invalid', message })

const SEED: Record<string, Record<string, unknown>> = {
  d1: { title: 'Alpha', count: 1, score: 1.5, flag: true, tags: ['red', 'Blue'], body: 'Spider-Man: Far From Home', when: '2020-01-01T00:00:00Z' },
  d2: { title: 'beta', count: 2, score: 2.5, tags: ['green'], body: 'Spiderverse', when: '2021-06-01T00:00:00Z' },
  d3: { title: 'Gamma', count: 3 },
  d4: { title: 'alphabet', body: 'home alone', score: -1 },
  d5: { title: 'Delta', count: 5, flag: true, kind: 'beta' },
}
async function seed(app: DbTestApp) {
  for (const [id, data] of Object.entries(SEED)) {
    const res = await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: id, data, permissions: ['read("any")'] } })
    if (res.status !== 201) throw new Error(res.text)
  }
}
/** A happy-path row: the seeded documents, these queries, exactly these IDs in this order. */
const finds = (name: string, queries: string[], ids: string[], total = ids.length): DbScenario => ({
  name,
  before: seed,
  request: list(queries),
  expect: { status: 200, body: { total } },
  after: async (res) => expect(res.body.documents.map((d: { $id: string }) => d.$id)).toEqual(ids),
})

dbScenarios('databases.listDocuments: validation', [
  {
    name: 'queries must be an array',
    request: { method: 'GET', url: `${DOCS}/public/documents?queries=${encodeURIComponent(query('limit', undefined, [1]))}` },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `queries` param: Value must a valid array no longer than 100 items and Value must be a valid string and at least 1 chars and no longer than 4096 chars' },
  },
  { name: 'more than 100 queries', request: list(Array.from({ length: 101 }, () => query('limit', undefined, [1]))), expect: { status: 400, type: 'general_argument_invalid' } },
  { name: 'a disabled collection', request: list(undefined, 'hidden'), expect: { status: 404, type: 'collection_not_found' } },
  { name: 'bad JSON', request: list(['{"method":']), expect: invalid('Invalid query: Syntax error') },
  { name: 'a query that is not an object', request: list(['5']), expect: invalid('Invalid query. Must be an array, got integer') },
  { name: 'an unknown method', request: list([query('nope', 'title', ['x'])]), expect: invalid('Invalid query method: nope') },
  { name: 'a non-string attribute', request: list([JSON.stringify({ method: 'equal', attribute: 5, values: ['x'] })]), expect: invalid('Invalid query attribute. Must be a string, got integer') },
  { name: 'equal without values', request: list([query('equal', 'title', [])]), expect: invalid('Invalid query: Equal queries require at least one value.') },
  { name: 'contains without values', request: list([query('contains', 'title', [])]), expect: invalid('Invalid query: Contains queries require at least one value.') },
  { name: 'notEqual with two values', request: list([query('notEqual', 'title', ['a', 'b'])]), expect: invalid('Invalid query: NotEqual queries require exactly one value.') },
  { name: 'lessThan with no value', request: list([query('lessThan', 'count', [])]), expect: invalid('Invalid query: LessThan queries require exactly one value.') },
  { name: 'search with two values', request: list([query('search', 'body', ['a', 'b'])]), expect: invalid('Invalid query: Search queries require exactly one value.') },
  { name: 'startsWith with two values', request: list([query('startsWith', 'title', ['a', 'b'])]), expect: invalid('Invalid query: StartsWith queries require exactly one value.') },
  { name: 'between with one value', request: list([query('between', 'count', [1])]), expect: invalid('Invalid query: Between queries require exactly two values.') },
  { name: 'and with one query', request: list([JSON.stringify({ method: 'and', values: [{ method: 'equal', attribute: 'title', values: ['a'] }] })]), expect: invalid('Invalid query: And queries require at least two queries') },
  {
    name: 'or holding a limit',
    request: list([JSON.stringify({ method: 'or', values: [{ method: 'equal', attribute: 'title', values: ['a'] }, { method: 'limit', values: [1] }] })]),
    expect: invalid('Invalid query: Or queries can only contain filter queries'),
  },
  {
    name: 'a bad query inside or',
    request: list([JSON.stringify({ method: 'or', values: [{ method: 'equal', attribute: 'nope', values: ['a'] }, { method: 'equal', attribute: 'title', values: ['b'] }] })]),
    expect: invalid('Invalid query: Attribute not found in schema: nope'),
  },
  { name: 'an unknown attribute', request: list([query('equal', 'nope', ['x'])]), expect: invalid('Invalid query: Attribute not found in schema: nope') },
  { name: 'a nested attribute of a plain attribute', request: list([query('equal', 'title.x', ['x'])]), expect: invalid('Invalid query: Cannot query nested attribute on: title') },
  { name: 'a string for an integer', request: list([query('equal', 'count', ['1'])]), expect: invalid('Invalid query: Query value is invalid for attribute "count"') },
  { name: 'a number for a string', request: list([query('equal', 'title', [1])]), expect: invalid('Invalid query: Query value is invalid for attribute "title"') },
  { name: 'a string for a boolean', request: list([query('equal', 'flag', ['true'])]), expect: invalid('Invalid query: Query value is invalid for attribute "flag"') },
  { name: 'a bad datetime', request: list([query('greaterThan', 'when', ['soon'])]), expect: invalid('Invalid query: Query value is invalid for attribute "when"') },
  { name: 'a bad $createdAt', request: list([query('lessThan', '$createdAt', [5])]), expect: invalid('Invalid query: Query value is invalid for attribute "$createdAt"') },
  {
    name: 'more than 100 values',
    request: list([query('equal', 'title', Array.from({ length: 101 }, (_, i) => `t${i}`))]),
    expect: invalid('Invalid query: Query on attribute has greater than 100 values: title'),
  },
  { name: 'contains on an integer', request: list([query('contains', 'count', [1])]), expect: invalid('Invalid query: Cannot query contains on attribute "count" because it is not an array or string.') },
  { name: 'equal on an array', request: list([query('equal', 'tags', ['red'])]), expect: invalid('Invalid query: Cannot query equal on attribute "tags" because it is an array.') },
  { name: 'search on an array', request: list([query('search', 'tags', ['red'])]), expect: invalid('Invalid query: Cannot query search on attribute "tags" because it is an array.') },
  { name: 'search without a fulltext index', request: list([query('search', 'title', ['x'])]), expect: invalid('Searching by attribute "title" requires a fulltext index.') },
  { name: 'limit 0', request: list([query('limit', undefined, [0])]), expect: invalid('Invalid query: Invalid limit: Value must be a valid range between 1 and 9,223,372,036,854,775,807') },
  { name: 'a limit that is not a number', request: list([query('limit', undefined, ['many'])]), expect: invalid('Invalid query: Invalid limit: Value must be a valid number') },
  { name: 'a negative offset', request: list([query('offset', undefined, [-1])]), expect: invalid('Invalid query: Invalid offset: Value must be a valid range between 0 and 9,223,372,036,854,775,807') },
  { name: 'order by an unknown attribute', request: list([query('orderAsc', 'nope')]), expect: invalid('Invalid query: Attribute not found in schema: nope') },
  { name: 'select nothing', request: list([query('select', undefined, [])]), expect: invalid('Invalid query: No attributes selected') },
  { name: 'select an unknown attribute', request: list([query('select', undefined, ['title', 'nope'])]), expect: invalid('Invalid query: Attribute not found in schema: nope') },
  { name: 'select twice the same', request: list([query('select', undefined, ['title', 'title'])]), expect: invalid('Invalid query: Duplicate attributes selected') },
  { name: 'a cursor naming no document', request: list([query('cursorAfter', undefined, ['nope'])]), expect: { status: 400, type: 'general_cursor_not_found', message: "Document 'nope' for the 'cursor' value not found." } },
  {
    name: 'a virtual relationship side cannot be queried',
    request: list([query('equal', 'books', ['b1'])], 'authors'),
    expect: invalid('Invalid query: Cannot query on virtual relationship attribute'),
  },
  { name: 'neither collection read nor document security is 401', request: list(undefined, 'closed'), expect: { status: 401, type: 'user_unauthorized' } },
  { name: 'queries are validated before permissions', request: list([query('equal', 'nope', ['x'])], 'closed'), expect: invalid('Invalid query: Attribute not found in schema: nope') },
])

dbScenarios('databases.listDocuments: methods', [
  finds('no queries: insertion order, default page', [], ['d1', 'd2', 'd3', 'd4', 'd5']),
  finds('equal ignores case', [query('equal', 'title', ['ALPHA'])], ['d1']),
  finds('equal with several values is IN', [query('equal', 'count', [1, 3])], ['d1', 'd3']),
  finds('equal on a boolean', [query('equal', 'flag', [true])], ['d1', 'd5']),
  finds('equal on $id', [query('equal', '$id', ['d2', 'D4'])], ['d2', 'd4']),
  finds('notEqual leaves out missing values', [query('notEqual', 'count', [1])], ['d2', 'd3', 'd5']),
  finds('lessThan', [query('lessThan', 'count', [3])], ['d1', 'd2']),
  finds('lessThanEqual', [query('lessThanEqual', 'count', [3])], ['d1', 'd2', 'd3']),
  finds('greaterThan on a float', [query('greaterThan', 'score', [1.5])], ['d2']),
  finds('greaterThanEqual', [query('greaterThanEqual', 'count', [3])], ['d3', 'd5']),
  finds('greaterThan on strings ignores case', [query('greaterThan', 'title', ['b'])], ['d2', 'd3', 'd5']),
  finds('between is inclusive', [query('between', 'count', [2, 3])], ['d2', 'd3']),
  finds('between datetimes in another zone', [query('between', 'when', ['2019-12-31 18:00:00-05:00', '2020-06-01'])], ['d1']),
  finds('contains on a string is a substring', [query('contains', 'title', ['PH'])], ['d1', 'd4']),
  finds('contains on an array matches whole elements, ignoring case', [query('contains', 'tags', ['blue', 'green'])], ['d1', 'd2']),
  finds('contains on an array does not match parts', [query('contains', 'tags', ['re'])], []),
  finds('search: the last word is a prefix', [query('search', 'body', ['spider'])], ['d1', 'd2']),
  finds('search: words are OR-ed', [query('search', 'body', ['alone verse'])], ['d4']),
  finds('search: earlier words match whole', [query('search', 'body', ['spider home'])], ['d1', 'd4']),
  finds('search: a quoted phrase is exact', [query('search', 'body', ['"far from"'])], ['d1']),
  finds('isNull', [query('isNull', 'body')], ['d3', 'd5']),
  finds('isNull on an array', [query('isNull', 'tags')], ['d3', 'd4', 'd5']),
  finds('isNotNull', [query('isNotNull', 'count')], ['d1', 'd2', 'd3', 'd5']),
  finds('startsWith ignores case', [query('startsWith', 'title', ['AL'])], ['d1', 'd4']),
  finds('startsWith treats % and _ literally', [query('startsWith', 'title', ['%'])], []),
  finds('endsWith', [query('endsWith', 'title', ['a'])], ['d1', 'd2', 'd3', 'd5']),
  finds('orderAsc ignores case', [query('orderAsc', 'title')], ['d1', 'd4', 'd2', 'd5', 'd3']),
  finds('orderDesc puts missing values last', [query('orderDesc', 'count')], ['d5', 'd3', 'd2', 'd1', 'd4']),
  finds('orderDesc on nothing reverses insertion order', [query('orderDesc', '')], ['d5', 'd4', 'd3', 'd2', 'd1']),
  finds('two orders', [query('orderDesc', 'flag'), query('orderAsc', 'title')], ['d1', 'd5', 'd4', 'd2', 'd3']),
  finds('limit and offset; total counts the filters only', [query('limit', undefined, [2]), query('offset', undefined, [1])], ['d2', 'd3'], 5),
  finds('cursorAfter', [query('cursorAfter', undefined, ['d2'])], ['d3', 'd4', 'd5'], 5),
  finds('cursorBefore with a limit takes the nearest', [query('cursorBefore', undefined, ['d4']), query('limit', undefined, [2])], ['d2', 'd3'], 5),
  finds('cursorAfter in a custom order', [query('orderAsc', 'title'), query('cursorAfter', undefined, ['d4'])], ['d2', 'd5', 'd3'], 5),
  finds('cursorAfter in descending order with missing values', [query('orderDesc', 'count'), query('cursorAfter', undefined, ['d1'])], ['d4'], 5),
  finds('and', [JSON.stringify({ method: 'and', values: [{ method: 'greaterThan', attribute: 'count', values: [1] }, { method: 'lessThan', attribute: 'count', values: [5] }] })], ['d2', 'd3']),
  finds('or', [JSON.stringify({ method: 'or', values: [{ method: 'equal', attribute: 'title', values: ['gamma'] }, { method: 'isNull', attribute: 'count' }] })], ['d3', 'd4']),
  {
    name: 'select keeps named attributes; internal ones and the IDs only when named',
    before: seed,
    request: list([query('select', undefined, ['title', '$id']), query('limit', undefined, [1])]),
    expect: { status: 200, body: { total: 5, documents: [{ title: 'Alpha', $id: 'd1' }] } },
    after: async (res) => expect(Object.keys(res.body.documents[0]).sort()).toEqual(['$id', 'title']),
  },
  {
    name: 'select with $databaseId and $collectionId keeps them',
    before: seed,
    request: list([query('select', undefined, ['count', '$databaseId', '$collectionId']), query('limit', undefined, [1])]),
    expect: { status: 200 },
    after: async (res) => expect(res.body.documents[0]).toEqual({ count: 1, $databaseId: 'main', $collectionId: 'public' }),
  },
  {
    name: 'the default page is 25; total counts every match',
    before: async (app) => {
      for (let i = 0; i < 30; i++) {
        const res = await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: `p${i}`, data: { title: `t${i}` } } })
        if (res.status !== 201) throw new Error(res.text)
      }
    },
    request: list(),
    expect: { status: 200, body: { total: 30 } },
    after: async (res) => expect(res.body.documents).toHaveLength(25),
  },
  {
    name: 'documents come back whole without select',
    before: seed,
    request: list([query('limit', undefined, [1])]),
    expect: { status: 200, body: { documents: [{ $id: 'd1', $databaseId: 'main', $collectionId: 'public', $permissions: ['read("any")'], kind: 'alpha', nums: null }] } },
  },
])

dbScenarios('databases.listDocuments: permissions', [
  {
    name: 'with document security, each user sees only what they may read, and total counts the same',
    before: async (app) => {
      const alice = await app.signIn('alice')
      const bob = await app.signIn('bob')
      for (const [id, cookie, permissions] of [['a1', alice, undefined], ['a2', alice, ['read("any")']], ['b1', bob, undefined], ['a3', alice, ['read("user:alice")']]] as const) {
        const res = await app.request({ method: 'POST', url: `${DOCS}/private/documents`, cookie, body: { documentId: id, data: { note: id }, ...(permissions && { permissions }) } })
        if (res.status !== 201) throw new Error(res.text)
      }
    },
    as: 'bob',
    request: list(undefined, 'private'),
    expect: { status: 200, body: { total: 2 } },
    after: async (res, app) => {
      expect(res.body.documents.map((d: { $id: string }) => d.$id)).toEqual(['a2', 'b1'])
      const guest = await app.request(list(undefined, 'private'))
      expect(guest.body).toMatchObject({ total: 1, documents: [{ $id: 'a2' }] })
    },
  },
  {
    name: 'collection read returns every document whatever its permissions',
    before: async (app) => {
      const res = await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: 'x', data: { title: 'x' }, permissions: [] } })
      if (res.status !== 201) throw new Error(res.text)
    },
    request: list(),
    expect: { status: 200, body: { total: 1, documents: [{ $id: 'x', $permissions: [] }] } },
  },
])
