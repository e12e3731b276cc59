import { scenarios } from '../../test/harness/scenarios.js'

const form = (boundary: string, body: string) => ({ headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body })
const field = (boundary: string, name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
const deep = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`

scenarios('unreadable bodies read as no params (never a 500)', [
  {
    name: 'multipart without a boundary',
    as: 'alice',
    request: { method: 'POST', url: '/v1/teams', headers: { 'content-type': 'multipart/form-data' }, body: 'teamId=t1' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "teamId" is not optional.' },
  },
  {
    name: 'a boundary over 256 characters',
    as: 'alice',
    request: { method: 'POST', url: '/v1/teams', ...form('b'.repeat(300), field('b'.repeat(300), 'teamId', 't1')) },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "teamId" is not optional.' },
  },
  {
    name: 'a truncated multipart body',
    request: { method: 'POST', url: '/v1/account', ...form('xyz', `--xyz\r\nContent-Disposition: form-data; name="userId"\r\n\r\nu1`) },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "userId" is not optional.' },
  },
  {
    name: 'the wrong closing boundary',
    request: { method: 'POST', url: '/v1/account', ...form('xyz', `${field('xyz', 'userId', 'u1')}--xyq--\r\n`) },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "userId" is not optional.' },
  },
  {
    name: 'a multipart content type on a DELETE with a JSON-ish body',
    as: 'alice',
    request: { method: 'DELETE', url: '/v1/account/mfa/authenticators/totp', headers: { 'content-type': 'multipart/form-data' }, body: '{"otp":"1"}' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "otp" is not optional.' },
  },
  {
    name: 'a multipart content type without boundary on phone verification',
    as: 'alice',
    request: { method: 'POST', url: '/v1/account/verification/phone', headers: { 'content-type': 'multipart/form-data' }, body: 'x' },
    expect: { status: 400, type: 'user_phone_not_found' },
  },
  {
    name: 'JSON nested 5,000 deep in a param that feeds a rate-limit key',
    request: { method: 'PUT', url: '/v1/account/sessions/magic-url', body: `{"userId":${deep(5000)},"secret":"s"}` },
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `userId` param/ },
  },
  {
    name: 'JSON nested 5,000 deep in an email that feeds a rate-limit key',
    request: { method: 'POST', url: '/v1/account/tokens/magic-url', body: `{"userId":"u1","email":${deep(5000)}}` },
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `email` param/ },
  },
  {
    name: 'a multipart body is still read when it is well formed',
    request: { method: 'POST', url: '/v1/account', ...form('xyz', `${field('xyz', 'userId', 'u1')}${field('xyz', 'email', 'u1@example.test')}${field('xyz', 'password', 'password123')}--xyz--\r\n`) },
    expect: { status: 201, body: { $id: 'u1', email: 'u1@example.test' } },
  },
])
