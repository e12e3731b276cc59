import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createDbApp, DOCS, dbScenarios, query, type DbTestApp } from '../testing/scenarios.js'

/** Odd input anywhere gives Appwrite's 4xx, never a 500. */
describe('databases: bad input never gives a 500', () => {
  let app: DbTestApp
  let cookie: string
  beforeAll(async () => {
    app = await createDbApp()
    cookie = await app.signIn('alice')
    await app.request({ method: 'POST', url: `${DOCS}/authors/documents`, cookie, body: { documentId: 'a1', data: { name: 'Ann' } } })
  })
  afterAll(async () => app.close())

  const odd: unknown[] = [null, true, 0, -1, 1.5, '', 'x', '{}', '[]', '{"a":', [], [null], [{}], [[]], {}, { '': 1 }, { __proto__: 1 }, { $id: null }, { title: { nested: true } }, 'x'.repeat(5000)]
  const queryStrings = [
    '', 'null', '[]', '{}', '{"method":null}', '{"method":"equal"}', '{"method":"equal","attribute":"title","values":"x"}',
    '{"method":"equal","attribute":"title","values":[null]}', '{"method":"equal","attribute":"title","values":[{}]}',
    '{"method":"and","values":[1,2]}', '{"method":"or","values":[{"method":"or","values":[]}]}', '{"method":"limit","values":[null]}',
    '{"method":"limit","values":[1e400]}', '{"method":"offset","values":["9999999999999999999999"]}', '{"method":"cursorAfter","values":[{}]}',
    '{"method":"cursorBefore","values":[12]}', '{"method":"select","values":[1,null]}', '{"method":"orderAsc","attribute":"books"}',
    '{"method":"orderDesc","attribute":"tags"}', '{"method":"search","attribute":"body","values":["\\"*()@~<>+-"]}',
    '{"method":"search","attribute":"body","values":["NEAR(a b) OR \\"x"]}', '{"method":"contains","attribute":"nums","values":["x"]}',
    '{"method":"equal","attribute":"$internalId","values":["1"]}', '{"method":"between","attribute":"when","values":["2020-01-01","x"]}',
    '{"method":"equal","attribute":"author.name","values":["x"]}', '{"method":"isNull","attribute":"author"}',
  ]

  it('in data, permissions and IDs of creates', async () => {
    for (const data of odd) {
      for (const collection of ['public', 'authors', 'books']) {
        const res = await app.request({ method: 'POST', url: `${DOCS}/${collection}/documents`, cookie, body: { documentId: 'unique()', data } })
        expect(res.status, `${collection} ${JSON.stringify(data)?.slice(0, 80)}: ${res.text}`).toBeLessThan(500)
        const rel = await app.request({ method: 'POST', url: `${DOCS}/authors/documents`, cookie, body: { documentId: 'unique()', data: { name: 'x', books: [data], profile: data } } })
        expect(rel.status, `relationship ${JSON.stringify(data)?.slice(0, 80)}: ${rel.text}`).toBeLessThan(500)
      }
      const perms = await app.request({ method: 'POST', url: `${DOCS}/public/documents`, cookie, body: { documentId: data, data: { title: 'x' }, permissions: data } })
      expect(perms.status, perms.text).toBeLessThan(500)
      const upd = await app.request({ method: 'PATCH', url: `${DOCS}/authors/documents/a1`, cookie, body: { data, permissions: data } })
      expect(upd.status, upd.text).toBeLessThan(500)
    }
  })

  it('in queries of lists and gets', async () => {
    for (const q of queryStrings) {
      for (const collection of ['public', 'authors', 'books']) {
        const res = await app.request({ method: 'GET', url: `${DOCS}/${collection}/documents`, cookie, query: { queries: [q] } })
        expect(res.status, `${collection} ${q}: ${res.text}`).toBeLessThan(500)
        const one = await app.request({ method: 'GET', url: `${DOCS}/${collection}/documents/a1`, cookie, query: { queries: [q] } })
        expect(one.status, `${collection} get ${q}: ${one.text}`).toBeLessThan(500)
      }
    }
  })
})

dbScenarios('databases: write rate limits', [
  {
    name: 'headers are sent on writes even without enforcement',
    request: { method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: 'd1', data: { title: 'x' } } },
    expect: { status: 201, headers: { 'x-ratelimit-limit': '120', 'x-ratelimit-remaining': '119' } },
  },
  {
    name: 'deletes allow 60 a minute',
    before: async (app) => void (await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: 'd1', data: { title: 'x' } } })),
    request: { method: 'DELETE', url: `${DOCS}/public/documents/d1` },
    expect: { status: 204, headers: { 'x-ratelimit-limit': '60' } },
  },
  {
    name: 'order by a derived relationship side',
    request: { method: 'GET', url: `${DOCS}/authors/documents`, query: { queries: [query('orderAsc', 'books')] } },
    expect: { status: 400, type: 'general_query_invalid', message: 'Invalid query: Cannot order by virtual relationship attribute: books' },
  },
])

describe('databases: write rate limits enforced (--rate-limits)', () => {
  it('the 121st create in a minute is 429', async () => {
    const app = await createDbApp({ rateLimits: true })
    try {
      for (let i = 0; i < 120; i++) {
        const res = await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: `d${i}`, data: { title: 'x' } } })
        expect(res.status).toBe(201)
      }
      const over = await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: 'd120', data: { title: 'x' } } })
      expect(over.status).toBe(429)
      expect(over.body.type).toBe('general_rate_limit_exceeded')
      expect(over.headers['x-ratelimit-remaining']).toBe('0')
      // Reads are not limited; updates count on their own key.
      expect((await app.request({ method: 'GET', url: `${DOCS}/public/documents` })).status).toBe(200)
      expect((await app.request({ method: 'PATCH', url: `${DOCS}/public/documents/d1`, body: { data: { title: 'y' } } })).status).toBe(200)
      app.clock.advance(60_000)
      expect((await app.request({ method: 'POST', url: `${DOCS}/public/documents`, body: { documentId: 'd120', data: { title: 'x' } } })).status).toBe(201)
    } finally {
      await app.close()
    }
  })
})
