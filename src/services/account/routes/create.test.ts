import { expect } from 'vitest'
import { scenarios } from '../../../../test/harness/scenarios.js'

const body = { userId: 'carol', email: 'Carol@Example.test', password: 'carol-password', name: 'Carol' }
const post = (b: unknown) => ({ method: 'POST' as const, url: '/v1/account', body: b })

scenarios('account.create', [
  { name: 'missing userId is not optional', request: post({ email: 'a@b.co', password: 'password1' }), expect: { status: 400, type: 'general_argument_invalid', message: 'Param "userId" is not optional.' } },
  {
    name: 'a bad custom ID gets the CustomId message',
    request: post({ ...body, userId: '_carol' }),
    expect: { status: 400, type: 'general_argument_invalid', message: "Invalid `userId` param: Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char" },
  },
  { name: 'an ID of 37 chars is refused', request: post({ ...body, userId: 'a'.repeat(37) }), expect: { status: 400, type: 'general_argument_invalid' } },
  { name: 'a bad email', request: post({ ...body, email: 'not-an-email' }), expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `email` param: Value must be a valid email address' } },
  {
    name: 'a short password gets the message with Appwrite\'s 265 typo',
    request: post({ ...body, password: 'short' }),
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `password` param: Password must be between 8 and 265 characters long, and should not be one of the commonly used password.' },
  },
  { name: 'a password over 256 bytes', request: post({ ...body, password: 'é'.repeat(129) }), expect: { status: 400, type: 'general_argument_invalid' } },
  { name: 'a name over 128 chars', request: post({ ...body, name: 'n'.repeat(129) }), expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars' } },
  { name: 'a number where a string belongs', request: post({ ...body, email: 42 }), expect: { status: 400, type: 'general_argument_invalid' } },
  { name: 'malformed JSON reads as no params', request: { method: 'POST', url: '/v1/account', body: '{"userId": ', headers: { 'content-type': 'application/json' } }, expect: { status: 400, message: 'Param "userId" is not optional.' } },
  { name: 'a JSON array body reads as no params', request: post([1, 2]), expect: { status: 400, message: 'Param "userId" is not optional.' } },
  { name: 'the same ID twice', as: 'alice', request: post({ ...body, userId: 'alice' }), expect: { status: 409, type: 'user_already_exists' } },
  { name: 'the same email twice, in another case', as: 'alice', request: post({ ...body, email: 'ALICE@example.test' }), expect: { status: 409, type: 'user_already_exists' } },
  {
    name: 'nothing is half-written when the insert fails',
    as: 'alice',
    request: post({ ...body, userId: 'alice' }),
    expect: { status: 409 },
    async after(_res, app) {
      const targets = await app.store.targets.list('test-project', {})
      expect(targets.map((t) => t.identifier)).toEqual(['alice@example.test'])
    },
  },
  {
    name: 'creates the account with a lower-cased email and an email target',
    request: post(body),
    expect: {
      status: 201,
      body: { $id: 'carol', email: 'carol@example.test', name: 'Carol', status: true, emailVerification: false, phone: '', mfa: false, prefs: {}, targets: [{ providerType: 'email', identifier: 'carol@example.test', userId: 'carol' }] },
      absent: ['password', 'hash', 'passwordHash'],
      headers: { 'x-ratelimit-limit': '10', 'x-ratelimit-remaining': '9', 'set-cookie': undefined },
    },
    events: { 'users.carol.create': 1 },
  },
  {
    name: 'unique() gives a 20-hex, time-ordered ID',
    request: post({ ...body, userId: 'unique()' }),
    expect: { status: 201, body: { $createdAt: '2024-05-01T10:20:30.123+00:00' } },
    async after(res) {
      expect(res.body.$id).toMatch(/^[0-9a-f]{20}$/)
    },
  },
  {
    name: 'a signed-in caller may still create accounts',
    as: 'alice',
    request: post(body),
    expect: { status: 201, body: { $id: 'carol' } },
  },
  {
    name: 'the password is stored as an argon2id hash only',
    request: post(body),
    expect: { status: 201 },
    async after(_res, app) {
      const user = await app.store.users.get('test-project', 'carol')
      expect(user?.passwordHash).toMatch(/^\$argon2id\$/)
      expect(JSON.stringify(user)).not.toContain('carol-password')
    },
  },
])
