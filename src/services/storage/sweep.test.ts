import { Readable } from 'node:stream'
import { afterEach, expect, it } from 'vitest'
import { createStorageApp, upload, type StorageApp } from '../../../test/e2e/storage-support.js'

let app: StorageApp
afterEach(() => app?.close())

it('abandoned uploads and stale spools are swept; running uploads and finished files stay', async () => {
  app = await createStorageApp()
  const chunk = (id: string) => {
    const body = upload(id, 'big.bin', Buffer.alloc(10, 7))
    return app.send({ method: 'POST', url: '/v1/storage/buckets/open/files', payload: body.payload, headers: { ...body.headers, 'content-range': 'bytes 0-9/30' } })
  }
  expect((await chunk('left')).status).toBe(201)
  await app.put('open', 'kept', 'kept.txt', 'kept')
  await app.blobs.write('tmp/orphan', Readable.from([Buffer.from('orphan')]))

  const now = Date.now()
  expect(await app.services.storage.sweep(now)).toEqual({ uploads: 0, spools: 0 })
  expect(await app.services.storage.sweep(now + 25 * 3600 * 1000)).toEqual({ uploads: 1, spools: 1 })
  expect((await app.send({ method: 'GET', url: '/v1/storage/buckets/open/files/left' })).status).toBe(404)
  expect((await app.send({ method: 'GET', url: '/v1/storage/buckets/open/files/kept' })).status).toBe(200)
  expect(app.blobs.keys().every((k) => k.startsWith('files/'))).toBe(true)
  expect(app.blobs.bytes).toBe(4)
})

it('resetting a project removes its bytes', async () => {
  app = await createStorageApp()
  await app.put('open', 'kept', 'kept.txt', 'kept')
  await app.services.projects.reset('test-project')
  expect(app.blobs.bytes).toBe(0)
})

it('an upload cut off mid-body leaves no bytes behind', async () => {
  app = await createStorageApp()
  await app.server.listen({ port: 0, host: '127.0.0.1' })
  const { port } = app.server.server.address() as { port: number }
  const { createConnection } = await import('node:net')
  const body = upload('cut', 'cut.bin', Buffer.alloc(3 * 1024 * 1024, 1))
  const socket = createConnection({ port, host: '127.0.0.1' })
  await new Promise((r) => socket.once('connect', r))
  socket.write(
    `POST /v1/storage/buckets/open/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Appwrite-Project: test-project\r\n` +
      `Content-Type: ${body.headers['content-type']}\r\nContent-Length: ${body.payload.length}\r\n\r\n`,
  )
  socket.write(body.payload.subarray(0, 1024 * 1024))
  await new Promise((r) => setTimeout(r, 100))
  socket.destroy()
  for (let i = 0; i < 50 && app.blobs.keys().length; i++) await new Promise((r) => setTimeout(r, 20))
  expect(app.blobs.keys()).toEqual([])
  expect((await app.send({ method: 'GET', url: '/v1/storage/buckets/open/files/cut' })).status).toBe(404)
})
