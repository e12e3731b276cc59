import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadAppwriteJson, parseAppwriteJson } from './appwrite-json.js'

const parse = (json: unknown) => parseAppwriteJson(json, '/app/appwrite.json')
const failure = (json: unknown) => {
  try {
    parse(json)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error('expected a ConfigError')
}

const full = {
  projectId: 'my-app',
  projectName: 'My App',
  settings: {
    services: { account: true, storage: false },
    auth: {
      methods: { anonymous: false, 'email-password': true },
      security: { duration: 3600, limit: 100, sessionsLimit: 5, passwordHistory: 3, passwordDictionary: true, personalDataCheck: true, mockNumbers: [{ phone: '+15555550100', otp: '123456' }] },
    },
  },
  databases: [{ $id: 'main', name: 'Main', enabled: true }],
  collections: [
    {
      $id: 'posts', databaseId: 'main', name: 'Posts', documentSecurity: true, $permissions: ['read("any")', 'create("users")'],
      attributes: [
        { key: 'title', type: 'string', size: 255, required: true },
        { key: 'email', type: 'string', format: 'email', required: false },
        { key: 'kind', type: 'string', format: 'enum', elements: ['a', 'bb'], required: false, default: 'a' },
        { key: 'score', type: 'double', min: 0, max: 10 },
        { key: 'author', type: 'relationship', relatedCollection: 'authors', relationType: 'manyToOne', twoWay: true, twoWayKey: 'posts', onDelete: 'cascade', side: 'parent' },
      ],
      indexes: [{ key: 'title_ft', type: 'fulltext', attributes: ['title'], orders: ['ASC'] }],
    },
    { $id: 'authors', databaseId: 'main', name: 'Authors', attributes: [], indexes: [] },
  ],
  buckets: [{ $id: 'avatars', name: 'Avatars', $permissions: ['read("any")'], compression: 'gzip', allowedFileExtensions: ['png'] }],
  functions: [{ $id: 'hello', name: 'Hello', runtime: 'node-18.0', execute: ['any'], path: 'functions/hello', entrypoint: 'src/main.js' }],
  teams: [{ $id: 'admins', name: 'Admins' }],
  topics: [{ $id: 'news', name: 'News', subscribe: ['users'] }],
  unknownKeyIsTolerated: 1,
}

describe('appwrite.json', () => {
  it('reads every section, with defaults and paths relative to the file', () => {
    const t = parse(full)
    expect(t.projectId).toBe('my-app')
    expect(t.settings.services.storage).toBe(false)
    expect(t.settings.services.databases).toBe(true)
    expect(t.settings.authMethods.anonymous).toBe(false)
    expect(t.settings.security).toMatchObject({ duration: 3600, limit: 100, sessionsLimit: 5, passwordHistory: 3, mockNumbers: [{ phone: '+15555550100', otp: '123456' }] })
    expect(t.collections[0].attributes[2]).toMatchObject({ format: 'enum', elements: ['a', 'bb'], size: 2, default: 'a' })
    expect(t.collections[0].attributes[3]).toMatchObject({ type: 'double', min: 0, max: 10 })
    expect(t.collections[1]).toMatchObject({ enabled: true, documentSecurity: false, $permissions: [] })
    expect(t.buckets[0]).toMatchObject({ compression: 'gzip', encryption: true, maximumFileSize: 30_000_000, fileSecurity: false })
    expect(t.functions[0].path).toBe('/app/functions/hello')
    expect(t.teams).toEqual([{ $id: 'admins', name: 'Admins' }])
    expect(t.topics[0].subscribe).toEqual(['users'])
  })

  it('reads platforms: web hostnames, app keys, or "*"', () => {
    expect(parse({}).platforms).toEqual([])
    expect(parse({ platforms: '*' }).platforms).toBe('*')
    expect(parse({ platforms: [{ type: 'web', hostname: 'App.Example.com' }, { hostname: '*.example.dev' }, { type: 'apple-ios', key: 'com.Example.app' }] }).platforms).toEqual([
      { type: 'web', hostname: 'app.example.com' },
      { type: 'web', hostname: '*.example.dev' },
      { type: 'apple-ios', key: 'com.Example.app' },
    ])
    failure({ platforms: [{ type: 'web', hostname: 'https://app.example.com' }] })
    failure({ platforms: [{ type: 'android' }] })
    failure({ platforms: [{ type: 'windows-phone', key: 'x' }] })
    failure({ platforms: {} })
  })

  it('accepts an empty file from `appwrite init`', () => {
    expect(parse({ projectId: 'x' }).collections).toEqual([])
  })

  it.each([
    [[], '/app/appwrite.json: $: must be an object'],
    [{ projectId: '_bad' }, '$.projectId: "_bad" is not a valid ID'],
    [{ settings: { services: { nope: true } } }, '$.settings.services.nope: unknown service'],
    [{ settings: { auth: { methods: { anonymous: 'yes' } } } }, '$.settings.auth.methods.anonymous: must be true or false'],
    [{ settings: { auth: { security: { duration: -1 } } } }, '$.settings.auth.security.duration: must be an integer of at least 1'],
    [{ settings: { auth: { security: { mockNumbers: [{ phone: '555', otp: '123456' }] } } } }, '$.settings.auth.security.mockNumbers[0].phone'],
    [{ databases: [{ $id: 'a' }, { $id: 'a' }] }, '$.databases[1].$id: "a" appears twice'],
    [{ collections: [{ $id: 'c', databaseId: 'nope' }] }, '$.collections[0].databaseId: database "nope" is not in $.databases'],
    [{ databases: [{ $id: 'd' }], collections: [{ $id: 'c', databaseId: 'd', attributes: [{ key: 'x', type: 'blob' }] }] }, '$.collections[0].attributes[0].type: must be one of'],
    [{ databases: [{ $id: 'd' }], collections: [{ $id: 'c', databaseId: 'd', attributes: [{ key: 'x', type: 'string' }] }] }, '$.collections[0].attributes[0].size: a string attribute needs a size'],
    [{ databases: [{ $id: 'd' }], collections: [{ $id: 'c', databaseId: 'd', $permissions: ['read("all")'] }] }, '$.collections[0].$permissions[0]: Role "all" is not allowed'],
    [{ databases: [{ $id: 'd' }], collections: [{ $id: 'c', databaseId: 'd', indexes: [{ key: 'i', type: 'key', attributes: ['ghost'] }] }] }, '$.collections[0].indexes[0].attributes[0]: "ghost" is not an attribute'],
    [{ databases: [{ $id: 'd' }], collections: [{ $id: 'c', databaseId: 'd', attributes: [{ key: 'r', type: 'relationship', relatedCollection: 'ghost', relationType: 'oneToOne' }] }] }, 'relatedCollection: collection "ghost" is not in database "d"'],
    [{ buckets: [{ $id: 'b', compression: 'brotli' }] }, '$.buckets[0].compression: must be one of none, gzip, zstd'],
    [{ functions: [{ $id: 'f' }] }, '$.functions[0].runtime: must be a string'],
    [{ teams: [{ $id: 't' }] }, '$.teams[0].name: must be a string'],
  ])('refuses %j naming the path', (json, message) => {
    expect(failure(json)).toContain(message)
  })

  it('names the file when it cannot be read or parsed', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-'))
    expect(() => loadAppwriteJson(join(dir, 'missing.json'))).toThrow(/missing\.json: \$: cannot be read \(ENOENT\)/)
    writeFileSync(join(dir, 'appwrite.json'), '{ nope')
    expect(() => loadAppwriteJson(join(dir, 'appwrite.json'))).toThrow(/appwrite\.json: \$: is not valid JSON/)
  })
})
