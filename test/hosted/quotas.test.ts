// --project-quota (issue 18 §4): requests per window, documents and stored bytes per project, answered with
// Appwrite's errors; SQLite here (the counting is the store's and the rate limiter's, the same on PostgreSQL).
import { randomBytes } from 'node:crypto'
import { describe, expect, it, afterAll, beforeAll } from 'vitest'
import { parseProjectQuota } from '../../src/config/hosted-options.js'
import { resolveOptions } from '../../src/config/options.js'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { call, clusterConfig, sessionCookie } from './cluster.js'

describe('--project-quota parsing', () => {
  it.each([
    ['requests=600/min,documents=100000,storage=1GB', { requests: { limit: 600, windowSeconds: 60 }, documents: 100000, storageBytes: 1e9 }],
    ['requests=10/5s', { requests: { limit: 10, windowSeconds: 5 } }],
    ['storage=512MiB', { storageBytes: 512 * 1024 ** 2 }],
  ])('%s', (text, quota) => expect(parseProjectQuota(text)).toEqual(quota))

  it.each(['requests=600', 'requests=0/min', 'documents=-1', 'storage=1XB', 'files=3', ''])('refuses "%s"', (text) => {
    expect(() => resolveOptions({ projectQuota: text as never }, {})).toThrow(/project-quota/)
  })

  it('reads APPWRITE_EMULATOR_PROJECT_QUOTA and checks the store and bus URLs', () => {
    expect(resolveOptions({}, { APPWRITE_EMULATOR_PROJECT_QUOTA: 'documents=5' }).projectQuota).toEqual({ documents: 5 })
    expect(() => resolveOptions({}, { APPWRITE_EMULATOR_STORE: 'mysql://x' })).toThrow(/APPWRITE_EMULATOR_STORE must be a PostgreSQL URL/)
    expect(() => resolveOptions({ bus: 'http://x' }, {})).toThrow(/--bus must be a Redis URL/)
    expect(resolveOptions({}, {})).toMatchObject({ store: null, bus: null, files: null, projectQuota: null })
  })
})

describe('quotas on a running emulator', () => {
  let emulator: RunningEmulator
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', config: clusterConfig(), projectQuota: 'requests=30/min,documents=2,storage=3000' as never })
  })
  afterAll(async () => emulator?.stop())

  it('refuses the document past the quota, and counts each project apart', async () => {
    const project = 'quota-docs'
    await call(emulator.origin, 'POST', '/v1/account', { project, body: { userId: 'q', email: 'q@example.test', password: 'quota-password-1' } })
    const cookie = sessionCookie((await call(emulator.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'q@example.test', password: 'quota-password-1' } })).headers)
    const create = (id: string, p = project, c = cookie) => call(emulator.origin, 'POST', '/v1/databases/main/collections/notes/documents', { project: p, cookie: c, body: { documentId: id, data: { title: id } } })
    expect((await create('a')).status).toBe(201)
    expect((await create('b')).status).toBe(201)
    const refused = await create('c')
    expect(refused.status).toBe(400)
    expect(refused.body.type).toBe('general_bad_request')
    expect(refused.body.message).toMatch(/quota/)
    expect((await call(emulator.origin, 'GET', '/v1/databases/main/collections/notes/documents', { project })).body.total).toBe(2)
  })

  it('refuses a file that passes the storage quota and keeps nothing of it', async () => {
    const project = 'quota-files'
    await call(emulator.origin, 'POST', '/v1/account', { project, body: { userId: 'q', email: 'q@example.test', password: 'quota-password-1' } })
    const cookie = sessionCookie((await call(emulator.origin, 'POST', '/v1/account/sessions/email', { project, body: { email: 'q@example.test', password: 'quota-password-1' } })).headers)
    const upload = (id: string, size: number) => {
      const form = new FormData()
      form.set('fileId', id)
      form.set('file', new Blob([randomBytes(size)], { type: 'application/octet-stream' }), `${id}.bin`)
      return call(emulator.origin, 'POST', '/v1/storage/buckets/shared/files', { project, cookie, body: form })
    }
    expect((await upload('f1', 2000)).status).toBe(201)
    const refused = await upload('f2', 2000)
    expect(refused.status).toBe(400)
    expect(refused.body.type).toBe('storage_invalid_file_size')
    expect((await call(emulator.origin, 'GET', '/v1/storage/buckets/shared/files/f2', { project, cookie })).status).toBe(404)
    expect((await upload('f3', 500)).status).toBe(201)
  })

  it('answers 429 once a project used its requests for the window, other projects unaffected', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 32; i++) statuses.push((await call(emulator.origin, 'GET', '/v1/locale', { project: 'quota-requests' })).status)
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true)
    const refused = await call(emulator.origin, 'GET', '/v1/locale', { project: 'quota-requests' })
    expect(refused.status).toBe(429)
    expect(refused.body.type).toBe('general_rate_limit_exceeded')
    expect((await call(emulator.origin, 'GET', '/v1/locale', { project: 'quota-other' })).status).toBe(200)
  })
})
