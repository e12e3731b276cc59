import sharp from 'sharp'
import { expect } from 'vitest'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'

async function image(app: TestApp, url: string) {
  const res = await app.server.inject({ method: 'GET', url, headers: { 'x-appwrite-project': PROJECT } })
  return sharp(res.rawPayload)
}

scenarios('avatars.getFlag', [
  {
    name: 'the EU is not a flag code',
    request: { method: 'GET', url: '/v1/avatars/flags/eu' },
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `code` param: Value must be one of \(af, ao, al, .*, zm, zw\)$/ },
  },
  {
    name: 'a height over 2000 is refused',
    request: { method: 'GET', url: '/v1/avatars/flags/us?height=2001' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `height` param: Value must be a valid range between 0 and 2,000' },
  },
  {
    name: 'the default is a 100×100 centre crop of the 4:3 flag',
    request: { method: 'GET', url: '/v1/avatars/flags/jp' },
    expect: { status: 200, headers: { 'content-type': 'image/png', 'x-appwrite-cache': 'miss' } },
    async after(_res, app) {
      const flag = await image(app, '/v1/avatars/flags/jp')
      expect(await flag.metadata()).toMatchObject({ format: 'png', width: 100, height: 100 })
      // Japan: a red disc in the middle, white at the corners.
      const { data, info } = await flag.removeAlpha().raw().toBuffer({ resolveWithObject: true })
      const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 3, (y * info.width + x) * 3 + 3)]
      expect(at(50, 50)[0]).toBeGreaterThan(150)
      expect(at(50, 50)[1]).toBeLessThan(60)
      expect(at(2, 2)).toEqual([255, 255, 255])
    },
  },
  {
    name: 'width and height 0 keep the flag size (640×480)',
    request: { method: 'GET', url: '/v1/avatars/flags/br?width=0&height=0' },
    expect: { status: 200 },
    async after(_res, app) {
      expect(await (await image(app, '/v1/avatars/flags/br?width=0&height=0')).metadata()).toMatchObject({ width: 640, height: 480 })
    },
  },
  {
    name: 'a zero height follows the 4:3 shape',
    request: { method: 'GET', url: '/v1/avatars/flags/gb?width=120&height=0' },
    expect: { status: 200 },
    async after(_res, app) {
      expect(await (await image(app, '/v1/avatars/flags/gb?width=120&height=0')).metadata()).toMatchObject({ width: 120, height: 90 })
    },
  },
])
