import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildApp, type App } from '../app.js'
import { SqliteStore } from '../store/sqlite/sqlite-store.js'
import { databasesTemplate } from '../services/databases/testing/fixture.js'
import { buildConsole } from '../../scripts/build-console.mjs'
import { createTestApp, USERS, type TestApp } from '../../test/harness/app.js'

const assetsDir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-console-assets-'))

async function appWith(options: { controlToken?: string; consoleAssets?: string }): Promise<App> {
  const app = await buildApp({ store: SqliteStore.open(':memory:'), template: databasesTemplate(), ...options })
  await app.server.ready()
  return app
}

describe('console page and assets', () => {
  let app: App
  beforeAll(async () => {
    await buildConsole(assetsDir)
    app = await appWith({ consoleAssets: assetsDir })
  }, 30_000)
  afterAll(() => app.server.close())

  it('refuses clients off loopback, the page as the control API', async () => {
    for (const url of ['/', '/console', '/_emulator/operations', '/_emulator/projects', '/_emulator/projects/p/users']) {
      const res = await app.server.inject({ method: 'GET', url, remoteAddress: '10.0.0.9' })
      expect([url, res.statusCode, JSON.parse(res.body).type]).toEqual([url, 401, 'general_access_forbidden'])
    }
    const proxied = await app.server.inject({ method: 'GET', url: '/console', headers: { 'x-forwarded-for': '1.2.3.4' } })
    expect(proxied.statusCode).toBe(401)
  })

  it('redirects / to /console and serves the page uncached, assets immutable and precompressed', async () => {
    const root = await app.server.inject({ method: 'GET', url: '/' })
    expect([root.statusCode, root.headers.location]).toEqual([302, '/console'])
    const page = await app.server.inject({ method: 'GET', url: '/console' })
    expect([page.statusCode, page.headers['content-type'], page.headers['cache-control']]).toEqual([200, 'text/html; charset=utf-8', 'no-cache'])
    expect(page.headers['content-security-policy']).toContain("default-src 'self'")
    // Deep links serve the page; a missing asset is a plain 404.
    expect((await app.server.inject({ method: 'GET', url: '/console/anything/here' })).headers['content-type']).toBe('text/html; charset=utf-8')
    expect((await app.server.inject({ method: 'GET', url: '/console/assets/missing-ABCDEFGH.js' })).statusCode).toBe(404)
    const script = /src="\/console\/(assets\/app-\w+\.js)"/.exec(page.body)![1]
    const br = await app.server.inject({ method: 'GET', url: `/console/${script}`, headers: { 'accept-encoding': 'gzip, br' } })
    expect([br.headers['content-type'], br.headers['content-encoding'], br.headers['cache-control']]).toEqual(['text/javascript; charset=utf-8', 'br', 'public, max-age=31536000, immutable'])
    const gzip = await app.server.inject({ method: 'GET', url: `/console/${script}`, headers: { 'accept-encoding': 'gzip' } })
    expect(gzip.headers['content-encoding']).toBe('gzip')
    const plain = await app.server.inject({ method: 'GET', url: `/console/${script}` })
    expect(plain.headers['content-encoding']).toBeUndefined()
    // Nothing names another host: the only absolute URLs are the XML namespaces Preact creates elements in.
    const hosts = [...`${page.body}${plain.body}`.matchAll(/https?:\/\/([^/"'\s]+)/g)].map((m) => m[1])
    expect(new Set(hosts)).toEqual(new Set(['www.w3.org']))
  })

  it('says how to build the console when it is not built', async () => {
    const bare = await appWith({ consoleAssets: join(assetsDir, 'nowhere') })
    const res = await bare.server.inject({ method: 'GET', url: '/console' })
    expect([res.statusCode, res.body]).toEqual([503, expect.stringContaining('npm run build')])
    await bare.server.close()
  })

  it('with a control token, takes it once from the address, then from its cookie, and hands it to the page', async () => {
    const guarded = await appWith({ controlToken: 's3cret', consoleAssets: assetsDir })
    const refused = await guarded.server.inject({ method: 'GET', url: '/console' })
    expect([refused.statusCode, JSON.parse(refused.body).type]).toEqual([401, 'general_unauthorized_scope'])
    expect((await guarded.server.inject({ method: 'GET', url: '/console?token=wrong' })).statusCode).toBe(401)
    expect((await guarded.server.inject({ method: 'GET', url: '/?token=s3cret' })).headers.location).toBe('/console?token=s3cret')
    const first = await guarded.server.inject({ method: 'GET', url: '/console?token=s3cret', remoteAddress: '10.0.0.9' })
    expect(first.statusCode).toBe(200)
    expect(first.headers['set-cookie']).toBe('appwrite_emulator_console=s3cret; Path=/; HttpOnly; SameSite=Strict')
    expect(first.body).toContain('<meta name="control-token" content="s3cret" />')
    const again = await guarded.server.inject({ method: 'GET', url: '/console', headers: { cookie: 'appwrite_emulator_console=s3cret' } })
    expect(again.statusCode).toBe(200)
    // The cookie opens the console's own routes, not the rest of the control API (scripts send the header there).
    expect((await guarded.server.inject({ method: 'GET', url: '/_emulator/operations', headers: { cookie: 'appwrite_emulator_console=s3cret' } })).statusCode).toBe(401)
    expect((await guarded.server.inject({ method: 'GET', url: '/_emulator/operations', headers: { authorization: 'Bearer s3cret' } })).statusCode).toBe(200)
    await guarded.server.close()
  })
})

describe('console control routes', () => {
  let app: TestApp
  beforeAll(async () => {
    app = await createTestApp({ template: databasesTemplate() })
  })
  afterAll(() => app.close())

  it('describe the 95 operations of the route table', async () => {
    const res = await app.request({ method: 'GET', url: '/_emulator/operations' })
    expect(res.status).toBe(200)
    expect(res.body.total).toBe(95)
    expect(res.body.operations.find((o: { operation: string }) => o.operation === 'account.get')).toMatchObject({ method: 'GET', path: '/v1/account', scope: 'account' })
  })

  it('mint a session for a user: unknown project and user are 404, and the session string signs requests in', async () => {
    expect((await app.request({ method: 'POST', url: '/_emulator/projects/_bad/users/alice/sessions' })).body.type).toBe('project_not_found')
    const missing = await app.request({ method: 'POST', url: '/_emulator/projects/test-project/users/nobody/sessions' })
    expect([missing.status, missing.body.type]).toEqual([404, 'user_not_found'])
    await app.signIn(USERS.alice)
    const minted = await app.request({ method: 'POST', url: '/_emulator/projects/test-project/users/alice/sessions' })
    expect(minted.status).toBe(201)
    expect(minted.body).toMatchObject({ userId: 'alice', session: { userId: 'alice', provider: 'server' } })
    const me = await app.request({ method: 'GET', url: '/v1/account', headers: { 'x-appwrite-session': minted.body.value } })
    expect([me.status, me.body.$id]).toEqual([200, 'alice'])
    const users = await app.request({ method: 'GET', url: '/_emulator/projects/test-project/users' })
    const alice = users.body.users.find((u: { $id: string }) => u.$id === 'alice')
    expect(alice.sessions.map((s: { provider: string }) => s.provider).sort()).toEqual(['email', 'server'])
    expect(alice).toMatchObject({ email: 'alice@example.test', status: true, targets: [{ providerType: 'email', identifier: 'alice@example.test' }] })
    expect(alice).not.toHaveProperty('passwordHash')
  })

  it('block and unblock a user, and sign them out everywhere', async () => {
    const cookie = await app.signIn(USERS.alice)
    const url = '/_emulator/projects/test-project/users/alice/status'
    const bad = await app.request({ method: 'PATCH', url, body: { status: 'no' } })
    expect([bad.status, bad.body.type]).toEqual([400, 'general_argument_invalid'])
    expect((await app.request({ method: 'PATCH', url: '/_emulator/projects/test-project/users/nobody/status', body: { status: false } })).body.type).toBe('user_not_found')
    const blocked = await app.request({ method: 'PATCH', url, body: { status: false } })
    expect([blocked.status, blocked.body.status]).toEqual([200, false])
    const refused = await app.request({ method: 'GET', url: '/v1/account', cookie })
    expect([refused.status, refused.body.type]).toEqual([401, 'user_blocked'])
    expect((await app.request({ method: 'PATCH', url, body: { status: true } })).body.status).toBe(true)
    expect((await app.request({ method: 'GET', url: '/v1/account', cookie })).status).toBe(200)
    const out = await app.request({ method: 'DELETE', url: '/_emulator/projects/test-project/users/alice/sessions' })
    expect(out.status).toBe(204)
    expect((await app.request({ method: 'GET', url: '/v1/account', cookie })).status).toBe(401)
  })

  it('delete a user: sessions, memberships (with the team count) and targets go, and the email is free again', async () => {
    // A project of its own, so the other tests' counts stay as they are.
    const project = 'leaving'
    const ask = (method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, cookie?: string) => app.request({ method, url, body, cookie, project })
    expect((await ask('POST', '/v1/account', { userId: 'ada', email: 'ada@example.test', password: 'ada-password-1' })).status).toBe(201)
    const session = await ask('POST', '/v1/account/sessions/email', { email: 'ada@example.test', password: 'ada-password-1' })
    const cookie = String(session.headers['set-cookie']).split(';')[0]!
    const team = await ask('POST', '/v1/teams', { teamId: 'club', name: 'Club' }, cookie)
    expect([team.status, team.body.total]).toEqual([201, 1])
    expect((await ask('DELETE', `/_emulator/projects/${project}/users/nobody`)).body.type).toBe('user_not_found')
    expect((await ask('DELETE', `/_emulator/projects/${project}/users/ada`)).status).toBe(204)
    expect((await ask('GET', '/v1/account', undefined, cookie)).status).toBe(401)
    expect(((await ask('GET', `/_emulator/projects/${project}/users`)).body.users as { $id: string }[]).map((u) => u.$id)).not.toContain('ada')
    const teams = (await ask('GET', `/_emulator/projects/${project}/teams`)).body.teams as { $id: string; total: number; memberships: unknown[] }[]
    expect(teams.find((t) => t.$id === 'club')).toMatchObject({ total: 0, memberships: [] })
    expect((await ask('POST', '/v1/account', { userId: 'ada2', email: 'ada@example.test', password: 'another-password-1' })).status, 'the email can sign up again').toBe(201)
    expect((await ask('DELETE', `/_emulator/projects/${project}/users/ada`)).body.type).toBe('user_not_found')
  })

  it('list every document whatever its permissions, filtered by 1.5 queries; bad queries and collections answer their errors', async () => {
    const cookie = await app.signIn(USERS.bob)
    const created = await app.request({ method: 'POST', url: '/v1/databases/main/collections/private/documents', cookie, body: { documentId: 'secret-note', data: { note: 'only bob' } } })
    expect(created.status).toBe(201)
    const base = '/_emulator/projects/test-project/databases/main/collections/private/documents'
    const all = await app.request({ method: 'GET', url: base })
    expect(all.body).toMatchObject({ total: 1, documents: [{ $id: 'secret-note', note: 'only bob' }] })
    const q = (query: string) => `${base}?queries[]=${encodeURIComponent(query)}`
    expect((await app.request({ method: 'GET', url: q('{"method":"equal","attribute":"note","values":["other"]}') })).body.total).toBe(0)
    const bad = await app.request({ method: 'GET', url: q('equal(') })
    expect([bad.status, bad.body.type]).toEqual([400, 'general_query_invalid'])
    const unknown = await app.request({ method: 'GET', url: '/_emulator/projects/test-project/databases/main/collections/nope/documents' })
    expect([unknown.status, unknown.body.type]).toEqual([404, 'collection_not_found'])
    // The guest still cannot read it through the client API.
    expect((await app.request({ method: 'GET', url: '/v1/databases/main/collections/private/documents' })).body.total).toBe(0)
  })

  it('list projects with counts, and the config\'s databases, buckets and functions', async () => {
    const projects = await app.request({ method: 'GET', url: '/_emulator/projects' })
    expect(projects.body.projects).toContainEqual(expect.objectContaining({ $id: 'test-project', users: 2 }))
    const dbs = await app.request({ method: 'GET', url: '/_emulator/projects/test-project/databases' })
    expect(dbs.body.databases.find((d: { $id: string }) => d.$id === 'main').collections.map((c: { $id: string }) => c.$id)).toContain('private')
    expect((await app.request({ method: 'GET', url: '/_emulator/projects/test-project/buckets' })).body).toEqual({ total: 0, buckets: [] })
    const files = await app.request({ method: 'GET', url: '/_emulator/projects/test-project/buckets/none/files' })
    expect([files.status, files.body.type]).toEqual([404, 'storage_bucket_not_found'])
    expect((await app.request({ method: 'GET', url: '/_emulator/projects/test-project/teams' })).body).toEqual({ total: 0, teams: [] })
    expect((await app.request({ method: 'GET', url: '/_emulator/projects/test-project/functions' })).body).toEqual({ total: 0, functions: [] })
  })
})
