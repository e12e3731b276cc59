import { expectScenario } from '../harness/scenarios.js'
import { afterEach, describe, it } from 'vitest'
import type { BucketConfig } from '../../src/config/appwrite-json.js'
import { emptyTemplate, type ProjectTemplate } from '../../src/config/appwrite-json.js'
import type { AppEvent } from '../../src/events/bus.js'
import { MemoryBlobStore } from '../../src/files/memory-blob-store.js'
import { buildApp, type App } from '../../src/app.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { sharedAvailable } from '../harness/shared.js'
import { assertResponsesMatchSpec } from '../harness/spec.js'
import { cookieHeader, FakeClock, USERS, PROJECT, type SeedUser, type TestResponse } from '../harness/app.js'

/** A bucket with Appwrite's defaults, overridden by `over`. */
export function bucket(id: string, over: Partial<BucketConfig> = {}): BucketConfig {
  return {
    $id: id, name: id, enabled: true, $permissions: [], fileSecurity: false, maximumFileSize: 30_000_000,
    allowedFileExtensions: [], compression: 'none', encryption: false, antivirus: true, ...over,
  }
}

const ALL = ['create("any")', 'read("any")', 'update("any")', 'delete("any")']

/** The buckets every storage scenario runs with. */
export function storageTemplate(): ProjectTemplate {
  return {
    ...emptyTemplate(),
    buckets: [
      bucket('open', { $permissions: ALL }),
      bucket('users', { $permissions: ['create("users")', 'read("users")'] }),
      bucket('secure', { $permissions: ['create("users")'], fileSecurity: true }),
      bucket('locked', { $permissions: ['create("any")'] }),
      bucket('off', { enabled: false, $permissions: ALL }),
      bucket('small', { $permissions: ALL, maximumFileSize: 10, allowedFileExtensions: ['txt'] }),
      bucket('gzip', { $permissions: ALL, compression: 'gzip', encryption: true }),
      bucket('zstd', { $permissions: ALL, compression: 'zstd', encryption: true }),
      bucket('default', { $permissions: ALL }),
    ],
  }
}

export interface Part {
  name: string
  value?: string
  file?: { filename: string; data: Buffer; type?: string }
}

/** A multipart body in the order the SDK's FormData sends it. */
export function multipart(parts: Part[]): { payload: Buffer; headers: Record<string, string> } {
  const boundary = `----storage${Math.random().toString(16).slice(2)}`
  const chunks: Buffer[] = []
  for (const part of parts) {
    if (part.file) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.file.filename}"\r\nContent-Type: ${part.file.type ?? 'application/octet-stream'}\r\n\r\n`))
      chunks.push(part.file.data, Buffer.from('\r\n'))
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value ?? ''}\r\n`))
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`))
  return { payload: Buffer.concat(chunks), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

/** The upload fields the SDK sends: fileId, file, permissions[]. */
export function upload(fileId: string, filename: string, data: Buffer | string, permissions?: string[]) {
  const parts: Part[] = [{ name: 'fileId', value: fileId }, { name: 'file', file: { filename, data: Buffer.isBuffer(data) ? data : Buffer.from(data) } }]
  for (const p of permissions ?? []) parts.push({ name: 'permissions[]', value: p })
  return multipart(parts)
}

export interface StorageApp extends App {
  clock: FakeClock
  blobs: MemoryBlobStore
  signIn(user: SeedUser): Promise<string>
  close(): Promise<void>
  send(r: { method: string; url: string; headers?: Record<string, string>; payload?: Buffer | string; cookie?: string; json?: unknown }): Promise<TestResponse & { raw: Buffer }>
  /** Uploads a file through the route and returns the File. */
  put(bucketId: string, fileId: string, filename: string, data: Buffer | string, cookie?: string, permissions?: string[]): Promise<any>
}

/** A fresh app with the storage buckets and a memory blob store the test can inspect. */
export async function createStorageApp(options: { rateLimits?: boolean } = {}): Promise<StorageApp> {
  const blobs = new MemoryBlobStore()
  const store = SqliteStore.open(':memory:')
  const clock = new FakeClock()
  const app = await buildApp({ store, template: storageTemplate(), clock, blobs, rateLimits: options.rateLimits })
  await app.server.ready()
  const send: StorageApp['send'] = async (r) => {
    const headers: Record<string, string> = { 'x-appwrite-project': PROJECT, ...(r.headers ?? {}) }
    if (r.cookie) headers.cookie = r.cookie
    let payload = r.payload
    if (r.json !== undefined) {
      payload = JSON.stringify(r.json)
      headers['content-type'] = 'application/json'
    }
    const res = await app.server.inject({ method: r.method as 'GET', url: r.url, headers, payload })
    let body: unknown = res.body
    if (String(res.headers['content-type'] ?? '').startsWith('application/json')) body = JSON.parse(res.body)
    return { status: res.statusCode, headers: res.headers as TestResponse['headers'], body, text: res.body, raw: res.rawPayload }
  }
  return {
    ...app,
    clock,
    blobs,
    send,
    async signIn(user) {
      const created = await send({ method: 'POST', url: '/v1/account', json: { userId: user.id, email: user.email, password: user.password, name: user.name } })
      if (created.status !== 201 && created.status !== 409) throw new Error(`seeding ${user.id} failed: ${created.text}`)
      const session = await send({ method: 'POST', url: '/v1/account/sessions/email', json: { email: user.email, password: user.password } })
      if (session.status !== 201) throw new Error(`signing ${user.id} in failed: ${session.text}`)
      return cookieHeader(session.headers['set-cookie'])
    },
    async close() {
      await app.server.close()
      await store.close()
    },
    async put(bucketId, fileId, filename, data, cookie, permissions) {
      const res = await send({ method: 'POST', url: `/v1/storage/buckets/${bucketId}/files`, cookie, ...upload(fileId, filename, data, permissions) })
      if (res.status !== 201) throw new Error(`upload failed: ${res.text}`)
      return res.body
    },
  }
}

export interface StorageScenario {
  name: string
  as?: keyof typeof USERS
  before?(app: StorageApp, ctx: Record<string, any>): Promise<void>
  request: (ctx: Record<string, any>) => { method: string; url: string; headers?: Record<string, string>; payload?: Buffer | string; json?: unknown }
  expect: { status: number; type?: string; message?: string | RegExp; body?: Record<string, unknown>; headers?: Record<string, string | RegExp | undefined> }
  events?: Record<string, number>
  after?(res: TestResponse & { raw: Buffer }, app: StorageApp, ctx: Record<string, any>): Promise<void>
}

/** The storage flavour of the scenario tables: the storage buckets, multipart payloads, raw bodies. */
export function storageScenarios(title: string, rows: StorageScenario[]): void {
  describe(title, () => {
    let app: StorageApp | undefined
    afterEach(async () => {
      await app?.close()
      app = undefined
    })
    for (const row of rows) {
      it(row.name, async () => {
        app = await createStorageApp()
        const ctx: Record<string, any> = {}
        if (row.as) ctx.cookie = await app.signIn(USERS[row.as])
        await row.before?.(app, ctx)
        const seen: AppEvent[] = []
        const unsubscribe = app.services.bus.subscribe((e) => void seen.push(e))
        const req = row.request(ctx)
        const res = await app.send({ cookie: ctx.cookie, ...req })
        unsubscribe()
        // Every JSON body, success or error, is held against the client spec.
        const contentType = String(res.headers['content-type'] ?? '')
        if (contentType.includes('application/json') && sharedAvailable('checking storage responses against client-openapi3.json')) {
          const path = new URL(req.url, 'http://emulator').pathname
          assertResponsesMatchSpec([{ user: 'scenario', method: req.method, url: req.url, path, status: res.status, contentType, text: res.text, body: res.body }])
        }
        expectScenario(res, row.expect, seen, row.events)
        await row.after?.(res, app, ctx)
      })
    }
  })
}
