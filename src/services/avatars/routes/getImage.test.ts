import { scenarios } from '../../../../test/harness/scenarios.js'

// The happy path needs a server to fetch from: see avatars-service.test.ts and test/e2e/avatars.test.ts.
scenarios('avatars.getImage', [
  {
    name: 'url is required',
    request: { method: 'GET', url: '/v1/avatars/image' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "url" is not optional.' },
  },
  {
    name: 'a URL with another scheme is refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=ftp%3A%2F%2Fexample.com%2Fa.png' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `url` param: Value must be a valid URL with following schemes (http, https)' },
  },
  {
    name: 'something that is not a URL is refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=not%20a%20url' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `url` param: Value must be a valid URL with following schemes (http, https)' },
  },
  {
    name: 'a width over 2000 is refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=https%3A%2F%2Fexample.com%2Fa.png&width=2001' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `width` param: Value must be a valid range between 0 and 2,000' },
  },
  {
    name: 'loopback is refused without connecting',
    request: { method: 'GET', url: '/v1/avatars/image?url=http%3A%2F%2F127.0.0.1%3A9%2Fa.png' },
    expect: { status: 404, type: 'avatar_remote_url_failed', message: 'Failed to fetch favicon from the requested URL.' },
  },
  {
    name: 'the cloud metadata address is refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=http%3A%2F%2F169.254.169.254%2Flatest%2Fmeta-data%2F' },
    expect: { status: 404, type: 'avatar_remote_url_failed' },
  },
  {
    name: 'private ranges and IPv6 loopback are refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=http%3A%2F%2F%5B%3A%3A1%5D%2Fa.png' },
    expect: { status: 404, type: 'avatar_remote_url_failed' },
  },
  {
    name: 'a host name without a public suffix is refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=http%3A%2F%2Flocalhost%2Fa.png' },
    expect: { status: 404, type: 'avatar_remote_url_failed' },
  },
  {
    name: 'a private address written as a decimal number is refused',
    request: { method: 'GET', url: '/v1/avatars/image?url=http%3A%2F%2F2130706433%2Fa.png' },
    expect: { status: 404, type: 'avatar_remote_url_failed' },
  },
])
