import { createHash } from 'node:crypto'
import { expect } from 'vitest'
import { multipart, storageScenarios, upload } from '../../../../test/e2e/storage-support.js'

const url = (bucket: string) => `/v1/storage/buckets/${bucket}/files`
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex')
const md5 = (b: Buffer | string) => createHash('md5').update(b).digest('hex')
const chunk = (fileId: string, data: Buffer, range: string, appwriteId?: string) => {
  const body = upload(fileId, 'big.bin', data)
  return { method: 'POST', url: url('open'), payload: body.payload, headers: { ...body.headers, 'content-range': range, ...(appwriteId && { 'x-appwrite-id': appwriteId }) } }
}
const bytes = (n: number, seed = 1) => Buffer.from(Array.from({ length: n }, (_, i) => (i * 31 + seed) & 255))

storageScenarios('storage.createFile', [
  {
    name: 'the console project is refused',
    request: () => ({ method: 'POST', url: url('open'), headers: { 'x-appwrite-project': 'console' } }),
    expect: { status: 401, type: 'general_access_forbidden' },
  },
  {
    name: 'a bad fileId is a param error',
    request: () => ({ method: 'POST', url: url('open'), ...upload('_bad', 'a.txt', 'x') }),
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `fileId` param: Parameter must contain at most 36 chars/ },
  },
  {
    name: 'an unknown bucket is not found',
    request: () => ({ method: 'POST', url: url('nope'), ...upload('a', 'a.txt', 'x') }),
    expect: { status: 404, type: 'storage_bucket_not_found' },
  },
  {
    name: 'a disabled bucket is not found',
    request: () => ({ method: 'POST', url: url('off'), ...upload('a', 'a.txt', 'x') }),
    expect: { status: 404, type: 'storage_bucket_not_found' },
  },
  {
    name: 'a guest without the bucket create permission is unauthorized',
    request: () => ({ method: 'POST', url: url('users'), ...upload('a', 'a.txt', 'x') }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'granting a role the caller lacks is unauthorized',
    as: 'alice',
    request: () => ({ method: 'POST', url: url('open'), ...upload('a', 'a.txt', 'x', ['read("user:bob")']) }),
    expect: { status: 401, type: 'user_unauthorized', message: /^Permissions must be one of: \(any, users, user:alice/ },
  },
  {
    name: 'a bad permission string is a param error',
    request: () => ({ method: 'POST', url: url('open'), ...upload('a', 'a.txt', 'x', ['create("any")']) }),
    expect: { status: 400, type: 'general_argument_invalid', message: /Permission "create" is not allowed/ },
  },
  {
    name: 'no file part is storage_file_empty',
    request: () => ({ method: 'POST', url: url('open'), ...multipart([{ name: 'fileId', value: 'a' }]) }),
    expect: { status: 400, type: 'storage_file_empty' },
  },
  {
    name: 'a JSON body has no file either',
    request: () => ({ method: 'POST', url: url('open'), json: { fileId: 'a' } }),
    expect: { status: 400, type: 'storage_file_empty' },
  },
  {
    name: 'an extension outside allowedFileExtensions is refused',
    request: () => ({ method: 'POST', url: url('small'), ...upload('a', 'a.png', 'x') }),
    expect: { status: 400, type: 'storage_file_type_unsupported', message: 'File extension not allowed' },
  },
  {
    name: 'a file over maximumFileSize is refused',
    request: () => ({ method: 'POST', url: url('small'), ...upload('a', 'a.txt', '12345678901') }),
    expect: { status: 400, type: 'storage_invalid_file_size', message: 'File size not allowed' },
    after: async (_res, app) => expect(app.blobs.bytes, 'the spooled part is gone').toBe(0),
  },
  {
    name: 'a duplicate ID of a finished file is a conflict, and leaves no bytes behind',
    before: async (app) => void (await app.put('open', 'dup', 'a.txt', 'first')),
    request: () => ({ method: 'POST', url: url('open'), ...upload('dup', 'b.txt', 'second!') }),
    expect: { status: 409, type: 'storage_file_already_exists' },
    after: async (_res, app) => expect(app.blobs.bytes).toBe(5),
  },
  {
    name: 'a malformed Content-Range is refused',
    request: () => chunk('a', bytes(10), 'bytes 0-9'),
    expect: { status: 400, type: 'storage_invalid_content_range' },
  },
  {
    name: 'a Content-Range ending past the size is refused',
    request: () => chunk('a', bytes(10), 'bytes 0-9/5'),
    expect: { status: 400, type: 'storage_invalid_content_range' },
  },
  {
    name: 'x-appwrite-id must be a UID, not unique()',
    request: () => chunk('a', bytes(10), 'bytes 0-9/30', 'unique()'),
    expect: { status: 400, type: 'storage_invalid_appwrite_id' },
  },
  {
    name: 'x-appwrite-id cannot escape the storage folder',
    request: () => chunk('a', bytes(10), 'bytes 0-9/30', '../../etc'),
    expect: { status: 400, type: 'storage_invalid_appwrite_id' },
  },
  {
    name: 'a chunk whose bytes do not fill its range is refused',
    request: () => chunk('a', bytes(8), 'bytes 0-9/30'),
    expect: { status: 400, type: 'storage_invalid_content_range' },
    after: async (_res, app) => expect(app.blobs.bytes).toBe(0),
  },
  {
    name: 'a last chunk cannot come first',
    request: () => chunk('a', bytes(10), 'bytes 20-29/30'),
    expect: { status: 400, type: 'storage_invalid_content_range' },
  },
  {
    name: 'an oversized chunk after the first is refused and the upload stays resumable',
    before: async (app) => void (await app.send(chunk('big', bytes(10), 'bytes 0-9/30'))),
    request: () => chunk('big', bytes(12), 'bytes 10-21/30', 'big'),
    expect: { status: 400, type: 'storage_invalid_content_range' },
    after: async (_res, app) => {
      const got = await app.send({ method: 'GET', url: `${url('open')}/big` })
      expect(got.body).toMatchObject({ chunksTotal: 3, chunksUploaded: 1 })
    },
  },
  {
    name: 'a chunk of another total size is refused',
    before: async (app) => void (await app.send(chunk('big', bytes(10), 'bytes 0-9/30'))),
    request: () => chunk('big', bytes(10), 'bytes 10-19/40', 'big'),
    expect: { status: 400, type: 'storage_invalid_content_range' },
  },
  {
    name: 'a request body over 12 MB is 413',
    request: () => ({ method: 'POST', url: url('open'), ...upload('a', 'a.bin', Buffer.alloc(12 * 1024 * 1024 + 1)) }),
    expect: { status: 413 },
    after: async (_res, app) => expect(app.blobs.bytes).toBe(0),
  },
  {
    name: 'a guest uploads to an open bucket: no permissions by default, md5 signature, sniffed type',
    request: () => ({ method: 'POST', url: url('open'), ...upload('unique()', 'pixel.txt', PNG) }),
    expect: {
      status: 201,
      body: { bucketId: 'open', name: 'pixel.txt', $permissions: [], signature: md5(PNG), mimeType: 'image/png', sizeOriginal: PNG.length, chunksTotal: 1, chunksUploaded: 1 },
    },
    events: { 'buckets.open.files.*.create': 1 },
    after: async (res) => expect(res.body.$id).toMatch(/^[0-9a-f]{20}$/),
  },
  {
    name: 'an empty file is stored, as libmagic names it',
    request: () => ({ method: 'POST', url: url('open'), ...upload('empty', 'empty.txt', '') }),
    expect: { status: 201, body: { sizeOriginal: 0, mimeType: 'application/x-empty', signature: md5('') } },
    after: async (_res, app) => {
      const back = await app.send({ method: 'GET', url: `${url('open')}/empty/download` })
      expect(back.status).toBe(200)
      expect(back.raw.length).toBe(0)
    },
  },
  {
    name: 'bytes removed from under the emulator read as a missing file, not a 500',
    before: async (app) => {
      await app.put('open', 'gone', 'gone.txt', 'x')
      for (const key of app.blobs.keys()) await app.blobs.delete(key)
    },
    request: () => ({ method: 'GET', url: `${url('open')}/gone/download` }),
    expect: { status: 404, type: 'storage_file_not_found' },
  },
  {
    name: 'a signed-in user gets read, update and delete on the file; write expands',
    as: 'alice',
    request: () => ({ method: 'POST', url: url('users'), ...upload('mine', 'notes.txt', 'hello') }),
    expect: { status: 201, body: { $id: 'mine', $permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'], mimeType: 'text/plain' } },
  },
  {
    name: 'explicit permissions: write becomes update and delete',
    as: 'alice',
    request: () => ({ method: 'POST', url: url('users'), ...upload('mine', 'notes.txt', 'hello', ['read("any")', 'write("user:alice")']) }),
    expect: { status: 201, body: { $permissions: ['read("any")', 'update("user:alice")', 'delete("user:alice")'] } },
  },
  {
    name: 'chunks in order: each answer is the File so far; the last one completes it',
    before: async (app, ctx) => {
      ctx.data = bytes(25, 7)
      const first = await app.send(chunk('unique()', ctx.data.subarray(0, 10), 'bytes 0-9/25'))
      expect(first.status, first.text).toBe(201)
      expect(first.body).toMatchObject({ chunksTotal: 3, chunksUploaded: 1, signature: '', mimeType: '', sizeOriginal: 25 })
      ctx.id = first.body.$id
      const second = await app.send(chunk('unique()', ctx.data.subarray(10, 20), 'bytes 10-19/25', ctx.id))
      expect(second.body).toMatchObject({ $id: ctx.id, chunksUploaded: 2 })
    },
    request: (ctx) => chunk('unique()', ctx.data.subarray(20), 'bytes 20-24/25', ctx.id),
    expect: { status: 201, body: { chunksTotal: 3, chunksUploaded: 3, sizeOriginal: 25, mimeType: 'application/octet-stream' } },
    events: { 'buckets.open.files.*.create': 1 },
    after: async (res, app, ctx) => {
      expect(res.body.signature).toBe(md5(ctx.data))
      expect(app.blobs.keys().filter((k) => !k.startsWith('files/'))).toEqual([])
    },
  },
  {
    name: 'chunks out of order still assemble the right bytes',
    before: async (app, ctx) => {
      ctx.data = bytes(25, 3)
      await app.send(chunk('ooo', ctx.data.subarray(10, 20), 'bytes 10-19/25'))
      await app.send(chunk('ooo', ctx.data.subarray(20), 'bytes 20-24/25', 'ooo'))
    },
    request: (ctx) => chunk('ooo', ctx.data.subarray(0, 10), 'bytes 0-9/25', 'ooo'),
    expect: { status: 201, body: { $id: 'ooo', chunksUploaded: 3 } },
    after: async (res, _app, ctx) => expect(res.body.signature).toBe(md5(ctx.data)),
  },
  {
    name: 'a chunk after completion is a conflict',
    before: async (app, ctx) => {
      ctx.data = bytes(20)
      await app.send(chunk('done', ctx.data.subarray(0, 10), 'bytes 0-9/20'))
      await app.send(chunk('done', ctx.data.subarray(10), 'bytes 10-19/20', 'done'))
    },
    request: (ctx) => chunk('done', ctx.data.subarray(10), 'bytes 10-19/20', 'done'),
    expect: { status: 409, type: 'storage_file_already_exists' },
  },
])
