import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'

scenarios('account.listLogs', [
  { name: 'guest is refused', request: { method: 'GET', url: '/v1/account/logs' }, expect: { status: 401, type: 'general_unauthorized_scope' } },
  {
    name: 'only limit and offset are allowed',
    as: 'alice',
    request: { method: 'GET', url: `/v1/account/logs?queries[0]=${encodeURIComponent('{"method":"equal","attribute":"event","values":["x"]}')}` },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `queries` param: Invalid query method: equal' },
  },
  {
    name: 'bad JSON in a query doubles the prefix',
    as: 'alice',
    request: { method: 'GET', url: '/v1/account/logs?queries[]=nope' },
    expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Invalid query: Syntax error' },
  },
  {
    name: 'a zero limit',
    as: 'alice',
    request: { method: 'GET', url: `/v1/account/logs?queries[0]=${encodeURIComponent('{"method":"limit","values":[0]}')}` },
    expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Invalid limit: Value must be a valid range between 1 and 9,223,372,036,854,775,807' },
  },
  {
    name: 'lists what the user did, newest first, with device fields',
    as: 'alice',
    async before(app, ctx) {
      app.clock.advance(1000)
      await app.request({ method: 'PATCH', url: '/v1/account/name', cookie: ctx.cookie, body: { name: 'A' }, headers: { 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1' } })
    },
    request: { method: 'GET', url: '/v1/account/logs' },
    expect: { status: 200, body: { total: 3 } },
    async after(res) {
      expect(res.body.logs.map((l: any) => l.event)).toEqual(['user.update', 'session.create', 'user.create'])
      expect(res.body.logs[0]).toMatchObject({ userId: 'alice', userEmail: 'alice@example.test', userName: 'A', ip: '127.0.0.1', osName: 'iOS', deviceBrand: 'Apple', mode: 'default', countryCode: '--', countryName: 'Unknown' })
    },
  },
  {
    name: 'pages with limit and offset; total counts all',
    as: 'alice',
    request: { method: 'GET', url: `/v1/account/logs?queries[0]=${encodeURIComponent('{"method":"limit","values":[1]}')}&queries[1]=${encodeURIComponent('{"method":"offset","values":[1]}')}` },
    expect: { status: 200, body: { total: 2, logs: [{ event: 'user.create' }] } },
  },
])

scenarios('account.listIdentities and deleteIdentity', [
  { name: 'an unknown attribute', as: 'alice', request: { method: 'GET', url: `/v1/account/identities?queries[0]=${encodeURIComponent('{"method":"equal","attribute":"secret","values":["x"]}')}` }, expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Attribute not found in schema: secret' } },
  { name: 'a cursor that names nothing', as: 'alice', request: { method: 'GET', url: `/v1/account/identities?queries[0]=${encodeURIComponent('{"method":"cursorAfter","values":["nope"]}')}` }, expect: { status: 400, type: 'general_cursor_not_found', message: "Identity 'nope' for the 'cursor' value not found." } },
  { name: 'empty for a password user', as: 'alice', request: { method: 'GET', url: '/v1/account/identities' }, expect: { status: 200, body: { total: 0, identities: [] } } },
  {
    name: 'lists and deletes an identity',
    as: 'alice',
    async before(app) {
      await app.store.transaction(() =>
        app.store.identities.insert('test-project', {
          id: 'ident1', createdAt: '2024-05-01T10:20:30.123+00:00', updatedAt: '2024-05-01T10:20:30.123+00:00', userId: 'alice', provider: 'github',
          providerUid: '42', providerEmail: 'alice@example.test', providerAccessToken: 't', providerAccessTokenExpiry: '', providerRefreshToken: '',
        }),
      )
    },
    request: { method: 'DELETE', url: '/v1/account/identities/ident1' },
    expect: { status: 204 },
    events: { 'users.alice.identities.ident1.delete': 1 },
    async after(_res, app, ctx) {
      const again = await app.request({ method: 'DELETE', url: '/v1/account/identities/ident1', cookie: ctx.cookie })
      expect(again.body.type).toBe('user_identity_not_found')
    },
  },
])

scenarios('account.listIdentities queries', [
  {
    name: 'a value of the wrong type',
    as: 'alice',
    request: { method: 'GET', url: `/v1/account/identities?queries[0]=${encodeURIComponent('{"method":"equal","attribute":"provider","values":[1]}')}` },
    expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Query value is invalid for attribute "provider"' },
  },
  {
    name: 'an or with one query',
    as: 'alice',
    request: { method: 'GET', url: `/v1/account/identities?queries[0]=${encodeURIComponent('{"method":"or","values":[{"method":"equal","attribute":"provider","values":["github"]}]}')}` },
    expect: { status: 400, message: 'Invalid `queries` param: Invalid query: Or queries require at least two queries' },
  },
  {
    name: 'filters and pages identities',
    as: 'alice',
    async before(app) {
      await app.store.transaction(async () => {
        for (const [id, provider] of [['i1', 'github'], ['i2', 'google'], ['i3', 'github']]) {
          await app.store.identities.insert('test-project', {
            id, createdAt: '2024-05-01T10:20:30.123+00:00', updatedAt: '2024-05-01T10:20:30.123+00:00', userId: 'alice', provider,
            providerUid: id, providerEmail: `${id}@example.test`, providerAccessToken: '', providerAccessTokenExpiry: '', providerRefreshToken: '',
          })
        }
      })
    },
    request: { method: 'GET', url: `/v1/account/identities?queries[0]=${encodeURIComponent('{"method":"equal","attribute":"provider","values":["GitHub"]}')}&queries[1]=${encodeURIComponent('{"method":"cursorAfter","values":["i1"]}')}` },
    expect: { status: 200, body: { total: 2, identities: [{ $id: 'i3' }] }, absent: [] },
    async after(res) {
      expect(res.body.identities[0]).not.toHaveProperty('search')
    },
  },
])
