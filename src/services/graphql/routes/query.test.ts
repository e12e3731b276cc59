import { expect } from 'vitest'
import { cookieHeader } from '../../../../test/harness/app.js'
import { gql, graphqlScenarios, PROJECT, USERS } from '../testing/scenarios.js'

const NO_QUERY = { status: 400, type: 'graphql_no_query', message: 'Param "query" is not optional.' }
const deep = (levels: number) => `${'{ accountGet '.repeat(levels)}${'}'.repeat(levels)}`
const ACCOUNT = 'query { accountGet { _id email } }'

graphqlScenarios('graphql.query', [
  { name: 'no body has no query', request: { url: '/v1/graphql', json: {} }, expect: NO_QUERY },
  { name: 'an empty query has no query', request: gql(''), expect: NO_QUERY },
  { name: 'a random body has no query', request: { json: { random: 'random' } }, expect: NO_QUERY },
  { name: 'a batch item without a query fails the batch', request: { json: [{ query: ACCOUNT }, { variables: {} }] }, expect: NO_QUERY },
  { name: 'a batch of 11 is too many', request: { json: Array.from({ length: 11 }, () => ({ query: ACCOUNT })) }, expect: { status: 400, type: 'graphql_too_many_queries', message: 'Too many queries.' } },
  { name: 'the SDK wrapping without its query has no query', request: { headers: { 'x-sdk-graphql': 'true' }, json: { query: null } }, expect: NO_QUERY },
  { name: 'GET without a query has no query', request: { method: 'GET', url: '/v1/graphql?random=random' }, expect: NO_QUERY },
  { name: 'GET with an empty query has no query', request: { method: 'GET', url: '/v1/graphql?query=' }, expect: NO_QUERY },
  { name: 'an empty application/graphql body has no query', request: { headers: { 'content-type': 'application/graphql' }, payload: '' }, expect: NO_QUERY },
  {
    name: 'a project with GraphQL disabled refuses it',
    async before(app) {
      ;(await app.services.projects.get(PROJECT))!.settings.services.graphql = false
    },
    request: gql(ACCOUNT),
    expect: { status: 403, type: 'general_service_disabled' },
  },
  {
    name: 'a syntax error is a GraphQL error without data',
    request: gql('query { accountGet { _id '),
    expect: { status: 200, body: { errors: [{ message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { category: 'graphql' }, locations: [{ line: 1, column: 26 }] }] }, absent: ['data'] },
  },
  {
    name: 'an unknown field is a GraphQL error',
    request: gql('{ accountGet { _id } nope }'),
    expect: { status: 200, body: { errors: [{ message: 'Cannot query field "nope" on type "Query".', extensions: { category: 'graphql' } }] }, absent: ['data'] },
  },
  {
    name: 'a mutation field asked as a query is unknown',
    request: gql('{ teamsCreate(teamId: "t", name: "T") { _id } }'),
    expect: { status: 200, body: { errors: [{ message: 'Cannot query field "teamsCreate" on type "Query". Did you mean "teamsGet" or "teamsList"?' }] } },
  },
  {
    name: 'an argument of the wrong type is a GraphQL error',
    request: gql('{ avatarsGetInitials(name: "A", width: "wide") { status } }'),
    expect: { status: 200, body: { errors: [{ message: 'Int cannot represent non-integer value: "wide"', locations: [{ line: 1, column: 40 }] }] } },
  },
  {
    name: 'a missing required argument is a GraphQL error',
    request: gql('{ teamsGet { _id } }'),
    expect: { status: 200, body: { errors: [{ message: 'Field "teamsGet" argument "teamId" of type "String!" is required, but it was not provided.' }] } },
  },
  {
    name: 'a variable of the wrong type is a GraphQL error',
    request: gql('query ($id: String!) { teamsGet(teamId: $id) { _id } }', { id: 5 }),
    expect: { status: 200, body: { errors: [{ message: 'Variable "$id" got invalid value 5; String cannot represent a non string value: 5' }] }, absent: ['data'] },
  },
  {
    name: 'a REST error carries its message, code and type, the field is null',
    request: gql(ACCOUNT),
    expect: {
      status: 200,
      body: {
        errors: [{ message: 'User (role: guests) missing scope (account)', extensions: { category: 'appwrite', code: 401, type: 'general_unauthorized_scope' }, locations: [{ line: 1, column: 9 }], path: ['accountGet'] }],
        data: { accountGet: null },
      },
    },
  },
  {
    name: "a REST param error carries the validator's message",
    as: 'alice',
    request: gql('{ teamsGet(teamId: "_bad") { _id } }'),
    expect: { status: 200, body: { errors: [{ message: "Invalid `teamId` param: UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore", extensions: { code: 400, type: 'general_argument_invalid' } }] } },
  },
  {
    name: 'a missing team is not found',
    as: 'alice',
    request: gql('{ teamsGet(teamId: "nope") { _id } }'),
    expect: { status: 200, body: { errors: [{ message: 'Team with the requested ID could not be found.', extensions: { code: 404, type: 'team_not_found' } }], data: { teamsGet: null } } },
  },
  {
    name: 'a 10 MB query is refused quickly, not parsed',
    request: gql(`{ ${'localeGet { ip } '.repeat(600_000)}}`),
    expect: { status: 200, body: { errors: [{ message: 'Syntax Error: Document contains more that 10000 tokens. Parsing aborted.' }] } },
  },
  {
    name: 'nesting deeper than the stack is a GraphQL error',
    request: gql(`{ ${'a { '.repeat(4000)}${'}'.repeat(4001)}`),
    expect: { status: 200, body: { errors: [{ extensions: { category: 'graphql' } }] }, absent: ['data'] },
  },
  {
    name: 'inline fragments nested 1,900 deep are refused as nesting too deeply, the same in every process',
    rateLimits: true,
    request: gql(`{ ${'... on Query { '.repeat(1900)}localeGet { ip }${' }'.repeat(1900)} }`),
    expect: { status: 200, body: { errors: [{ message: 'Syntax Error: the query nests too deeply.' }] }, absent: ['data'] },
  },
  {
    name: 'inline fragments nested 400 deep are counted without trouble when limits are enforced',
    rateLimits: true,
    request: gql(`{ ${'... on Query { '.repeat(400)}localeGet { ip }${' }'.repeat(400)} }`),
    expect: { status: 200, body: { data: { localeGet: { ip: '127.0.0.1' } } }, absent: ['errors'] },
  },
  {
    name: 'introspection is refused when limits are enforced',
    rateLimits: true,
    request: gql('{ __schema { queryType { name } } }'),
    expect: { status: 200, body: { errors: [{ message: 'GraphQL introspection is not allowed, but the query contained __schema or __type', locations: [{ line: 1, column: 3 }] }] } },
  },
  {
    name: 'a query deeper than 3 is refused when limits are enforced, after the other errors',
    rateLimits: true,
    request: gql(deep(6)),
    expect: { status: 200, body: { errors: [{ message: 'Cannot query field "accountGet" on type "User".' }, { message: 'Max query depth should be 3 but got 4.', extensions: { category: 'graphql' } }] }, absent: ['data'] },
  },
  {
    name: 'depth counts fields with selections from 0 (accountGet { targets { … } } is 1)',
    rateLimits: true,
    request: gql('{ a: accountGet { targets { _id } } b: accountGet { prefs { data } } }'),
    expect: { status: 200, body: { errors: [{ message: 'User (role: guests) missing scope (account)' }, { message: 'User (role: guests) missing scope (account)' }] } },
  },
  {
    name: 'a list over the complexity limit is refused when limits are enforced',
    rateLimits: true,
    request: gql('{ localeListCountries { total } teamsList(queries: ["{\\"method\\":\\"limit\\",\\"values\\":[100]}"]) { total teams { _id name } } }'),
    expect: { status: 200, body: { errors: [{ message: 'Max query complexity should be 250 but got 402.' }] }, absent: ['data'] },
  },
  {
    name: 'the default list limit (25) counts against complexity',
    rateLimits: true,
    request: gql('query ($q: [String]) { teamsList(queries: $q) { total teams { _id name total prefs { data } } } }', { q: ['{"method":"limit","values":[10]}'] }),
    expect: { status: 200, body: { errors: [{ message: 'User (role: guests) missing scope (teams.read)' }] } },
  },
  {
    name: 'limits are off when rate limits are not enforced',
    request: gql('{ __schema { queryType { name } } }'),
    expect: { status: 200, body: { data: { __schema: { queryType: { name: 'Query' } } } } },
  },
  {
    name: 'a guest reads the locale',
    request: gql('{ localeGet { ip countryCode } localeListContinents { total continents { code } } }'),
    expect: { status: 200, body: { data: { localeGet: { ip: '127.0.0.1', countryCode: '--' }, localeListContinents: { total: 7 } } }, absent: ['errors'] },
  },
  {
    name: 'a signed-in user reads the account with `$` fields as `_` fields and prefs as JSON text',
    as: 'alice',
    request: gql('{ accountGet { _id _createdAt email prefs { data } } }'),
    expect: { status: 200, body: { data: { accountGet: { _id: 'alice', _createdAt: '2024-05-01T10:20:30.123+00:00', email: 'alice@example.test', prefs: { data: '{}' } } } }, absent: ['errors'] },
  },
  {
    name: 'the SDK wraps the request in `query`',
    as: 'alice',
    request: { headers: { 'x-sdk-graphql': 'true' }, json: { query: { query: 'query ($id: String!) { teamsGet(teamId: $id) { _id } }', variables: { id: 'nope' } } } },
    expect: { status: 200, body: { errors: [{ extensions: { type: 'team_not_found' } }], data: { teamsGet: null } } },
  },
  {
    name: 'an application/graphql body is the query',
    as: 'alice',
    request: { headers: { 'content-type': 'application/graphql' }, payload: ACCOUNT },
    expect: { status: 200, body: { data: { accountGet: { _id: 'alice' } } } },
  },
  {
    name: 'GET takes query, operationName and JSON variables from the query string',
    request: {
      method: 'GET',
      url: `/v1/graphql?${new URLSearchParams({ query: 'query A { localeGet { ip } } query B($name: String!) { avatarsGetInitials(name: $name) { status } }', operationName: 'A', variables: '{"name":"x"}' })}`,
    },
    expect: { status: 200, body: { data: { localeGet: { ip: '127.0.0.1' } } }, absent: ['errors'] },
  },
  {
    name: 'a batch answers a list of results, in order',
    request: { json: [{ query: '{ localeListContinents { total } }' }, { query: ACCOUNT }, { query: '{ localeGet { countryCode } }' }] },
    expect: { status: 200, body: [{ data: { localeListContinents: { total: 7 } } }, { data: { accountGet: null } }, { data: { localeGet: { countryCode: '--' } } }] },
    after: async (res) => expect(res.body[1].errors[0].message).toBe('User (role: guests) missing scope (account)'),
  },
  {
    name: 'a batch of one answers its result alone',
    request: { json: [{ query: '{ localeGet { countryCode } }' }] },
    expect: { status: 200, body: { data: { localeGet: { countryCode: '--' } } } },
  },
  {
    name: 'signing in through a mutation sets the session cookies and fallback on the GraphQL response',
    request: gql('mutation { accountCreateEmailPasswordSession(email: "alice@example.test", password: "alice-password-1") { userId current factors } }'),
    async before(app) {
      await app.signIn(USERS.alice)
    },
    expect: {
      status: 200,
      body: { data: { accountCreateEmailPasswordSession: { userId: 'alice', current: true, factors: ['password'] } } },
      headers: { 'set-cookie': /a_session_test-project=/, 'x-fallback-cookies': /^\{"a_session_test-project":"/ },
    },
    after: async (res, app) => {
      const account = await app.send({ ...gql(ACCOUNT), cookie: cookieHeader(res.headers['set-cookie']) })
      expect(account.body).toEqual({ data: { accountGet: { _id: 'alice', email: 'alice@example.test' } } })
    },
  },
  {
    name: 'a signed-in user cannot sign in again (the session group)',
    as: 'alice',
    request: gql('mutation { accountCreateEmailPasswordSession(email: "alice@example.test", password: "alice-password-1") { _id } }'),
    expect: { status: 200, body: { errors: [{ message: 'Creation of a session is prohibited when a session is active.', extensions: { code: 401, type: 'user_session_already_exists' } }] } },
  },
  {
    name: "a resolved route's rate-limit headers reach the GraphQL response",
    request: gql('mutation { accountCreateAnonymousSession { _id } }'),
    expect: { status: 200, headers: { 'x-ratelimit-limit': '50', 'x-ratelimit-remaining': '49' } },
  },
  {
    name: 'an image route answers the HTTP request with its image',
    request: gql('{ localeGet { ip } avatarsGetInitials(name: "Ada Lovelace", width: 40, height: 40) { status } }'),
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
    after: async (res) => expect(res.raw.subarray(1, 4).toString()).toBe('PNG'),
  },
  {
    name: 'a redirect route answers the HTTP request with its redirect',
    request: gql('{ accountCreateOAuth2Token(provider: "github", success: "http://localhost/ok", failure: "http://localhost/no") { status } }'),
    expect: { status: 301, headers: { location: /^http:\/\/localhost(:\d+)?\/_emulator\/oauth2\/github\/authorize\?/ } },
    after: async (res) => expect(res.text).toBe(''),
  },
  {
    name: "a route labelled `error` answers the HTTP request with its HTML error page",
    request: gql('{ accountCreateOAuth2Token(provider: "github", success: "javascript:alert(1)") { status } }'),
    expect: { status: 400, headers: { 'content-type': /^text\/html/ } },
    after: async (res) => expect(res.text).toContain('Invalid `success` param'),
  },
  {
    name: 'deleting the current session answers 204 and expires the cookies',
    as: 'alice',
    request: gql('mutation { accountDeleteSession(sessionId: "current") { status } }'),
    expect: { status: 204, headers: { 'x-fallback-cookies': '[]', 'set-cookie': /a_session_test-project=deleted/ } },
    after: async (res) => expect(res.text).toBe(''),
  },
])
