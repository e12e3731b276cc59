import { describe, expect, it } from 'vitest'
import { isValidRedirectUrl, urlOrigin, withQuery } from './redirect-url.js'

describe('isValidRedirectUrl (FILTER_VALIDATE_URL, and a host a platform could register)', () => {
  it.each([
    'http://localhost:3000/auth/ok',
    'https://app.example.com/cb?x=1#frag',
    'http://127.0.0.1:5173',
    'http://[::1]:8080/cb',
    'https://user:pass@example.com/',
    'https://example.com/bücher',
    'appwrite-callback-myproject://auth',
    'exp://192.168.1.20:8081/--/auth',
    'com.example.app://oauth/callback',
  ])('accepts %s', (url) => expect(isValidRedirectUrl(url)).toBe(true))

  it.each([
    '',
    'not a url',
    '/relative/path',
    'localhost:3000',
    'javascript:alert(1)',
    'data:text/html,hi',
    'mailto:someone@example.com',
    'file:///etc/passwd',
    'appwrite-callback-myproject://',
    'http://',
    'http:///path',
    'http://exa mple.com/',
    'http://under_score.example.com/',
    'https://bücher.example/',
    'http://-bad.example.com/',
    'http://example.com:99999/',
    'http://example.com:port/',
    'http://[::1/',
    'https://example.com/\u0000',
    42,
    null,
  ])('refuses %s', (url) => expect(isValidRedirectUrl(url)).toBe(false))
})

describe('withQuery', () => {
  it('adds params, replacing existing keys and keeping the fragment', () => {
    expect(withQuery('http://a.test/cb?x=1&secret=old#f', { secret: 's', userId: 'u' })).toBe('http://a.test/cb?x=1&secret=s&userId=u#f')
  })
  it('leaves a URL without params as it was', () => {
    expect(withQuery('http://a.test/cb', {})).toBe('http://a.test/cb')
  })
  it('encodes values as http_build_query does', () => {
    expect(withQuery('appwrite-callback-p://auth', { error: '{"message":"a b/c"}' })).toBe('appwrite-callback-p://auth?error=%7B%22message%22%3A%22a+b%2Fc%22%7D')
  })
})

describe('urlOrigin', () => {
  it.each([
    ['http://127.0.0.1:5173/cb?x=1', 'http://127.0.0.1:5173'],
    ['https://user:pass@app.example.com/cb', 'https://app.example.com'],
    ['appwrite-callback-p://auth?x=1', 'appwrite-callback-p://auth'],
  ])('%s → %s', (url, origin) => expect(urlOrigin(url)).toBe(origin))
})
