import sharp from 'sharp'
import { expect } from 'vitest'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'

/** The PNG a URL answers, as raw RGBA pixels. */
async function pixels(app: TestApp, url: string, cookie?: string) {
  const res = await app.server.inject({ method: 'GET', url, headers: { 'x-appwrite-project': PROJECT, ...(cookie && { cookie }) } })
  const { data, info } = await sharp(res.rawPayload).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  const at = (x: number, y: number) => [...data.subarray((y * info.width + x) * 4, (y * info.width + x) * 4 + 4)]
  let transparent = 0
  for (let i = 3; i < data.length; i += 4) if (data[i] === 0) transparent++
  return { info, at, transparent }
}

scenarios('avatars.getInitials', [
  {
    name: 'a background that is not hex is refused',
    request: { method: 'GET', url: '/v1/avatars/initials?name=Ann&background=%23ff0000' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `background` param: Value must be a valid Hex color code' },
  },
  {
    name: 'a name over 128 chars is refused',
    request: { method: 'GET', url: `/v1/avatars/initials?name=${'a'.repeat(129)}` },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `name` param: Value must be a valid string and at least 1 chars and no longer than 128 chars' },
  },
  {
    name: 'a width over 2000 is refused',
    request: { method: 'GET', url: '/v1/avatars/initials?width=2001' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `width` param: Value must be a valid range between 0 and 2,000' },
  },
  {
    name: 'a zero-sized canvas is refused (deviation: Appwrite fails with 500)',
    request: { method: 'GET', url: '/v1/avatars/initials?name=Ann&width=0' },
    expect: { status: 400, type: 'general_argument_invalid' },
  },
  {
    name: 'a guest gets a 500×500 PNG with the letters punched out, 45 days, not cache-labelled',
    request: { method: 'GET', url: '/v1/avatars/initials?name=John%20Doe' },
    expect: { status: 200, headers: { 'content-type': 'image/png', expires: 'Sat, 15 Jun 2024 10:20:30 GMT', 'x-appwrite-cache': undefined } },
    async after(_res, app) {
      const image = await pixels(app, '/v1/avatars/initials?name=John%20Doe')
      expect(image.info).toMatchObject({ width: 500, height: 500 })
      // J (74) + D (68) = 142: digit 2, purple.
      expect(image.at(0, 0)).toEqual([0x7c, 0x67, 0xfe, 255])
      expect(image.transparent).toBeGreaterThan(5000)
    },
  },
  {
    name: 'a background overrides the colour and 3 hex digits work',
    request: { method: 'GET', url: '/v1/avatars/initials?name=Ann&background=0a0&width=80&height=40' },
    expect: { status: 200 },
    async after(_res, app) {
      const image = await pixels(app, '/v1/avatars/initials?name=Ann&background=0a0&width=80&height=40')
      expect(image.info).toMatchObject({ width: 80, height: 40 })
      expect(image.at(0, 0)).toEqual([0, 0xaa, 0, 255])
    },
  },
  {
    name: "without a name the signed-in user's name is used",
    as: 'bob',
    request: { method: 'GET', url: '/v1/avatars/initials?width=60&height=60' },
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
    async after(_res, app, ctx) {
      // B (66): digit 6, wrapped to 1, orange.
      expect((await pixels(app, '/v1/avatars/initials?width=60&height=60', ctx.cookie)).at(0, 0)).toEqual([0xfe, 0x95, 0x67, 255])
    },
  },
  {
    name: 'a guest without a name gets an empty pink square',
    request: { method: 'GET', url: '/v1/avatars/initials?width=30&height=30' },
    expect: { status: 200 },
    async after(_res, app) {
      const image = await pixels(app, '/v1/avatars/initials?width=30&height=30')
      expect(image.at(15, 15)).toEqual([0xfd, 0x36, 0x6e, 255])
      expect(image.transparent).toBe(0)
    },
  },
])

