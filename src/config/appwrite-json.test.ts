import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { ConfigError, formatProblem, loadAppwriteJson, parseAppwriteJson, readAppwriteJson } from './appwrite-json.js'

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
    writeFileSync(join(dir, 'appwrite.json'), '{\n  "projectId": "x",\n  "buckets": [,]\n}')
    expect(() => loadAppwriteJson(join(dir, 'appwrite.json'))).toThrow(/appwrite\.json:3:15: \$: is not valid JSON: unexpected ",", expected a value/)
    writeFileSync(join(dir, 'appwrite.json'), '{ "projectId": "x",')
    expect(() => loadAppwriteJson(join(dir, 'appwrite.json'))).toThrow(/appwrite\.json:1:20: \$: is not valid JSON: unexpected end of the file/)
  })

  it('reports every problem at once, each with its line, column and JSON path', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-'))
    const file = join(dir, 'appwrite.json')
    writeFileSync(
      file,
      [
        '{',
        '  "projectId": "_bad",',
        '  "databases": [{ "$id": "main" }],',
        '  "collections": [',
        '    { "$id": "posts", "databaseId": "nope", "attributes": [{ "key": "t", "type": "string" }] },',
        '    "not an object"',
        '  ],',
        '  "buckets": [{ "$id": "b", "compression": "gzipp", "maximumFileSize": -5 }],',
        '  "settings": { "services": { "acount": true } }',
        '}',
      ].join('\n'),
    )
    let error: ConfigError | undefined
    try {
      loadAppwriteJson(file)
    } catch (e) {
      error = e as ConfigError
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect(error!.message.split('\n')).toEqual([
      `${file}:2:16: $.projectId: "_bad" is not a valid ID (1–36 chars of a-z, A-Z, 0-9, period, hyphen, underscore; not starting with a special char)`,
      `${file}:9:41: $.settings.services.acount: unknown service; did you mean "account"? (known: account, avatars, databases, locale, health, storage, teams, users, functions, graphql, messaging)`,
      `${file}:5:37: $.collections[0].databaseId: database "nope" is not in $.databases`,
      `${file}:5:60: $.collections[0].attributes[0].size: a string attribute needs a size`,
      `${file}:6:5: $.collections[1]: must be an object`,
      `${file}:8:72: $.buckets[0].maximumFileSize: must be an integer of at least 1`,
      `${file}:8:44: $.buckets[0].compression: must be one of none, gzip, zstd (did you mean "gzip"?)`,
    ])
    expect(error!.problems[0]).toMatchObject({ file, path: '$.projectId', line: 2, column: 16 })
  })

  it('warns about unknown keys with the nearest known key, and still loads', () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-'))
    const file = join(dir, 'appwrite.json')
    writeFileSync(file, '{\n  "projectID": "app",\n  "colections": [],\n  "databases": [{ "$id": "d", "nmae": "D", "$createdAt": "x" }],\n  "zzz": 1\n}')
    const { template, warnings } = readAppwriteJson(file)
    expect(template.databases).toEqual([{ $id: 'd', name: '', enabled: true }])
    expect(warnings.map(formatProblem)).toEqual([
      `${file}:2:3: $.projectID: unknown key, ignored; did you mean "projectId"?`,
      `${file}:3:3: $.colections: unknown key, ignored; did you mean "collections"?`,
      `${file}:5:3: $.zzz: unknown key, ignored`,
      `${file}:4:31: $.databases[0].nmae: unknown key, ignored; did you mean "name"?`,
    ])
  })
})
