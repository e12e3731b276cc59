import { createRequire } from 'node:module'
import sharp from 'sharp'
import { expect } from 'vitest'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'

// jsqr is a CommonJS bundle whose types declare an ES default export.
const jsQR = createRequire(import.meta.url)('jsqr') as typeof import('jsqr').default

/** Decodes the QR code a URL answers back to its text. */
async function scan(app: TestApp, url: string) {
  const res = await app.server.inject({ method: 'GET', url, headers: { 'x-appwrite-project': PROJECT } })
  const { data, info } = await sharp(res.rawPayload).ensureAlpha().raw().toBuffer({ resolveWithObject: true })
  return { info, text: jsQR(new Uint8ClampedArray(data), info.width, info.height)?.data }
}

scenarios('avatars.getQR', [
  {
    name: 'text is required',
    request: { method: 'GET', url: '/v1/avatars/qr' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Param "text" is not optional.' },
  },
  {
    name: 'text over 512 chars is refused',
    request: { method: 'GET', url: `/v1/avatars/qr?text=${'x'.repeat(513)}` },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `text` param: Value must be a valid string and at least 1 chars and no longer than 512 chars' },
  },
  {
    name: 'a size of 0 is refused',
    request: { method: 'GET', url: '/v1/avatars/qr?text=hi&size=0' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `size` param: Value must be a valid range between 1 and 1,000' },
  },
  {
    name: 'a margin over 10 is refused',
    request: { method: 'GET', url: '/v1/avatars/qr?text=hi&margin=11' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `margin` param: Value must be a valid range between 0 and 10' },
  },
  {
    name: 'download must be a boolean',
    request: { method: 'GET', url: '/v1/avatars/qr?text=hi&download=yes' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `download` param: Value must be a valid boolean' },
  },
  {
    name: 'a 400×400 PNG that scans back to the text, 45 days, inline',
    request: { method: 'GET', url: '/v1/avatars/qr?text=https%3A%2F%2Fappwrite.io%2F%3Fa%3D1' },
    expect: { status: 200, headers: { 'content-type': 'image/png', expires: 'Sat, 15 Jun 2024 10:20:30 GMT', 'content-disposition': undefined, 'x-appwrite-cache': undefined } },
    async after(_res, app) {
      const scanned = await scan(app, '/v1/avatars/qr?text=https%3A%2F%2Fappwrite.io%2F%3Fa%3D1')
      expect(scanned.info).toMatchObject({ width: 400, height: 400 })
      expect(scanned.text).toBe('https://appwrite.io/?a=1')
    },
  },
  {
    name: 'size, margin and a loose download=1 make a smaller attachment',
    request: { method: 'GET', url: '/v1/avatars/qr?text=Hello%20%C3%A9t%C3%A9&size=150&margin=4&download=1' },
    expect: { status: 200, headers: { 'content-disposition': 'attachment; filename="qr.png"' } },
    async after(_res, app) {
      const scanned = await scan(app, '/v1/avatars/qr?text=Hello%20%C3%A9t%C3%A9&size=150&margin=4&download=1')
      expect(scanned.info).toMatchObject({ width: 150, height: 150 })
      expect(scanned.text).toBe('Hello été')
    },
  },
  {
    name: 'download=false sends no attachment header',
    request: { method: 'GET', url: '/v1/avatars/qr?text=x&download=false' },
    expect: { status: 200, headers: { 'content-disposition': undefined } },
  },
])
