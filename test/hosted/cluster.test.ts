// Two real emulator processes on one PostgreSQL database, one Redis and one file folder (issue 18 §3, §5):
// a session, a rate limit, a realtime event, an OAuth2 sign-in and a file cross between them, and both migrate one empty database
// at the same moment.
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { WebSocket } from 'ws'
import { pgMigrations } from '../../src/store/postgres/migrations.js'
import { call, clusterConfig, sessionCookie, startProcess, type EmulatorProcess } from './cluster.js'
import { createDatabase, describeWith, REDIS_URL, type FreshDatabase } from './pg-harness.js'

describeWith(['postgres', 'redis'], 'two emulator processes, one PostgreSQL, one Redis', () => {
  let db: FreshDatabase
  let a: EmulatorProcess
  let b: EmulatorProcess
  const files = mkdtempSync(join(tmpdir(), 'awe-cluster-files-'))
  const project = `cluster-${Date.now().toString(36)}`

  beforeAll(async () => {
    db = await createDatabase()
    const config = clusterConfig()
    const args = (name: string) => ['--config', config, '--store', db.url, '--bus', REDIS_URL, '--files', files, '--rate-limits', '--data', mkdtempSync(join(tmpdir(), `awe-${name}-`))]
    // Both start against the empty database at the same moment: the advisory lock lets one migrate at a time.
    ;[a, b] = await Promise.all([startProcess(args('a')), startProcess(args('b'))])
  }, 90_000)
  afterAll(async () => {
    await Promise.allSettled([a?.stop(), b?.stop()])
    await db?.drop()
  })

  it('migrated the empty database once, although both started together', async () => {
    const client = new pg.Client({ connectionString: db.url })
    await client.connect()
    try {
      const { rows } = await client.query('SELECT version FROM emulator_migrations ORDER BY version')
      expect(rows.map((r) => r.version)).toEqual(pgMigrations.map((m) => m.version))
      const tables = await client.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'docs:main:notes%'`)
      expect(tables.rows[0].n).toBeGreaterThanOrEqual(3)
    } finally {
      await client.end()
    }
    expect(a.output()).not.toMatch(/"level":(50|60)/)
    expect(b.output()).not.toMatch(/"level":(50|60)/)
  })

  it('a session created through one process works on the other', async () => {
    const created = await call(a.origin, 'POST', '/v1/account', { project, body: { userId: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' } })
    expect(created.status).toBe(201)
    const signIn = await call(a.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'alice@example.test', password: 'alice-password-1' } })
    expect(signIn.status).toBe(201)
    const cookie = sessionCookie(signIn.headers)
    const me = await call(b.origin, 'GET', '/v1/account', { project, cookie })
    expect(me.status).toBe(200)
    expect(me.body).toMatchObject({ $id: 'alice', email: 'alice@example.test' })
    // Signing out on B ends it on A too.
    expect((await call(b.origin, 'DELETE', '/v1/account/sessions/current', { project, cookie })).status).toBe(204)
    expect((await call(a.origin, 'GET', '/v1/account', { project, cookie })).body.type).toBe('general_unauthorized_scope')
  })

  it('a rate-limit window counts the hits of both processes', async () => {
    // createEmailPasswordSession allows 10 per hour for one email (Appwrite's abuse limit).
    const attempt = (p: EmulatorProcess) => call(p.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'limited@example.test', password: 'wrong-password-1' } })
    const remaining: string[] = []
    for (let i = 0; i < 10; i++) {
      const res = await attempt(i % 2 ? b : a)
      expect(res.status).toBe(401)
      remaining.push(res.headers.get('x-ratelimit-remaining')!)
    }
    expect(remaining).toEqual(['9', '8', '7', '6', '5', '4', '3', '2', '1', '0'])
    const refused = await attempt(a)
    expect(refused.status).toBe(429)
    expect(refused.body.type).toBe('general_rate_limit_exceeded')
    expect((await attempt(b)).status).toBe(429)
  })

  it('a realtime subscriber on one process hears a write made on the other', async () => {
    await call(a.origin, 'POST', '/v1/account', { project, body: { userId: 'bob', email: 'bob@example.test', password: 'bob-password-1' } })
    const cookie = sessionCookie((await call(a.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'bob@example.test', password: 'bob-password-1' } })).headers)
    const channel = 'databases.main.collections.notes.documents'
    const ws = new WebSocket(`${b.origin.replace('http', 'ws')}/v1/realtime?project=${project}&channels[]=${channel}`, { headers: { origin: 'http://localhost' } })
    const messages: any[] = []
    ws.on('message', (data) => messages.push(JSON.parse(String(data))))
    await new Promise<void>((done, fail) => {
      ws.once('error', fail)
      ws.on('message', () => messages.some((m) => m.type === 'connected') && done())
    })
    try {
      const created = await call(a.origin, 'POST', '/v1/databases/main/collections/notes/documents', { project, cookie, body: { documentId: 'n1', data: { title: 'from A', body: 'hello cluster' } } })
      expect(created.status).toBe(201)
      const deadline = Date.now() + 5000
      while (!messages.some((m) => m.type === 'event') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
      const event = messages.find((m) => m.type === 'event')
      expect(event?.data.events).toContain(`databases.main.collections.notes.documents.n1.create`)
      expect(event?.data.payload).toMatchObject({ $id: 'n1', title: 'from A' })
      // And the document, with its fulltext index, reads the same on B.
      const found = await call(b.origin, 'GET', `/v1/databases/main/collections/notes/documents?queries[]=${encodeURIComponent(JSON.stringify({ method: 'search', attribute: 'body', values: ['cluster'] }))}`, { project })
      expect(found.body.documents.map((d: { $id: string }) => d.$id)).toEqual(['n1'])
    } finally {
      ws.close()
    }
  })

  it('an OAuth2 sign-in begun on one process finishes on the other', async () => {
    const begin = await fetch(`${a.origin}/v1/account/sessions/oauth2/github?project=${project}&success=${encodeURIComponent('http://localhost/ok')}&failure=${encodeURIComponent('http://localhost/no')}`, { redirect: 'manual' })
    expect(begin.status).toBe(301)
    const state = new URL(begin.headers.get('location')!).searchParams.get('state')!
    expect((await fetch(`${b.origin}/_emulator/oauth2/github/authorize?state=${state}`)).status).toBe(200)
    const done = await fetch(`${b.origin}/_emulator/oauth2/github/authorize`, {
      method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ state, action: 'allow', email: 'dave@example.test', name: 'Dave' }).toString(),
    })
    expect(done.headers.get('location')).toMatch(/^http:\/\/localhost\/ok/)
    const me = await call(a.origin, 'GET', '/v1/account', { project, cookie: sessionCookie(done.headers) })
    expect(me.body).toMatchObject({ email: 'dave@example.test', name: 'Dave' })
  })

  it('a file uploaded through one process downloads from the other', async () => {
    await call(a.origin, 'POST', '/v1/account', { project, body: { userId: 'carol', email: 'carol@example.test', password: 'carol-password-1' } })
    const cookie = sessionCookie((await call(a.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'carol@example.test', password: 'carol-password-1' } })).headers)
    const bytes = Buffer.from('bytes that cross processes '.repeat(100))
    const form = new FormData()
    form.set('fileId', 'f1')
    form.set('file', new Blob([bytes], { type: 'text/plain' }), 'hello.txt')
    const uploaded = await call(a.origin, 'POST', '/v1/storage/buckets/shared/files', { project, cookie, body: form })
    expect(uploaded.status).toBe(201)
    const res = await fetch(`${b.origin}/v1/storage/buckets/shared/files/f1/download?project=${project}`)
    expect(res.status).toBe(200)
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true)
  })
})
