import { afterEach, describe, expect, it } from 'vitest'
import { PROJECT, createTestApp, type TestApp } from '../../../test/harness/app.js'
import { LocaleService } from './locale-service.js'

// The lists are built once per locale and kept as bytes; a kept answer must be the answer a fresh build gives.
const LISTS = ['/v1/locale/countries', '/v1/locale/countries/eu', '/v1/locale/countries/phones', '/v1/locale/continents', '/v1/locale/currencies', '/v1/locale/languages', '/v1/locale/codes']

describe('locale lists kept as bytes', () => {
  let app: TestApp | undefined
  afterEach(async () => {
    await app?.server.close()
    app = undefined
  })
  const get = (url: string, locale?: string) =>
    app!.server.inject({ method: 'GET', url, headers: { 'x-appwrite-project': PROJECT, ...(locale && { 'x-appwrite-locale': locale }) } })

  it.each(LISTS)('%s answers the same bytes and headers again, and the same as a fresh service', async (url) => {
    app = await createTestApp()
    for (const locale of [undefined, 'es', 'pt-br']) {
      const first = await get(url, locale)
      const again = await get(url, locale)
      expect(first.statusCode).toBe(200)
      expect(again.body).toBe(first.body)
      const { date: _a, ...h1 } = first.headers
      const { date: _b, ...h2 } = again.headers
      expect(h2).toEqual(h1)
    }
    // The kept body is the body a new service builds, serialised as every other answer is.
    const fresh = new LocaleService()
    const { toJson } = await import('../../core/json.js')
    const built = url.endsWith('/codes') ? fresh.codes() : url.endsWith('/currencies') ? fresh.currencies() : url.endsWith('/languages') ? fresh.languages()
      : url.endsWith('/eu') ? await fresh.countriesEU('es') : url.endsWith('/phones') ? await fresh.phones('es') : url.endsWith('/continents') ? await fresh.continents('es') : await fresh.countries('es')
    expect((await get(url, 'es')).body).toBe(toJson(built))
  })

  it('each locale keeps its own list', async () => {
    app = await createTestApp()
    const en = JSON.parse((await get('/v1/locale/countries')).body)
    const es = JSON.parse((await get('/v1/locale/countries', 'es')).body)
    expect(en.countries[0].name).toBe('Afghanistan')
    expect(es.countries[0].name).toBe('Afganistán')
    expect(JSON.parse((await get('/v1/locale/countries')).body)).toEqual(en)
  })

  it('a kept list cannot be changed by whoever reads it', async () => {
    const service = new LocaleService()
    const list = await service.countries('en')
    expect(Object.isFrozen(list.countries[0])).toBe(true)
    expect(await service.countries('en')).toBe(list)
  })
})
