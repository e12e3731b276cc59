import { afterEach, describe, expect, it } from 'vitest'
import { DOCS, createDbApp, query, type DbTestApp } from '../testing/scenarios.js'

// getDocument and listDocuments keep a rendered model per stored document and a rendered page per query answer;
// these hold the kept answers to fresh ones and to every write that must change them.
describe('cached document answers', () => {
  let app: DbTestApp | undefined
  afterEach(async () => {
    await app?.close()
    app = undefined
  })
  const docs = `${DOCS}/public/documents`
  const list = (queries: string[] = []) => ({ method: 'GET' as const, url: docs, ...(queries.length && { query: { queries } }) })

  it('a repeated getDocument and listDocuments answer the same bytes and headers as the first', async () => {
    app = await createDbApp()
    for (const id of ['a', 'b', 'c']) await app.request({ method: 'POST', url: docs, body: { documentId: id, data: { title: `t/${id}` } } })
    for (const request of [{ method: 'GET' as const, url: `${docs}/a` }, list(), list([query('equal', 'title', ['t/b'])])]) {
      const first = await app.request(request)
      const again = await app.request(request)
      expect(first.status).toBe(200)
      expect(again.text).toBe(first.text)
      const { date: _d1, ...h1 } = first.headers
      const { date: _d2, ...h2 } = again.headers
      expect(h2).toEqual(h1)
    }
    // PHP's escaping of `/` holds for kept bytes too.
    expect((await app.request({ method: 'GET', url: `${docs}/a` })).text).toContain('"title":"t\\/a"')
  })

  it('an update, a create and a delete are seen by the next read', async () => {
    app = await createDbApp()
    await app.request({ method: 'POST', url: docs, body: { documentId: 'a', data: { title: 'one', count: 1 } } })
    expect((await app.request({ method: 'GET', url: `${docs}/a` })).body.count).toBe(1)
    expect((await app.request(list())).body.total).toBe(1)
    await app.request({ method: 'PATCH', url: `${docs}/a`, body: { data: { count: 2 } } })
    expect((await app.request({ method: 'GET', url: `${docs}/a` })).body.count).toBe(2)
    expect((await app.request(list())).body.documents[0].count).toBe(2)
    await app.request({ method: 'POST', url: docs, body: { documentId: 'b', data: { title: 'two' } } })
    const both = (await app.request(list())).body
    expect(both.total).toBe(2)
    expect(both.documents.map((d: { $id: string }) => d.$id)).toEqual(['a', 'b'])
    await app.request({ method: 'DELETE', url: `${docs}/a` })
    expect((await app.request({ method: 'GET', url: `${docs}/a` })).status).toBe(404)
    expect((await app.request(list())).body.total).toBe(1)
  })

  it('a select query is answered as before, not from the whole model', async () => {
    app = await createDbApp()
    await app.request({ method: 'POST', url: docs, body: { documentId: 'a', data: { title: 'one', count: 1 } } })
    await app.request({ method: 'GET', url: `${docs}/a` })
    const selected = await app.request({ method: 'GET', url: `${docs}/a`, query: { queries: [query('select', undefined, ['title'])] } })
    expect(selected.body.title).toBe('one')
    expect(selected.body).not.toHaveProperty('count')
  })
})
