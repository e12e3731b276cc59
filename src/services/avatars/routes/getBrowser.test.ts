import sharp from 'sharp'
import { expect } from 'vitest'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'

const CODES = 'aa, an, ch, ci, cm, cr, ff, sf, mf, ps, oi, om, op, on'

/** Decodes what a URL answers, read as raw bytes. */
async function decoded(app: TestApp, url: string) {
  const res = await app.server.inject({ method: 'GET', url, headers: { 'x-appwrite-project': PROJECT } })
  return sharp(res.rawPayload).metadata()
}

scenarios('avatars.getBrowser', [
  {
    name: 'an unknown code fails the WhiteList',
    request: { method: 'GET', url: '/v1/avatars/browsers/xx' },
    expect: { status: 400, type: 'general_argument_invalid', message: `Invalid \`code\` param: Value must be one of (${CODES})` },
  },
  {
    name: 'a width over 2000 is refused',
    request: { method: 'GET', url: '/v1/avatars/browsers/ch?width=2001' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `width` param: Value must be a valid range between 0 and 2,000' },
  },
  {
    name: 'a negative height is refused',
    request: { method: 'GET', url: '/v1/avatars/browsers/ch?height=-1' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `height` param: Value must be a valid range between 0 and 2,000' },
  },
  {
    name: 'a quality over 100 is refused',
    request: { method: 'GET', url: '/v1/avatars/browsers/ch?quality=101' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `quality` param: Value must be a valid range between 0 and 100' },
  },
  {
    name: 'a width that is not a number is refused',
    request: { method: 'GET', url: '/v1/avatars/browsers/ch?width=wide' },
    expect: { status: 400, type: 'general_argument_invalid', message: /^Invalid `width` param/ },
  },
  {
    name: 'an invalid project is not found before any param check',
    request: { method: 'GET', url: '/v1/avatars/browsers/xx', project: '_bad id' },
    expect: { status: 404, type: 'project_not_found' },
  },
  {
    name: 'a guest gets Chrome as a 100×100 PNG, cached for 30 days',
    request: { method: 'GET', url: '/v1/avatars/browsers/ch' },
    expect: {
      status: 200,
      headers: { 'content-type': 'image/png', 'x-appwrite-cache': 'miss', expires: 'Fri, 31 May 2024 10:20:30 GMT', 'cache-control': undefined },
    },
    async after(_res, app) {
      expect(await decoded(app, '/v1/avatars/browsers/ch')).toMatchObject({ format: 'png', width: 100, height: 100 })
    },
  },
  {
    name: 'codes are case-insensitive',
    request: { method: 'GET', url: '/v1/avatars/browsers/FF' },
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
  },
  {
    name: 'the same request again is a cache hit',
    before: async (app) => void (await app.request({ method: 'GET', url: '/v1/avatars/browsers/op?width=64&height=64' })),
    request: { method: 'GET', url: '/v1/avatars/browsers/op?width=64&height=64' },
    expect: { status: 200, headers: { 'x-appwrite-cache': 'hit', 'content-type': 'image/png', expires: 'Fri, 31 May 2024 10:20:30 GMT' } },
  },
  {
    name: 'a zero width follows the icon (square) and a browser without a package logo gets a badge',
    request: { method: 'GET', url: '/v1/avatars/browsers/aa?width=0&height=50' },
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
    async after(_res, app) {
      expect(await decoded(app, '/v1/avatars/browsers/aa?width=0&height=50')).toMatchObject({ width: 50, height: 50 })
    },
  },
])
