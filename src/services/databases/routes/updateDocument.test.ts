import { expect } from 'vitest'
import { DOCS, dbScenarios, type DbTestApp } from '../testing/scenarios.js'

const seed = async (app: DbTestApp, collection: string, id: string, data: Record<string, unknown>, cookie?: string, permissions?: string[]) => {
  const res = await app.request({ method: 'POST', url: `${DOCS}/${collection}/documents`, cookie, body: { documentId: id, data, ...(permissions && { permissions }) } })
  if (res.status !== 201) throw new Error(res.text)
}
const patch = (collection: string, id: string, body: Record<string, unknown>, headers?: Record<string, string>) => ({ method: 'PATCH' as const, url: `${DOCS}/${collection}/documents/${id}`, body, headers })

dbScenarios('databases.updateDocument', [
  { name: 'nothing to update', request: patch('public', 'd1', {}), expect: { status: 400, type: 'document_missing_payload' } },
  { name: 'empty data and no permissions', request: patch('public', 'd1', { data: {} }), expect: { status: 400, type: 'document_missing_payload' } },
  { name: 'a missing document', request: patch('public', 'nope', { data: { title: 'y' } }), expect: { status: 404, type: 'document_not_found' } },
  { name: 'a disabled database', request: { ...patch('public', 'd1', { data: { note: 'y' } }), url: '/v1/databases/off/collections/elsewhere/documents/d1' }, expect: { status: 404, type: 'database_not_found' } },
  {
    name: 'a readable document the caller may not update is 401',
    before: async (app) => seed(app, 'private', 'p1', { note: 'x' }, await app.signIn('alice'), ['read("any")']),
    as: 'bob',
    request: patch('private', 'p1', { data: { note: 'mine now' } }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'an unreadable document is 401 too: it was found without read permission',
    before: async (app) => seed(app, 'private', 'p1', { note: 'x' }, await app.signIn('alice')),
    as: 'bob',
    request: patch('private', 'p1', { data: { note: 'mine now' } }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'granting a role the caller lacks',
    as: 'alice',
    before: (app, ctx) => seed(app, 'private', 'p1', { note: 'x' }, ctx.cookie),
    request: patch('private', 'p1', { permissions: ['read("team:x")'] }),
    expect: { status: 401, type: 'user_unauthorized', message: /^Permissions must be one of: \(any, users, user:alice/ },
  },
  {
    name: 'a stale X-Appwrite-Timestamp conflicts',
    before: async (app) => {
      await seed(app, 'public', 'd1', { title: 'x' })
    },
    request: patch('public', 'd1', { data: { title: 'y' } }, { 'x-appwrite-timestamp': '2020-01-01T00:00:00.000Z' }),
    expect: { status: 409, type: 'document_update_conflict', message: 'Remote document is newer than local.' },
  },
  {
    name: 'a bad value fails the structure check with the merged document',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: patch('public', 'd1', { data: { count: 1000 } }),
    expect: { status: 400, type: 'document_invalid_structure', message: 'Invalid document structure: Attribute "count" has invalid format. Value must be a valid range between 0 and 100' },
  },
  {
    name: 'read-only $ fields sent back are unknown attributes',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: patch('public', 'd1', { data: { title: 'y', $collectionId: 'public' } }),
    expect: { status: 400, type: 'document_invalid_structure', message: 'Invalid document structure: Unknown attribute: "$collectionId"' },
  },
  {
    name: 'a change moves $updatedAt and publishes update',
    before: async (app) => {
      await seed(app, 'public', 'd1', { title: 'x', count: 1 })
      app.clock.advance(1000)
    },
    request: patch('public', 'd1', { data: { count: 2 } }),
    expect: { status: 200, body: { title: 'x', count: 2, $createdAt: '2024-05-01T10:20:30.123+00:00', $updatedAt: '2024-05-01T10:20:31.123+00:00' } },
    events: { 'databases.main.collections.public.documents.d1.update': 1 },
  },
  {
    name: 'no change keeps $updatedAt and needs only read permission',
    before: async (app) => {
      await seed(app, 'readers', 'r1', { note: 'x' }).catch(() => undefined)
      await seed(app, 'public', 'd1', { title: 'x', count: 1 })
      app.clock.advance(1000)
    },
    request: patch('public', 'd1', { data: { count: 1 } }),
    expect: { status: 200, body: { $updatedAt: '2024-05-01T10:20:30.123+00:00' } },
    events: { 'databases.*.collections.*.documents.*.update': 0 },
  },
  {
    name: 'no change on a document the caller may only read is allowed',
    before: async (app) => seed(app, 'private', 'p1', { note: 'x' }, await app.signIn('alice'), ['read("any")']),
    request: patch('private', 'p1', { data: { note: 'x' } }),
    expect: { status: 200, body: { note: 'x' } },
  },
  {
    name: 'permissions alone replace the old ones (write expanded)',
    as: 'alice',
    before: (app, ctx) => seed(app, 'private', 'p1', { note: 'x' }, ctx.cookie),
    request: patch('private', 'p1', { permissions: ['read("any")', 'write("user:alice")'] }),
    expect: { status: 200, body: { $permissions: ['read("any")', 'update("user:alice")', 'delete("user:alice")'] } },
  },
  {
    name: 'a fresh X-Appwrite-Timestamp passes',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: patch('public', 'd1', { data: { title: 'y' } }, { 'x-appwrite-timestamp': '2030-01-01T00:00:00.000Z' }),
    expect: { status: 200, body: { title: 'y' } },
    after: async (res, app) => {
      const again = await app.request({ method: 'GET', url: `${DOCS}/public/documents/d1` })
      expect(again.body.title).toBe('y')
    },
  },
])
