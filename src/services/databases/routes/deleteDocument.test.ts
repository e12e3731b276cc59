import { expect } from 'vitest'
import { DOCS, dbScenarios, type DbTestApp } from '../testing/scenarios.js'

const seed = async (app: DbTestApp, collection: string, id: string, data: Record<string, unknown>, cookie?: string, permissions?: string[]) => {
  const res = await app.request({ method: 'POST', url: `${DOCS}/${collection}/documents`, cookie, body: { documentId: id, data, ...(permissions && { permissions }) } })
  if (res.status !== 201) throw new Error(res.text)
}
const del = (collection: string, id: string, headers?: Record<string, string>) => ({ method: 'DELETE' as const, url: `${DOCS}/${collection}/documents/${id}`, headers })

dbScenarios('databases.deleteDocument', [
  { name: 'a missing document', request: del('public', 'nope'), expect: { status: 404, type: 'document_not_found' } },
  { name: 'an unknown collection', request: del('nope', 'x'), expect: { status: 404, type: 'collection_not_found' } },
  {
    name: 'a readable document the caller may not delete is 401',
    before: async (app) => seed(app, 'private', 'p1', { note: 'x' }, await app.signIn('alice'), ['read("any")']),
    request: del('private', 'p1'),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'a stale X-Appwrite-Timestamp conflicts',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }),
    request: del('public', 'd1', { 'x-appwrite-timestamp': '2001-01-01T00:00:00Z' }),
    expect: { status: 409, type: 'document_update_conflict' },
  },
  {
    name: 'the owner deletes; the event carries the document',
    as: 'alice',
    before: (app, ctx) => seed(app, 'private', 'p1', { note: 'x' }, ctx.cookie),
    request: del('private', 'p1'),
    expect: { status: 204 },
    events: { 'databases.main.collections.private.documents.p1.delete': 1 },
    after: async (_res, app, ctx) => {
      const gone = await app.request({ method: 'GET', url: `${DOCS}/private/documents/p1`, cookie: ctx.cookie })
      expect(gone.status).toBe(404)
    },
  },
  {
    name: 'resetting the project through the control API removes its documents',
    before: async (app) => {
      await seed(app, 'public', 'd1', { title: 'x' })
      const reset = await app.server.inject({ method: 'DELETE', url: '/_emulator/projects/test-project', remoteAddress: '127.0.0.1' })
      if (reset.statusCode !== 204) throw new Error(reset.body)
    },
    request: del('public', 'd1'),
    expect: { status: 404, type: 'document_not_found' },
  },
  {
    name: 'collection delete permission is enough without document security',
    before: (app) => seed(app, 'public', 'd1', { title: 'x' }, undefined, []),
    request: del('public', 'd1'),
    expect: { status: 204 },
  },
])
