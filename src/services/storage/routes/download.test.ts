import { expect } from 'vitest'
import { storageScenarios } from '../../../../test/e2e/storage-support.js'

const file = (bucket: string, id: string, what: 'download' | 'view') => `/v1/storage/buckets/${bucket}/files/${id}/${what}`
const TEXT = 'hello, ranged world'
const SVG = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>'
const EXPIRES_45_DAYS = new Date(Date.parse('2024-05-01T10:20:30.123Z') + 45 * 86400_000).toUTCString()

for (const what of ['download', 'view'] as const) {
  storageScenarios(`storage.getFile${what === 'download' ? 'Download' : 'View'}`, [
    {
      name: 'a disabled bucket is not found',
      request: () => ({ method: 'GET', url: file('off', 'a', what) }),
      expect: { status: 404, type: 'storage_bucket_not_found' },
    },
    {
      name: 'a bucket the caller cannot read is unauthorized',
      before: async (app) => void (await app.put('locked', 'a', 'a.txt', TEXT)),
      request: () => ({ method: 'GET', url: file('locked', 'a', what) }),
      expect: { status: 401, type: 'user_unauthorized' },
    },
    {
      name: 'an unreadable file under fileSecurity is not found',
      as: 'bob',
      before: async (app) => {
        const alice = await app.signIn({ id: 'alice', email: 'alice@example.test', password: 'alice-password-1', name: 'Alice' })
        await app.put('secure', 'a', 'a.txt', TEXT, alice)
      },
      request: () => ({ method: 'GET', url: file('secure', 'a', what) }),
      expect: { status: 404, type: 'storage_file_not_found' },
    },
    {
      name: 'an unfinished upload is not found',
      before: async (app) => {
        const { upload } = await import('../../../../test/e2e/storage-support.js')
        const body = upload('big', 'big.bin', Buffer.alloc(10, 1))
        await app.send({ method: 'POST', url: '/v1/storage/buckets/open/files', payload: body.payload, headers: { ...body.headers, 'content-range': 'bytes 0-9/30' } })
      },
      request: () => ({ method: 'GET', url: file('open', 'big', what), headers: { range: 'bytes=0-5' } }),
      expect: { status: 404, type: 'storage_file_not_found' },
    },
    ...['items=0-3', 'bytes=5-5', 'bytes=3-2', `bytes=0-${TEXT.length}`, 'bytes=-5', 'bytes', 'bytes=0-1,4-5'].map((range) => ({
      name: `Range ${range} is 416`,
      before: async (app: any) => void (await app.put('open', 'a', 'a.txt', TEXT)),
      request: () => ({ method: 'GET', url: file('open', 'a', what), headers: { range } }),
      expect: { status: 416, type: 'storage_invalid_range' },
    })),
    {
      name: 'the whole file with its headers',
      before: async (app) => void (await app.put('open', 'a', 'notes draft.txt', TEXT)),
      request: () => ({ method: 'GET', url: file('open', 'a', what) }),
      expect: {
        status: 200,
        headers: {
          'content-type': what === 'download' ? 'text/plain' : 'text/plain',
          'content-disposition': `${what === 'download' ? 'attachment' : 'inline'}; filename="notes draft.txt"`,
          'content-length': String(TEXT.length),
          expires: EXPIRES_45_DAYS,
          'x-content-type-options': 'nosniff',
          'content-security-policy': what === 'view' ? 'script-src none;' : undefined,
        },
      },
      after: async (res) => expect(res.raw.toString()).toBe(TEXT),
    },
    {
      name: 'a range is 206 with Content-Range',
      before: async (app) => void (await app.put('open', 'a', 'a.txt', TEXT)),
      request: () => ({ method: 'GET', url: file('open', 'a', what), headers: { range: 'bytes=7-12' } }),
      expect: { status: 206, headers: { 'content-range': `bytes 7-12/${TEXT.length}`, 'accept-ranges': 'bytes', 'content-length': '6' } },
      after: async (res) => expect(res.raw.toString()).toBe('ranged'),
    },
    {
      name: 'an open-ended range runs to the end',
      before: async (app) => void (await app.put('open', 'a', 'a.txt', TEXT)),
      request: () => ({ method: 'GET', url: file('open', 'a', what), headers: { range: 'bytes=14-' } }),
      expect: { status: 206, headers: { 'content-range': `bytes 14-${TEXT.length - 1}/${TEXT.length}` } },
      after: async (res) => expect(res.raw.toString()).toBe('world'),
    },
    {
      name: 'a chunked upload kept as its parts reads across part boundaries',
      before: async (app) => {
        const { upload } = await import('../../../../test/e2e/storage-support.js')
        const data = Buffer.from('abcdefghijklmnopqrstuvwxy')
        for (const [start, end] of [[0, 9], [10, 19], [20, 24]]) {
          const body = upload('parts', 'p.bin', data.subarray(start!, end! + 1))
          const res = await app.send({ method: 'POST', url: '/v1/storage/buckets/open/files', payload: body.payload, headers: { ...body.headers, 'content-range': `bytes ${start}-${end}/25`, 'x-appwrite-id': 'parts' } })
          expect(res.status, res.text).toBe(201)
        }
      },
      request: () => ({ method: 'GET', url: file('open', 'parts', what), headers: { range: 'bytes=8-21' } }),
      expect: { status: 206, headers: { 'content-range': 'bytes 8-21/25' } },
      after: async (res, app) => {
        expect(res.raw.toString()).toBe('ijklmnopqrstuv')
        const whole = await app.send({ method: 'GET', url: file('open', 'parts', what) })
        expect(whole.raw.toString()).toBe('abcdefghijklmnopqrstuvwxy')
      },
    },
    {
      name: 'compressed and encrypted files come back as they were sent, ranges too',
      before: async (app) => {
        await app.put('gzip', 'g', 'g.txt', TEXT.repeat(50))
        await app.put('zstd', 'z', 'z.txt', TEXT.repeat(50))
      },
      request: () => ({ method: 'GET', url: file('zstd', 'z', what), headers: { range: `bytes=${TEXT.length}-${TEXT.length + 4}` } }),
      expect: { status: 206 },
      after: async (res, app) => {
        expect(res.raw.toString()).toBe('hello')
        const g = await app.send({ method: 'GET', url: file('gzip', 'g', what) })
        expect(g.raw.toString()).toBe(TEXT.repeat(50))
      },
    },
    {
      name: what === 'view' ? 'an SVG with script is viewed as plain text that cannot run' : 'an SVG downloads as itself, as an attachment',
      before: async (app) => void (await app.put('open', 's', 'x.svg', SVG)),
      request: () => ({ method: 'GET', url: file('open', 's', what) }),
      expect: {
        status: 200,
        headers:
          what === 'view'
            ? { 'content-type': 'text/plain', 'content-security-policy': 'script-src none;', 'x-content-type-options': 'nosniff' }
            : { 'content-type': 'image/svg+xml', 'content-disposition': 'attachment; filename="x.svg"' },
      },
    },
  ])
}
