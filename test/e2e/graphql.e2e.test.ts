import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { databasesConfig } from '../../src/services/databases/testing/fixture.js'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError, ResponseRecorder, type SdkUser } from '../harness/sdk.js'
import { sharedAvailable } from '../harness/shared.js'
import { assertResponsesMatchSpec } from '../harness/spec.js'

/**
 * GraphQL (BEHAVIORS §18) through the official web SDK `appwrite@14.0.1`'s `Graphql.query` and `Graphql.mutation`,
 * against an emulator started from an appwrite.json with collections and a bucket: signing in through a mutation
 * sets the cookie the next query uses, documents are created and listed, a batch answers a list, an upload goes
 * through the GraphQL multipart request spec (which the SDK does not speak, so it is sent with fetch and
 * FormData), and REST errors arrive as GraphQL errors with the REST message.
 *
 * The spec declares GraphQL responses as `any`, which a batch (a list) or a 204 does not fit: those go to a
 * recorder of their own and are checked for shape here; every other response is held against the spec.
 */

const PASSWORD = 'password123'
const configDir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-graphql-e2e-'))
writeFileSync(
  join(configDir, 'appwrite.json'),
  JSON.stringify({ ...databasesConfig, buckets: [{ $id: 'uploads', name: 'Uploads', $permissions: ['create("users")', 'read("users")'], fileSecurity: false }] }),
)
const suite = useSdkSuite({ emulator: { config: join(configDir, 'appwrite.json') } })
const recorder = new ResponseRecorder()
let projectId: string
let projectCount = 0

afterEach(async () => {
  const records = await recorder.take()
  const graphql = records.filter((r) => r.path.startsWith('/v1/graphql'))
  for (const r of graphql) {
    if (r.status === 204) expect(r.text, `${r.method} ${r.path} 204`).toBe('')
    else if (r.contentType.includes('application/json')) expect(typeof r.body, `${r.method} ${r.path} ${r.text.slice(0, 200)}`).toBe('object')
  }
  if (sharedAvailable('checking e2e responses against client-openapi3.json')) assertResponsesMatchSpec(records.filter((r) => !graphql.includes(r)))
})

function browser(name: string): SdkUser {
  return suite.browser(name, projectId, { recorder })
}

const graphql = (user: SdkUser) => new user.sdk.Graphql(user.client)
type Result = { data?: Record<string, any>; errors?: { message: string; extensions?: Record<string, unknown>; path?: string[] }[] }

describe('GraphQL through the web SDK', () => {
  it('signs in through a mutation, and the next query reads the account with the cookie it set', async () => {
    projectId = `Graphql${++projectCount}E2e`
    const alice = browser('alice')
    const created = (await graphql(alice).mutation({
      query: 'mutation ($userId: String!, $email: String!, $password: String!, $name: String) { accountCreate(userId: $userId, email: $email, password: $password, name: $name) { _id name email } }',
      variables: { userId: 'alice', email: 'alice@example.test', password: PASSWORD, name: 'Alice' },
    })) as Result
    expect(created).toEqual({ data: { accountCreate: { _id: 'alice', name: 'Alice', email: 'alice@example.test' } } })

    const session = (await graphql(alice).mutation({
      query: 'mutation ($email: String!, $password: String!) { accountCreateEmailPasswordSession(email: $email, password: $password) { _id userId current factors } }',
      variables: { email: 'alice@example.test', password: PASSWORD },
    })) as Result
    expect(session.data!.accountCreateEmailPasswordSession).toMatchObject({ userId: 'alice', current: true, factors: ['password'] })
    expect(alice.cookies.names()).toContain(`a_session_${projectId.toLowerCase()}`)
    expect(JSON.parse(alice.fallback!)).toHaveProperty(`a_session_${projectId}`)

    const account = (await graphql(alice).query({ query: '{ accountGet { _id email prefs { data } } }' })) as Result
    expect(account).toEqual({ data: { accountGet: { _id: 'alice', email: 'alice@example.test', prefs: { data: '{}' } } } })
    // The same session serves REST.
    expect(await alice.account.get()).toMatchObject({ $id: 'alice' })
  })

  it('creates and lists documents, and deletes one with a 204', async () => {
    projectId = `Graphql${++projectCount}E2e`
    const guest = browser('guest')
    const create = 'mutation ($id: String!, $data: Json!) { databasesCreateDocument(databaseId: "main", collectionId: "public", documentId: $id, data: $data) { _id _collectionId _databaseId _permissions data } }'
    const [one, two] = (await Promise.all([
      graphql(guest).mutation({ query: create, variables: { id: 'one', data: { title: 'One', count: 1, tags: ['Red'] } } }),
      graphql(guest).mutation({ query: create, variables: { id: 'two', data: { title: 'Two', count: 2 } } }),
    ])) as Result[]
    expect(one!.data!.databasesCreateDocument).toMatchObject({ _id: 'one', _collectionId: 'public', _databaseId: 'main', _permissions: [] })
    expect(JSON.parse(one!.data!.databasesCreateDocument.data)).toMatchObject({ title: 'One', count: 1, tags: ['Red'], flag: false })
    expect(two!.errors).toBeUndefined()

    const list = (await graphql(guest).query({
      query: 'query ($queries: [String]) { databasesListDocuments(databaseId: "main", collectionId: "public", queries: $queries) { total documents { _id data } } }',
      variables: { queries: [guest.sdk.Query.orderDesc('count')] },
    })) as Result
    expect(list.data!.databasesListDocuments.total).toBe(2)
    expect(list.data!.databasesListDocuments.documents.map((d: { _id: string }) => d._id)).toEqual(['two', 'one'])

    // A delete answers the whole GraphQL request with 204 and no body; the SDK reads it as an empty message.
    const deleted = await graphql(guest).mutation({ query: 'mutation { databasesDeleteDocument(databaseId: "main", collectionId: "public", documentId: "one") { status } }' })
    expect(deleted).toEqual({ message: '' })
    const databases = new guest.sdk.Databases(guest.client)
    expect((await databases.listDocuments('main', 'public')).documents.map((d) => d.$id)).toEqual(['two'])
  })

  it('answers a batch with a list of results, in order', async () => {
    projectId = `Graphql${++projectCount}E2e`
    const guest = browser('guest')
    const results = (await graphql(guest).query([
      { query: '{ localeListContinents { total } }' },
      { query: 'mutation { teamsCreate(teamId: "t", name: "T") { _id } }' },
      { query: 'query A { localeGet { ip } } query B ($code: String!) { localeGet { countryCode } avatarsGetFlag(code: $code) { status } }', operationName: 'A', variables: { code: 'fr' } },
    ] as unknown as object)) as unknown as Result[]
    expect(results).toHaveLength(3)
    expect(results[0]).toEqual({ data: { localeListContinents: { total: 7 } } })
    expect(results[1]).toEqual({ errors: [expect.objectContaining({ message: 'User (role: guests) missing scope (teams.write)', path: ['teamsCreate'] })], data: { teamsCreate: null } })
    expect(results[2]).toEqual({ data: { localeGet: { ip: '127.0.0.1' } } })
  })

  it('uploads a file through the GraphQL multipart request spec', async () => {
    projectId = `Graphql${++projectCount}E2e`
    const bob = browser('bob')
    await bob.account.create('bob', 'bob@example.test', PASSWORD)
    await bob.account.createEmailPasswordSession('bob@example.test', PASSWORD)

    const form = new FormData()
    form.append('operations', JSON.stringify({
      query: 'mutation ($fileId: String!, $file: InputFile!) { storageCreateFile(bucketId: "uploads", fileId: $fileId, file: $file) { _id bucketId name sizeOriginal mimeType } }',
      variables: { fileId: 'notes', file: null },
    }))
    form.append('map', JSON.stringify({ 0: ['variables.file'] }))
    form.append('0', new Blob(['hello graphql'], { type: 'text/plain' }), 'notes.txt')
    const url = new URL(`${suite.emulator.url}/graphql`)
    const res = await fetch(url, { method: 'POST', body: form, headers: { 'x-appwrite-project': projectId, cookie: bob.cookies.header(url) } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ data: { storageCreateFile: { _id: 'notes', bucketId: 'uploads', name: 'notes.txt', sizeOriginal: 13, mimeType: 'text/plain' } } })

    const storage = new bob.sdk.Storage(bob.client)
    expect(await storage.getFile('uploads', 'notes')).toMatchObject({ $id: 'notes', sizeOriginal: 13 })
    const listed = (await graphql(bob).query({ query: '{ storageListFiles(bucketId: "uploads") { total files { _id name } } }' })) as Result
    expect(listed).toEqual({ data: { storageListFiles: { total: 1, files: [{ _id: 'notes', name: 'notes.txt' }] } } })
  })

  it('carries REST errors: a GraphQL error with the REST message, or the REST error for a request without a query', async () => {
    projectId = `Graphql${++projectCount}E2e`
    const guest = browser('guest')
    const refused = (await graphql(guest).query({ query: '{ accountGet { _id } teamsGet(teamId: "nope") { _id } }' })) as Result
    expect(refused.data).toEqual({ accountGet: null, teamsGet: null })
    expect(refused.errors).toEqual([
      expect.objectContaining({ message: 'User (role: guests) missing scope (account)', extensions: { category: 'appwrite', code: 401, type: 'general_unauthorized_scope' }, path: ['accountGet'] }),
      expect.objectContaining({ message: 'User (role: guests) missing scope (teams.read)', path: ['teamsGet'] }),
    ])
    const invalid = (await graphql(guest).mutation({ query: 'mutation { accountCreateEmailPasswordSession(email: "nope", password: "x") { _id } }' })) as Result
    expect(invalid.errors![0]!.message).toBe('Invalid `email` param: Value must be a valid email address')
    const syntax = (await graphql(guest).query({ query: '{ accountGet { ' })) as Result
    expect(syntax.errors![0]).toMatchObject({ message: 'Syntax Error: Expected Name, found <EOF>.', extensions: { category: 'graphql' } })
    expect(await appwriteError(graphql(guest).query({}))).toMatchObject({ code: 400, type: 'graphql_no_query', message: 'Param "query" is not optional.' })
    expect(await appwriteError(graphql(guest).query(Array.from({ length: 11 }, () => ({ query: '{ localeGet { ip } }' }))))).toMatchObject({ code: 400, type: 'graphql_too_many_queries', message: 'Too many queries.' })
  })
})
