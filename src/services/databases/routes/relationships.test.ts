import { expect } from 'vitest'
import { DOCS, dbScenarios, query, type DbTestApp } from '../testing/scenarios.js'

const post = (collection: string, documentId: string, data: unknown, permissions?: string[]) => ({
  method: 'POST' as const,
  url: `${DOCS}/${collection}/documents`,
  body: { documentId, data, ...(permissions && { permissions }) },
})
async function must(app: DbTestApp, req: ReturnType<typeof post> | { method: 'PATCH' | 'DELETE' | 'GET'; url: string; body?: unknown }, cookie?: string) {
  const res = await app.request({ ...req, cookie })
  if (res.status >= 300) throw new Error(`${req.method} ${req.url}: ${res.text}`)
  return res.body
}
const get = (collection: string, id: string) => ({ method: 'GET' as const, url: `${DOCS}/${collection}/documents/${id}` })
const total = async (app: DbTestApp, collection: string, cookie: string) => (await app.request({ method: 'GET', url: `${DOCS}/${collection}/documents`, cookie })).body.total

dbScenarios('databases: relationships', [
  {
    name: 'a list relationship given a string',
    as: 'alice',
    request: post('authors', 'a1', { name: 'Ann', books: 'b1' }),
    expect: { status: 400, type: 'relationship_value_invalid', message: 'Invalid relationship value. Must be either an array of documents or document IDs, string given.' },
  },
  {
    name: 'a single relationship given a list',
    as: 'alice',
    request: post('authors', 'a1', { name: 'Ann', profile: ['p1'] }),
    expect: { status: 400, type: 'relationship_value_invalid', message: 'Invalid relationship value. Must be either a document, document ID, or null. Array given.' },
  },
  {
    name: 'a list item that is neither document nor ID',
    as: 'alice',
    request: post('authors', 'a1', { name: 'Ann', books: [5] }),
    expect: { status: 400, type: 'relationship_value_invalid', message: 'Invalid relationship value. Must be either a document or document ID, integer given.' },
  },
  {
    name: 'a failed nested create leaves nothing behind',
    as: 'alice',
    request: post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'Fine' }, { $id: 'b2', title: 42 }] }),
    expect: { status: 400, type: 'document_invalid_structure', message: 'Invalid document structure: Attribute "title" has invalid type. Value must be a valid string and no longer than 64 chars' },
    after: async (_res, app, ctx) => {
      expect(await total(app, 'authors', ctx.cookie)).toBe(0)
      expect(await total(app, 'books', ctx.cookie)).toBe(0)
    },
  },
  {
    name: 'a nested create needs create permission on the related collection',
    as: 'alice',
    request: post('books', 'b1', { title: 'T', reviews: [{ stars: 5 }] }),
    expect: { status: 401, type: 'user_unauthorized' },
    after: async (_res, app, ctx) => expect(await total(app, 'books', ctx.cookie)).toBe(0),
  },
  {
    name: 'nested permissions are checked before the structure',
    as: 'alice',
    request: post('books', 'b1', { reviews: [{ stars: 5 }] }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'updating an existing nested document needs its update permission',
    as: 'alice',
    before: async (app, ctx) => {
      const bob = await app.signIn('bob')
      await must(app, post('books', 'b1', { title: 'Bob\'s' }, ['read("any")']), bob)
    },
    request: post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'Taken' }] }),
    expect: { status: 401, type: 'user_unauthorized' },
    after: async (_res, app, ctx) => expect((await must(app, get('books', 'b1'), ctx.cookie)).title).toBe("Bob's"),
  },
  {
    name: 'a nested update in a collection without document security is refused, even one that grants update',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('profiles', 'p1', { bio: 'old' }), ctx.cookie)
    },
    request: post('authors', 'a1', { name: 'Ann', profile: { $id: 'p1', bio: 'new' } }),
    expect: { status: 401, type: 'user_unauthorized' },
    after: async (_res, app, ctx) => {
      expect((await must(app, get('profiles', 'p1'), ctx.cookie)).bio).toBe('old')
      expect(await total(app, 'authors', ctx.cookie)).toBe(0)
    },
  },
  {
    name: 'a nested update needs the collection to grant update: the document\'s own update permission is not enough',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('books', 'b1', { title: 'Mine' }), ctx.cookie)
    },
    request: post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'Renamed' }] }),
    expect: { status: 401, type: 'user_unauthorized' },
    after: async (_res, app, ctx) => expect((await must(app, get('books', 'b1'), ctx.cookie)).title).toBe('Mine'),
  },
  {
    name: 'linking by ID a document the caller can read but not update is refused, and nothing is written',
    as: 'alice',
    before: async (app) => {
      await must(app, post('books', 'b1', { title: 'Bob\'s' }, ['read("any")']), await app.signIn('bob'))
    },
    request: post('authors', 'a1', { name: 'Ann', books: ['b1'] }),
    expect: { status: 401, type: 'user_unauthorized' },
    after: async (_res, app, ctx) => {
      expect(await total(app, 'authors', ctx.cookie)).toBe(0)
      expect((await must(app, get('books', 'b1'), ctx.cookie)).author).toBeNull()
    },
  },
  {
    name: 'linking by ID a document the caller may update points it back',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('books', 'b1', { title: 'Mine' }), ctx.cookie)
    },
    request: post('authors', 'a1', { name: 'Ann', books: ['b1'] }),
    expect: { status: 201, body: { $id: 'a1', books: [{ $id: 'b1', title: 'Mine' }] } },
    after: async (_res, app, ctx) => expect((await must(app, get('books', 'b1'), ctx.cookie)).author).toMatchObject({ $id: 'a1' }),
  },
  {
    name: 'restrict refuses deleting a publisher that books name',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('books', 'b1', { title: 'T', publisher: { $id: 'pub1', name: 'P' } }), ctx.cookie)
    },
    request: { method: 'DELETE', url: `${DOCS}/publishers/documents/pub1` },
    expect: { status: 403, type: 'document_delete_restricted' },
  },
  {
    name: 'nested documents are created with the parent and read back without the way back',
    as: 'alice',
    request: post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'One' }, { $id: 'b2', title: 'Two', $permissions: ['read("any")'] }], profile: { $id: 'p1', bio: 'hi' } }),
    expect: {
      status: 201,
      body: {
        $id: 'a1', name: 'Ann',
        books: [
          // Without `$permissions` a nested document takes the parent's (alice's defaults here).
          { $id: 'b1', title: 'One', $databaseId: 'main', $collectionId: 'books', $permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'], publisher: null, shelves: [] },
          { $id: 'b2', title: 'Two', $permissions: ['read("any")'] },
        ],
        profile: { $id: 'p1', bio: 'hi', $collectionId: 'profiles' },
      },
    },
    events: { 'databases.main.collections.authors.documents.a1.create': 1 },
    after: async (res, app, ctx) => {
      expect(res.body.books[0]).not.toHaveProperty('author')
      expect(res.body.profile).not.toHaveProperty('owner')
      const book = await must(app, get('books', 'b1'), ctx.cookie)
      expect(book.author).toMatchObject({ $id: 'a1', name: 'Ann', profile: { $id: 'p1' } })
      expect(book.author).not.toHaveProperty('books')
    },
  },
  {
    name: 'relationship columns can be queried',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'One' }] }), ctx.cookie)
      await must(app, post('authors', 'a2', { name: 'Bo', books: [{ $id: 'b2', title: 'Two' }] }), ctx.cookie)
    },
    request: { method: 'GET', url: `${DOCS}/books/documents`, query: { queries: [query('equal', 'author', ['a2'])] } },
    expect: { status: 200, body: { total: 1, documents: [{ $id: 'b2', author: { $id: 'a2' } }] } },
  },
  {
    name: 'linking by ID and the other side of many-to-one',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('publishers', 'pub1', { name: 'P' }), ctx.cookie)
      await must(app, post('books', 'b1', { title: 'One', publisher: 'pub1' }), ctx.cookie)
    },
    request: get('publishers', 'pub1'),
    expect: { status: 200, body: { name: 'P', catalogue: [{ $id: 'b1', title: 'One' }] } },
  },
  {
    name: 'many-to-many links both ways and updates replace them',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('books', 'b1', { title: 'One', shelves: [{ $id: 's1', label: 'Fiction' }, { $id: 's2', label: 'New' }] }), ctx.cookie)
      await must(app, { method: 'PATCH', url: `${DOCS}/books/documents/b1`, body: { data: { shelves: ['s2'] } } }, ctx.cookie)
    },
    request: get('shelves', 's2'),
    expect: { status: 200, body: { label: 'New', books: [{ $id: 'b1' }] } },
    after: async (_res, app, ctx) => {
      const s1 = await must(app, get('shelves', 's1'), ctx.cookie)
      expect(s1.books).toEqual([])
      const b1 = await must(app, get('books', 'b1'), ctx.cookie)
      expect(b1.shelves.map((s: { $id: string }) => s.$id)).toEqual(['s2'])
    },
  },
  {
    name: 'updating a list relationship unlinks the documents left out',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'One' }, { $id: 'b2', title: 'Two' }] }), ctx.cookie)
    },
    request: { method: 'PATCH', url: `${DOCS}/authors/documents/a1`, body: { data: { books: ['b1'] } } },
    expect: { status: 200, body: { books: [{ $id: 'b1' }] } },
    events: { 'databases.main.collections.authors.documents.a1.update': 1 },
    after: async (_res, app, ctx) => expect((await must(app, get('books', 'b2'), ctx.cookie)).author).toBeNull(),
  },
  {
    name: 'cascade deletes the books of a deleted author',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'One' }] }), ctx.cookie)
    },
    request: { method: 'DELETE', url: `${DOCS}/authors/documents/a1` },
    expect: { status: 204 },
    after: async (_res, app, ctx) => expect(await total(app, 'books', ctx.cookie)).toBe(0),
  },
  {
    name: 'setNull clears the author\'s profile when the profile goes',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('authors', 'a1', { name: 'Ann', profile: { $id: 'p1', bio: 'hi' } }), ctx.cookie)
    },
    request: { method: 'DELETE', url: `${DOCS}/profiles/documents/p1` },
    expect: { status: 204 },
    after: async (_res, app, ctx) => expect((await must(app, get('authors', 'a1'), ctx.cookie)).profile).toBeNull(),
  },
  {
    name: 'a select without nested attributes does not read related documents',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'One' }] }), ctx.cookie)
    },
    request: { method: 'GET', url: `${DOCS}/books/documents/b1`, query: { queries: [query('select', undefined, ['title', 'author'])] } },
    expect: { status: 200, body: { title: 'One', author: 'a1' } },
  },
  {
    name: 'a nested select reads related documents',
    as: 'alice',
    before: async (app, ctx) => {
      await must(app, post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'One' }] }), ctx.cookie)
    },
    request: { method: 'GET', url: `${DOCS}/authors/documents`, query: { queries: [query('select', undefined, ['name', 'books.title'])] } },
    expect: { status: 200, body: { total: 1, documents: [{ name: 'Ann', books: [{ $id: 'b1', title: 'One' }] }] } },
  },
  {
    name: 'related documents the caller cannot read are left out',
    before: async (app) => {
      const alice = await app.signIn('alice')
      await must(app, post('authors', 'a1', { name: 'Ann', books: [{ $id: 'b1', title: 'Hidden', $permissions: [] }, { $id: 'b2', title: 'Open', $permissions: ['read("any")'] }] }, ['read("any")']), alice)
    },
    request: get('authors', 'a1'),
    expect: { status: 200, body: { name: 'Ann', books: [{ $id: 'b2' }] } },
    after: async (res) => expect(res.body.books).toHaveLength(1),
  },
])
