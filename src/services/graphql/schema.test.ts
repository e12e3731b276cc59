import { describe, expect, it } from 'vitest'
import type { GraphQLObjectType, GraphQLSchema } from 'graphql'
import { routeTable } from '../routes.js'
import { RAW_BODY as BODY_RAW_BODY } from '../../http/body.js'
import { RAW_BODY, graphqlRequests } from './endpoint.js'
import { graphqlEngine } from './engine.js'
import { loadGraphql } from './graphql-js.js'
import { fieldName } from './schema.js'

async function schema(): Promise<GraphQLSchema> {
  return (await graphqlEngine()).executor.schema
}
const fields = (type: GraphQLObjectType | null | undefined) => type!.getFields()
const argType = async (root: 'Query' | 'Mutation', field: string, arg: string) =>
  String(fields((await schema()).getType(root) as GraphQLObjectType)[field]!.args.find((a) => a.name === arg)?.type)
const fieldType = async (type: string, field: string) => String(fields((await schema()).getType(type) as GraphQLObjectType)[field]?.type)

describe('the generated GraphQL schema', () => {
  it('is built on first use, well within 200 ms of the first request', async () => {
    const { buildMs } = await graphqlEngine()
    console.log(`graphql schema: loaded and built in ${buildMs.toFixed(0)} ms`)
    // The bench holds the real target (≤ 200 ms) on a quiet machine; tests run beside others.
    expect(buildMs).toBeLessThan(1000)
  })

  it('has a field per client route, GET routes as queries, the others as mutations, sorted', async () => {
    const s = await schema()
    const excluded = (path: string) => path.startsWith('/v1/graphql') || path.startsWith('/v1/account/sessions/oauth2')
    const want = (get: boolean) => routeTable.filter((r) => !excluded(r.path) && (r.method === 'GET') === get).map((r) => fieldName(r.operation)).sort()
    expect(Object.keys(fields(s.getQueryType()))).toEqual(want(true))
    expect(Object.keys(fields(s.getMutationType()))).toEqual(want(false))
    expect(Object.keys(fields(s.getQueryType()))).toEqual(expect.arrayContaining(['accountGet', 'databasesListDocuments', 'accountCreateOAuth2Token', 'avatarsGetInitials']))
    expect(Object.keys(fields(s.getMutationType()))).toEqual(expect.arrayContaining(['accountCreateEmailPasswordSession', 'storageCreateFile', 'teamsCreateMembership', 'databasesDeleteDocument']))
  })

  it('leaves out GraphQL itself and the OAuth2 session redirects (Appwrite Mapper::$blacklist)', async () => {
    const s = await schema()
    const all = [...Object.keys(fields(s.getQueryType())), ...Object.keys(fields(s.getMutationType()))]
    for (const name of ['graphqlQuery', 'graphqlMutation', 'accountCreateOAuth2Session']) expect(all).not.toContain(name)
  })

  it('types arguments from the spec as Appwrite maps validators', async () => {
    expect(await argType('Mutation', 'storageCreateFile', 'file')).toBe('InputFile!')
    expect(await argType('Mutation', 'storageCreateFile', 'permissions')).toBe('[String]')
    expect(await argType('Mutation', 'teamsCreateMembership', 'roles')).toBe('[String!]!')
    expect(await argType('Mutation', 'teamsCreateMembership', 'email')).toBe('String')
    expect(await argType('Mutation', 'accountUpdatePrefs', 'prefs')).toBe('Assoc!')
    expect(await argType('Mutation', 'databasesCreateDocument', 'data')).toBe('Json!')
    expect(await argType('Query', 'databasesListDocuments', 'queries')).toBe('[String]')
    expect(await argType('Query', 'avatarsGetInitials', 'width')).toBe('Int')
    expect(await argType('Query', 'storageGetFilePreview', 'opacity')).toBe('Float')
    expect(await argType('Mutation', 'accountUpdateMFA', 'mfa')).toBe('Boolean!')
  })

  it('types results from the response models, `$` fields as `_` fields', async () => {
    expect(String(fields((await schema()).getQueryType()).accountGet!.type)).toBe('User')
    expect(String(fields((await schema()).getQueryType()).databasesListDocuments!.type)).toBe('DocumentList')
    expect(await fieldType('DocumentList', 'documents')).toBe('[Document]')
    expect(Object.keys(fields((await schema()).getType('Document') as GraphQLObjectType))).toEqual(['data', '_id', '_collectionId', '_databaseId', '_createdAt', '_updatedAt', '_permissions'])
    expect(await fieldType('Document', '_permissions')).toBe('[String]')
    expect(await fieldType('User', 'prefs')).toBe('Preferences')
    expect(Object.keys(fields((await schema()).getType('Preferences') as GraphQLObjectType))).toEqual(['data'])
    expect(await fieldType('User', 'hashOptions')).toBe('HashOptions')
    expect(await fieldType('File', 'sizeOriginal')).toBe('Int')
  })

  it('types routes without a model (204, images, files, redirects) as None { status }', async () => {
    const s = await schema()
    for (const name of ['databasesDeleteDocument', 'storageDeleteFile', 'teamsDeleteMembership']) expect(String(fields(s.getMutationType())[name]!.type)).toBe('None')
    for (const name of ['avatarsGetInitials', 'storageGetFileDownload', 'accountCreateOAuth2Token']) expect(String(fields(s.getQueryType())[name]!.type)).toBe('None')
    expect(Object.keys(fields(s.getType('None') as GraphQLObjectType))).toEqual(['status'])
  })

  it('prints as a valid SDL', async () => {
    const sdl = loadGraphql().printSchema(await schema())
    expect(sdl).toContain('scalar InputFile')
    expect(sdl).toContain('union HashOptions = AlgoArgon2 | AlgoScrypt | AlgoScryptModified | AlgoBcrypt | AlgoPhpass | AlgoSha | AlgoMd5')
    expect(() => loadGraphql().buildSchema(sdl)).not.toThrow()
  })
})

describe('reading GraphQL requests', () => {
  it('uses the symbol src/http/body.ts keeps application/graphql bodies under', () => {
    expect(RAW_BODY).toBe(BODY_RAW_BODY)
  })

  it('takes a request, a list, or the index-keyed params a JSON list arrives as', () => {
    expect(graphqlRequests({ query: '{a}', variables: { x: 1 }, operationName: 'A' })).toEqual([{ query: '{a}', variables: { x: 1 }, operationName: 'A' }])
    expect(graphqlRequests([{ query: '{a}' }, { query: '{b}' }])).toEqual([{ query: '{a}' }, { query: '{b}' }])
    expect(graphqlRequests({ 0: { query: '{a}' }, 1: { query: '{b}' } })).toEqual([{ query: '{a}' }, { query: '{b}' }])
    expect(graphqlRequests({ query: '{a}', variables: '{"x":1}' })).toEqual([{ query: '{a}', variables: { x: 1 } }])
    expect(graphqlRequests({ query: '{a}', variables: 'not json' })).toEqual([{ query: '{a}' }])
  })

  it('refuses what has no query as PHP empty() sees it, and more than 10', () => {
    for (const payload of [undefined, null, '', {}, [], { query: '' }, { query: '0' }, { query: 5 }, [{ query: '{a}' }, 'x']]) {
      expect(() => graphqlRequests(payload), JSON.stringify(payload)).toThrow('Param "query" is not optional.')
    }
    expect(() => graphqlRequests(Array.from({ length: 11 }, () => ({ query: '{a}' })))).toThrow('Too many queries.')
    expect(graphqlRequests(Array.from({ length: 10 }, () => ({ query: '{a}' })))).toHaveLength(10)
  })
})
