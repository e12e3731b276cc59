import sharp from 'sharp'
import { expect } from 'vitest'
import { PROJECT, type TestApp } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'

async function decoded(app: TestApp, url: string) {
  const res = await app.server.inject({ method: 'GET', url, headers: { 'x-appwrite-project': PROJECT } })
  return sharp(res.rawPayload).metadata()
}

scenarios('avatars.getCreditCard', [
  {
    name: 'an unknown card fails the WhiteList',
    request: { method: 'GET', url: '/v1/avatars/credit-cards/paypal' },
    expect: {
      status: 400,
      type: 'general_argument_invalid',
      message:
        'Invalid `code` param: Value must be one of (amex, argencard, cabal, cencosud, diners, discover, elo, hipercard, jcb, mastercard, naranja, targeta-shopping, union-china-pay, visa, mir, maestro)',
    },
  },
  {
    name: 'a quality below 0 is refused',
    request: { method: 'GET', url: '/v1/avatars/credit-cards/visa?quality=-1' },
    expect: { status: 400, type: 'general_argument_invalid', message: 'Invalid `quality` param: Value must be a valid range between 0 and 100' },
  },
  {
    name: 'Visa as a 100×100 PNG',
    request: { method: 'GET', url: '/v1/avatars/credit-cards/visa' },
    expect: { status: 200, headers: { 'content-type': 'image/png', 'x-appwrite-cache': 'miss' } },
    async after(_res, app) {
      expect(await decoded(app, '/v1/avatars/credit-cards/visa')).toMatchObject({ format: 'png', width: 100, height: 100 })
    },
  },
  {
    name: 'a zero height keeps the card shape (750×471)',
    request: { method: 'GET', url: '/v1/avatars/credit-cards/union-china-pay?width=150&height=0&quality=50' },
    expect: { status: 200 },
    async after(_res, app) {
      expect(await decoded(app, '/v1/avatars/credit-cards/union-china-pay?width=150&height=0&quality=50')).toMatchObject({ width: 150, height: 94 })
    },
  },
  {
    name: 'a card without a package icon (MIR) gets a drawn badge of the right size',
    request: { method: 'GET', url: '/v1/avatars/credit-cards/mir?width=200&height=120' },
    expect: { status: 200, headers: { 'content-type': 'image/png' } },
    async after(_res, app) {
      expect(await decoded(app, '/v1/avatars/credit-cards/mir?width=200&height=120')).toMatchObject({ width: 200, height: 120 })
    },
  },
])
