import { expect } from 'vitest'
import { storageScenarios } from '../../../../test/e2e/storage-support.js'

const files = (bucket: string) => `/v1/storage/buckets/${bucket}/files`
const q = (o: object) => encodeURIComponent(JSON.stringify(o))

storageScenarios('storage.getFile', [
  {
    name: 'an invalid file ID is a param error',
    request: () => ({ method: 'GET', url: `${files('open')}/_x` }),
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `fileId` param: UID must contain/ },
  },
  {
    name: 'a disabled bucket is not found',
    request: () => ({ method: 'GET', url: `${files('off')}/a` }),
    expect: { status: 404, type: 'storage_bucket_not_found' },
  },
  {
    name: 'a bucket without read and without fileSecurity is unauthorized',
    before: async (app) => void (await app.put('locked', 'a', 'a.txt', 'x')),
    request: () => ({ method: 'GET', url: `${files('locked')}/a` }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'with fileSecurity, a file the caller cannot read is not found',
    before: async (app) => {
      const alice = await app.signIn({ id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' })
      await app.put('secure', 'a', 'a.txt', 'x', alice)
    },
    as: 'bob',
    request: () => ({ method: 'GET', url: `${files('secure')}/a` }),
    expect: { status: 404, type: 'storage_file_not_found' },
  },
  {
    name: 'a missing file is not found',
    request: () => ({ method: 'GET', url: `${files('open')}/missing` }),
    expect: { status: 404, type: 'storage_file_not_found' },
  },
  {
    name: 'with fileSecurity, the owner reads their file',
    as: 'alice',
    before: async (app, ctx) => void (await app.put('secure', 'a', 'a.txt', 'hello', ctx.cookie)),
    request: () => ({ method: 'GET', url: `${files('secure')}/a` }),
    expect: { status: 200, body: { $id: 'a', bucketId: 'secure', name: 'a.txt', sizeOriginal: 5, $createdAt: '2024-05-01T10:20:30.123+00:00' } },
  },
])

storageScenarios('storage.listFiles', [
  {
    name: 'an unknown query attribute is a param error',
    request: () => ({ method: 'GET', url: `${files('open')}?queries[0]=${q({ method: 'equal', attribute: 'path', values: ['x'] })}` }),
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `queries` param: Invalid query: Attribute not found in schema: path' },
  },
  {
    name: 'a cursor on a missing file is refused',
    request: () => ({ method: 'GET', url: `${files('open')}?queries[0]=${q({ method: 'cursorAfter', values: ['nope'] })}` }),
    expect: { status: 400, type: 'general_cursor_not_found', message: "File 'nope' for the 'cursor' value not found." },
  },
  {
    name: 'a bucket without read and without fileSecurity is unauthorized',
    request: () => ({ method: 'GET', url: files('locked') }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'with fileSecurity only readable files are listed',
    as: 'bob',
    before: async (app, ctx) => {
      const alice = await app.signIn({ id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' })
      await app.put('secure', 'a1', 'a.txt', 'x', alice)
      await app.put('secure', 'b1', 'b.txt', 'x', ctx.cookie)
    },
    request: () => ({ method: 'GET', url: files('secure') }),
    expect: { status: 200, body: { total: 1, files: [expect.objectContaining({ $id: 'b1' })] } },
  },
  {
    name: 'queries filter, order and page; search finds names by prefix',
    before: async (app) => {
      await app.put('open', 'f1', 'holiday.txt', 'aaa')
      await app.put('open', 'f2', 'receipt.txt', 'bbbbbb')
      await app.put('open', 'f3', 'holiday-2.txt', 'c')
    },
    request: () => ({
      method: 'GET',
      url: `${files('open')}?search=holi&queries[0]=${q({ method: 'orderDesc', attribute: 'sizeOriginal' })}&queries[1]=${q({ method: 'limit', values: [1] })}`,
    }),
    expect: { status: 200, body: { total: 2, files: [expect.objectContaining({ $id: 'f1', sizeOriginal: 3 })] } },
  },
])

storageScenarios('storage.updateFile', [
  {
    name: 'a name over 255 chars is a param error',
    request: () => ({ method: 'PUT', url: `${files('open')}/a`, json: { name: 'x'.repeat(256) } }),
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `name` param/ },
  },
  {
    name: 'a missing file is not found',
    request: () => ({ method: 'PUT', url: `${files('open')}/missing`, json: { name: 'x' } }),
    expect: { status: 404, type: 'storage_file_not_found' },
  },
  {
    name: 'without bucket update and without fileSecurity it is unauthorized',
    as: 'alice',
    before: async (app, ctx) => void (await app.put('users', 'a', 'a.txt', 'x', ctx.cookie)),
    request: () => ({ method: 'PUT', url: `${files('users')}/a`, json: { name: 'b.txt' } }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'with fileSecurity, another user without update is unauthorized (not 404)',
    as: 'bob',
    before: async (app) => {
      const alice = await app.signIn({ id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' })
      await app.put('secure', 'a', 'a.txt', 'x', alice)
    },
    request: () => ({ method: 'PUT', url: `${files('secure')}/a`, json: { name: 'mine.txt' } }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'granting a role the caller lacks is unauthorized',
    as: 'alice',
    before: async (app, ctx) => void (await app.put('secure', 'a', 'a.txt', 'x', ctx.cookie)),
    request: () => ({ method: 'PUT', url: `${files('secure')}/a`, json: { permissions: ['read("team:x")'] } }),
    expect: { status: 401, type: 'user_unauthorized', message: /^Permissions must be one of/ },
  },
  {
    name: 'the owner renames; null permissions keep them',
    as: 'alice',
    before: async (app, ctx) => {
      await app.put('secure', 'a', 'a.txt', 'x', ctx.cookie)
      app.clock.advance(1000)
    },
    request: () => ({ method: 'PUT', url: `${files('secure')}/a`, json: { name: 'renamed.txt', permissions: null } }),
    expect: {
      status: 200,
      body: { name: 'renamed.txt', $permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'], $updatedAt: '2024-05-01T10:20:31.123+00:00' },
    },
    events: { 'buckets.secure.files.a.update': 1 },
  },
])

storageScenarios('storage.deleteFile', [
  {
    name: 'a missing file is not found',
    request: () => ({ method: 'DELETE', url: `${files('open')}/missing` }),
    expect: { status: 404, type: 'storage_file_not_found' },
  },
  {
    name: 'with fileSecurity, another user is unauthorized',
    as: 'bob',
    before: async (app) => {
      const alice = await app.signIn({ id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' })
      await app.put('secure', 'a', 'a.txt', 'x', alice)
    },
    request: () => ({ method: 'DELETE', url: `${files('secure')}/a` }),
    expect: { status: 401, type: 'user_unauthorized' },
  },
  {
    name: 'deleting removes the record and the bytes',
    before: async (app) => void (await app.put('open', 'a', 'a.txt', 'hello')),
    request: () => ({ method: 'DELETE', url: `${files('open')}/a` }),
    expect: { status: 204 },
    events: { 'buckets.open.files.a.delete': 1 },
    after: async (res, app) => {
      expect(res.text).toBe('')
      expect(app.blobs.bytes).toBe(0)
      expect((await app.send({ method: 'GET', url: `${files('open')}/a` })).status).toBe(404)
    },
  },
  {
    name: 'deleting an unfinished upload removes its chunks',
    before: async (app) => {
      const { upload } = await import('../../../../test/e2e/storage-support.js')
      const body = upload('big', 'big.bin', Buffer.alloc(10, 1))
      const res = await app.send({ method: 'POST', url: files('open'), payload: body.payload, headers: { ...body.headers, 'content-range': 'bytes 0-9/30' } })
      expect(res.status).toBe(201)
    },
    request: () => ({ method: 'DELETE', url: `${files('open')}/big` }),
    expect: { status: 204 },
    after: async (_res, app) => expect(app.blobs.bytes).toBe(0),
  },
])

storageScenarios('legacy /v1/storage/files paths (bucket default)', [
  {
    name: 'upload, read, download and delete through the old paths',
    before: async (app) => {
      const { upload } = await import('../../../../test/e2e/storage-support.js')
      const created = await app.send({ method: 'POST', url: '/v1/storage/files', ...upload('old', 'old.txt', 'legacy') })
      expect(created.status, created.text).toBe(201)
      expect(created.body.bucketId).toBe('default')
    },
    request: () => ({ method: 'GET', url: '/v1/storage/files/old/download' }),
    expect: { status: 200, headers: { 'content-disposition': 'attachment; filename="old.txt"' } },
    after: async (res, app) => {
      expect(res.raw.toString()).toBe('legacy')
      expect((await app.send({ method: 'GET', url: `${files('default')}/old` })).body.$id).toBe('old')
      expect((await app.send({ method: 'GET', url: '/v1/storage/files' })).body.total).toBe(1)
      expect((await app.send({ method: 'DELETE', url: '/v1/storage/files/old' })).status).toBe(204)
    },
  },
])
