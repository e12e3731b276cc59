import { afterEach, expect, it } from 'vitest'
import { createStorageApp, upload, type StorageApp } from '../../../test/e2e/storage-support.js'

let app: StorageApp
afterEach(() => app?.close())

const post = (id: string, range?: string) => {
  const body = upload(id, 'a.bin', Buffer.alloc(range ? 10 : 1, 1))
  return app.send({ method: 'POST', url: '/v1/storage/buckets/open/files', payload: body.payload, headers: { ...body.headers, ...(range && { 'content-range': range, 'x-appwrite-id': id }) } })
}

it('uploads are limited to 60 a minute, counted per chunk index', async () => {
  app = await createStorageApp({ rateLimits: true })
  // 70 chunks of one upload: each index has its own count, so none is refused.
  for (let i = 0; i < 70; i++) {
    const res = await post('big', `bytes ${i * 10}-${i * 10 + 9}/701`)
    expect(res.status, res.text).toBe(201)
  }
  for (let i = 0; i < 59; i++) expect((await post(`f${i}`)).status).toBe(201)
  const limited = await post('one-too-many')
  expect(limited.status).toBe(429)
  expect(limited.body.type).toBe('general_rate_limit_exceeded')
})
