import { describe, expect, it } from 'vitest'
import { createPlatformRegistry, hostnameMatches } from './platforms.js'

describe('hostnameMatches (utopia Hostname)', () => {
  it.each([
    [['app.example.com'], 'app.example.com', true],
    [['app.example.com'], 'example.com', false],
    [['*.example.com'], 'shop.example.com', true],
    [['*.example.com'], 'example.com', false],
    [['*.example.com'], 'a.shop.example.com', false],
    [['*'], 'anything.test', true],
    [['localhost'], '', false],
  ] as const)('%j accepts %s: %s', (list, host, expected) => expect(hostnameMatches(list, host)).toBe(expected))
})

describe('the platform registry', () => {
  const registry = createPlatformRegistry([{ type: 'web', hostname: 'app.example.com' }, { type: 'flutter-web', hostname: 'flutter.example.com' }, { type: 'android', key: 'com.example.app' }, { type: 'unity', key: 'com.example.game' }])

  it('lists clients in Appwrite\'s order: localhost, the API host, then the web platforms', () => {
    expect(registry.clients(false, 'api.example.net:8080')).toEqual(['localhost', 'api.example.net', '127.0.0.1', '[::1]', 'app.example.com', 'flutter.example.com'])
    expect(registry.clients(true, 'api.example.net')).toEqual(['localhost', 'api.example.net', '127.0.0.1', '[::1]'])
  })

  it('checks origins by host, names the platform from the scheme, and passes an origin without a host', () => {
    expect(registry.checkOrigin(false, 'https://app.example.com:3000', null, 'api.test')).toBeNull()
    expect(registry.checkOrigin(false, 'appwrite-android://com.example.app', null, 'api.test')).toBeNull()
    expect(registry.checkOrigin(false, null, 'https://app.example.com/page', 'api.test')).toBeNull()
    expect(registry.checkOrigin(false, null, null, 'api.test')).toBeNull()
    expect(registry.checkOrigin(false, 'file:///index.html', null, 'api.test')).toBeNull()
    expect(registry.checkOrigin(false, 'appwrite-ios://com.example.game', null, 'api.test')).toBe(
      'Invalid Origin. Register your new client (com.example.game) as a new iOS platform on your project console dashboard',
    )
    expect(registry.checkOrigin(true, 'appwrite-android://com.example.app', null, 'api.test'), 'the console has no app platforms').not.toBeNull()
    expect(registry.checkOrigin(false, 'chrome-extension://abc', null, 'api.test')).toBe('Unsupported platform')
  })

  it('allows only registered origins in CORS', () => {
    expect(registry.allowOrigin(false, 'https://app.example.com:3000', null, 'api.test', 'http')).toBe('https://app.example.com:3000')
    expect(registry.allowOrigin(false, 'https://evil.test:3000', null, 'api.test', 'http')).toBe('https://localhost:3000')
    expect(registry.allowOrigin(false, undefined, undefined, 'api.test', 'https')).toBe('https://localhost')
    expect(createPlatformRegistry('*').allowOrigin(false, 'https://evil.test', null, 'api.test', 'http')).toBe('https://evil.test')
  })
})
