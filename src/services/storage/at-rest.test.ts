import { gunzipSync } from 'node:zlib'
import { afterEach, expect, it } from 'vitest'
import { createStorageApp, type StorageApp } from '../../../test/e2e/storage-support.js'

let app: StorageApp
afterEach(() => app?.close())

async function storedBytes(app: StorageApp): Promise<Buffer> {
  const key = app.blobs.keys().find((k) => k.startsWith('files/'))!
  const parts: Buffer[] = []
  for await (const c of app.blobs.read(key)) parts.push(c as Buffer)
  return Buffer.concat(parts)
}

const TEXT = 'compress me, please. '.repeat(500)

it('a gzip + encrypted bucket keeps ciphertext of the compressed bytes, and serves the original', async () => {
  app = await createStorageApp()
  const file = await app.put('gzip', 'g', 'g.txt', TEXT)
  expect(file.sizeOriginal).toBe(TEXT.length)
  const stored = await storedBytes(app)
  expect(stored.length).toBeLessThan(TEXT.length / 10)
  expect(stored.includes(Buffer.from('compress me'))).toBe(false)
  expect(() => gunzipSync(stored), 'encrypted, so not gzip as stored').toThrow()
  const back = await app.send({ method: 'GET', url: '/v1/storage/buckets/gzip/files/g/download' })
  expect(back.raw.toString()).toBe(TEXT)
})

it('an unencrypted gzip bucket keeps plain gzip', async () => {
  app = await createStorageApp()
  const { bucket } = await import('../../../test/e2e/storage-support.js')
  const project = await app.services.projects.get('test-project')
  project!.template.buckets.push(bucket('gz', { $permissions: ['create("any")', 'read("any")'], compression: 'gzip', encryption: false }))
  await app.put('gz', 'g', 'g.txt', TEXT)
  expect(gunzipSync(await storedBytes(app)).toString()).toBe(TEXT)
})

it('a plain bucket keeps the bytes as they came', async () => {
  app = await createStorageApp()
  await app.put('open', 'o', 'o.txt', TEXT)
  expect((await storedBytes(app)).toString()).toBe(TEXT)
})

it('an encrypted file viewed again answers the same bytes from the decoded cache, and not once deleted', async () => {
  app = await createStorageApp()
  await app.put('gzip', 'g', 'g.txt', TEXT)
  const first = await app.send({ method: 'GET', url: '/v1/storage/buckets/gzip/files/g/view' })
  const again = await app.send({ method: 'GET', url: '/v1/storage/buckets/gzip/files/g/view' })
  expect(again.status).toBe(200)
  expect(again.raw.equals(first.raw)).toBe(true)
  expect(again.raw.toString()).toBe(TEXT)
  const ranged = await app.send({ method: 'GET', url: '/v1/storage/buckets/gzip/files/g/view', headers: { range: 'bytes=0-6' } })
  expect(ranged.raw.toString()).toBe('compres')
  expect((await app.send({ method: 'DELETE', url: '/v1/storage/buckets/gzip/files/g' })).status).toBe(204)
  expect((await app.send({ method: 'GET', url: '/v1/storage/buckets/gzip/files/g/view' })).status).toBe(404)
})

it('the decoded cache keeps small files within its total, dropping the least recently used', async () => {
  const { DecodedBytes } = await import('./file-bytes.js')
  const cache = new DecodedBytes({ file: 10, total: 20 })
  cache.set('a', Buffer.alloc(8))
  cache.set('b', Buffer.alloc(8))
  cache.get('a')
  cache.set('c', Buffer.alloc(8))
  expect(cache.get('b')).toBeUndefined()
  expect(cache.get('a')).toBeDefined()
  cache.set('big', Buffer.alloc(11))
  expect(cache.get('big')).toBeUndefined()
  expect(cache.size.bytes).toBeLessThanOrEqual(20)
})
