import { scenarios } from '../../../../test/harness/scenarios.js'

// The happy path needs a server to fetch from: see avatars-service.test.ts and test/e2e/avatars.test.ts.
scenarios('avatars.getFavicon', [
  {
    name: 'url is required',
    request: { method: 'GET', url: '/v1/avatars/favicon' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "url" is not optional.' },
  },
  {
    name: 'a javascript: URL is refused',
    request: { method: 'GET', url: '/v1/avatars/favicon?url=javascript%3Aalert(1)' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `url` param: Value must be a valid URL with following schemes (http, https)' },
  },
  {
    name: 'loopback is refused without connecting',
    request: { method: 'GET', url: '/v1/avatars/favicon?url=http%3A%2F%2F127.0.0.1%3A9%2F' },
    expect: { status: 404, type: 'avatar_remote_url_failed', message: 'Failed to fetch favicon from the requested URL.' },
  },
  {
    name: 'a private network address is refused',
    request: { method: 'GET', url: '/v1/avatars/favicon?url=http%3A%2F%2F192.168.1.1%2F' },
    expect: { status: 404, type: 'avatar_remote_url_failed' },
  },
])
