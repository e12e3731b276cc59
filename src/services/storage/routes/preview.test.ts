import sharp from 'sharp'
import { expect } from 'vitest'
import { storageScenarios, type StorageApp } from '../../../../test/e2e/storage-support.js'

const preview = (id: string, query = '', bucket = 'open') => `/v1/storage/buckets/${bucket}/files/${id}/preview${query ? `?${query}` : ''}`
const photo = (format: 'jpeg' | 'png' | 'gif', width = 300, height = 200) =>
  sharp({ create: { width, height, channels: 3, background: '#3366cc' } })[format]().toBuffer()
const putPhoto = async (app: StorageApp, name = 'photo.png', format: 'jpeg' | 'png' | 'gif' = 'png', bucket = 'open') =>
  void (await app.put(bucket, 'p', name, await photo(format)))
const meta = (raw: Buffer) => sharp(raw).metadata()

storageScenarios('storage.getFilePreview', [
  ...[
    ['width=4001', /^Invalid `width` param: Value must be a valid range between 0 and 4,000/],
    ['gravity=middle', /^Invalid `gravity` param: Value must be one of \(center, top-left/],
    ['quality=101', /^Invalid `quality` param/],
    ['borderWidth=101', /^Invalid `borderWidth` param/],
    ['borderColor=red', /^Invalid `borderColor` param: Value must be a valid Hex color code/],
    ['opacity=1.5', /^Invalid `opacity` param: Value must be a valid range between 0 and 1/],
    ['rotation=361', /^Invalid `rotation` param/],
    ['background=%23fff', /^Invalid `background` param/],
    ['output=bmp', /^Invalid `output` param: Value must be one of \(jpg, jpeg, gif, png, webp\)/],
  ].map(([query, message]) => ({
    name: `${query} is a param error`,
    request: () => ({ method: 'GET', url: preview('p', query as string) }),
    expect: { status: 400, type: 'general_argument_invalid', message: message as RegExp },
  })),
  {
    name: 'a disabled bucket is not found',
    request: () => ({ method: 'GET', url: preview('p', '', 'off') }),
    expect: { status: 404, type: 'storage_bucket_not_found' },
  },
  {
    name: 'a missing file is not found',
    request: () => ({ method: 'GET', url: preview('p') }),
    expect: { status: 404, type: 'storage_file_not_found' },
  },
  {
    name: 'an image that does not decode is storage_file_type_unsupported',
    before: async (app) => {
      const png = await photo('png')
      await app.put('open', 'p', 'broken.png', png.subarray(0, 60))
    },
    request: () => ({ method: 'GET', url: preview('p', 'width=50') }),
    expect: { status: 400, type: 'storage_file_type_unsupported' },
  },
  {
    name: 'the default output follows the extension, and a second request is a cache hit',
    before: async (app) => {
      await putPhoto(app)
      const first = await app.send({ method: 'GET', url: preview('p', 'width=150') })
      expect(first.headers['x-appwrite-cache']).toBe('miss')
    },
    request: () => ({ method: 'GET', url: preview('p', 'width=150') }),
    expect: { status: 200, headers: { 'content-type': 'image/png', 'x-appwrite-cache': 'hit', expires: new Date(Date.parse('2024-05-01T10:20:30.123Z') + 30 * 86400_000).toUTCString() } },
    after: async (res) => expect(await meta(res.raw)).toMatchObject({ format: 'png', width: 150, height: 100 }),
  },
  ...(['jpg', 'jpeg', 'png', 'gif', 'webp'] as const).map((output) => ({
    name: `output=${output} renders ${output} at the asked size`,
    before: (app: StorageApp) => putPhoto(app, 'photo.jpg', 'jpeg'),
    request: () => ({ method: 'GET', url: preview('p', `width=120&height=80&output=${output}`), headers: { accept: 'image/webp,*/*' } }),
    expect: { status: 200, headers: { 'content-type': `image/${output === 'jpg' ? 'jpeg' : output}` } },
    after: async (res: { raw: Buffer }) =>
      expect(await meta(res.raw)).toMatchObject({ format: output === 'jpg' ? 'jpeg' : output, width: 120, height: 80 }),
  })),
  {
    name: 'an animated GIF stays animated, every frame cropped',
    before: async (app) => {
      const frame = (c: string) => sharp({ create: { width: 60, height: 40, channels: 3, background: c } }).png().toBuffer()
      const gif = await sharp([await frame('#ff0000'), await frame('#0000ff')], { join: { animated: true } }).gif({ delay: [100, 100], loop: 0 }).toBuffer()
      await app.put('open', 'p', 'anim.gif', gif)
    },
    request: () => ({ method: 'GET', url: preview('p', 'width=30&height=30') }),
    expect: { status: 200, headers: { 'content-type': 'image/gif' } },
    after: async (res) => expect(await meta(res.raw)).toMatchObject({ format: 'gif', pages: 2, width: 30 }),
  },
  {
    name: 'webp without image/webp in Accept falls back to jpg',
    before: (app) => putPhoto(app),
    request: () => ({ method: 'GET', url: preview('p', 'output=webp'), headers: { accept: 'image/png' } }),
    expect: { status: 200, headers: { 'content-type': 'image/jpeg' } },
  },
  {
    name: 'border, radius, opacity, background, rotation and gravity all apply',
    before: (app) => putPhoto(app, 'photo.gif', 'gif'),
    request: () => ({
      method: 'GET',
      url: preview('p', 'width=100&height=100&gravity=top-left&quality=80&borderWidth=5&borderColor=ff0000&borderRadius=20&opacity=0.5&rotation=90&background=00ff00&output=png'),
    }),
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
    after: async (res) => {
      expect(await meta(res.raw)).toMatchObject({ width: 110, height: 110 })
      const { data, info } = await sharp(res.raw).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
      const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4)]
      expect(at(0, 0)[3], 'a rounded corner is transparent').toBe(0)
      expect(at(55, 2).slice(0, 3), 'the border is red').toEqual([255, 0, 0])
      // #3366cc at opacity 0.5 over the #00ff00 background.
      const mid = at(55, 55)
      for (const [got, want] of [[mid[0], 25], [mid[1], 178], [mid[2], 102]]) expect(Math.abs(got! - want!), `blend ${mid}`).toBeLessThanOrEqual(2)
      expect(mid[3]).toBe(255)
    },
  },
  {
    name: 'a text file previews as a type icon on #eceff1, as PNG by default',
    before: async (app) => void (await app.put('open', 'p', 'notes.txt', 'hello')),
    request: () => ({ method: 'GET', url: preview('p', 'width=64&height=64') }),
    expect: { status: 200, headers: { 'content-type': 'image/png', 'x-appwrite-cache': 'miss' } },
    after: async (res) => {
      const { data, info } = await sharp(res.raw).removeAlpha().raw().toBuffer({ resolveWithObject: true })
      expect(info).toMatchObject({ width: 64, height: 64 })
      expect([...data.subarray(0, 3)]).toEqual([0xec, 0xef, 0xf1])
    },
  },
  {
    name: 'an image stored larger than 20 MB previews as the image icon on #eceff1',
    before: async (app) => {
      await putPhoto(app)
      const record = (await app.store.files.get('test-project', 'open/p'))!
      await app.store.transaction(() => app.store.files.update('test-project', { ...record, sizeActual: 20_000_001 }))
    },
    request: () => ({ method: 'GET', url: preview('p', 'width=40&height=40') }),
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
    after: async (res) => {
      const { data, info } = await sharp(res.raw).removeAlpha().raw().toBuffer({ resolveWithObject: true })
      expect(info).toMatchObject({ width: 40, height: 40 })
      expect([...data.subarray(0, 3)]).toEqual([0xec, 0xef, 0xf1])
      // The icon's label band is violet (#7c67fe), not the photo's blue.
      const row = Math.floor(40 * 0.66)
      const px = [...data.subarray((row * 40 + 20) * 3, (row * 40 + 20) * 3 + 3)]
      expect(px).not.toEqual([0x33, 0x66, 0xcc])
    },
  },
  {
    name: 'compressed and encrypted images preview from their original bytes',
    before: (app) => putPhoto(app, 'photo.png', 'png', 'zstd'),
    request: () => ({ method: 'GET', url: preview('p', 'height=50', 'zstd') }),
    expect: { status: 200 },
    after: async (res) => expect(await meta(res.raw)).toMatchObject({ width: 75, height: 50 }),
  },
])
