import { scenarios } from '../../../../test/harness/scenarios.js'

scenarios('account.get', [
  {
    name: 'guest is refused for lack of the account scope',
    request: { method: 'GET', url: '/v1/account' },
    expect: { status: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (account)' },
  },
  {
    name: 'a forged session cookie reads as a guest',
    request: { method: 'GET', url: '/v1/account', cookie: `a_session_test-project=${Buffer.from('{"id":"alice","secret":"nope"}').toString('base64')}` },
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
  {
    name: 'garbage in the cookie, session and fallback headers reads as a guest',
    request: {
      method: 'GET',
      url: '/v1/account',
      cookie: 'a_session_test-project=%%%; a_session_test-project_legacy=!!',
      headers: { 'x-appwrite-session': 'not-base64', 'x-fallback-cookies': '{not json' },
    },
    expect: { status: 401, type: 'general_unauthorized_scope' },
  },
  {
    name: 'an invalid project ID is not found',
    request: { method: 'GET', url: '/v1/account', project: '_bad id' },
    expect: { status: 404, type: 'project_not_found' },
  },
  {
    name: 'signed-in user sees self without secrets',
    as: 'alice',
    request: { method: 'GET', url: '/v1/account' },
    expect: {
      status: 200,
      body: { $id: 'alice', email: 'alice@example.test', name: 'Alice', status: true, emailVerification: false, prefs: {}, labels: [] },
      absent: ['password', 'hash', 'hashOptions', 'passwordHash', 'mfaRecoveryCodes'],
      headers: { 'content-type': 'application/json; charset=UTF-8', server: 'Appwrite', 'x-debug-fallback': 'false' },
    },
  },
  {
    name: 'the session also works through X-Fallback-Cookies',
    as: 'alice',
    request: (ctx) => {
      const value = /a_session_test-project=([^;]+)/.exec(ctx.cookie!)![1]
      return { method: 'GET', url: '/v1/account', cookie: '', headers: { 'x-fallback-cookies': JSON.stringify({ 'a_session_test-project': value }) } }
    },
    expect: { status: 200, body: { $id: 'alice' }, headers: { 'x-debug-fallback': 'true' } },
  },
  {
    name: 'the session also works through X-Appwrite-Session',
    as: 'alice',
    request: (ctx) => ({ method: 'GET', url: '/v1/account', headers: { 'x-appwrite-session': /a_session_test-project=([^;]+)/.exec(ctx.cookie!)![1] } }),
    expect: { status: 200, body: { $id: 'alice' } },
  },
])
