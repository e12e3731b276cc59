import { describe, expect, it } from 'vitest'
import { createTestApp, PROJECT, type TestResponse } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { sharedAvailable } from '../../../../test/harness/shared.js'
import { clientSpec } from '../../../../test/harness/spec.js'

/** Holds a JSON body against the client spec's model (skipped, with a reason, without ../shared outside CI). */
const matchesSpec = (schema: string) => async (res: TestResponse) => {
  if (!sharedAvailable(`the ${schema} schema check`)) return
  const validate = clientSpec().validator(schema)
  expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true)
}

const UNKNOWN = { countryCode: '--', country: 'Unknown', continentCode: '--', continent: 'Unknown', eu: false, currency: '' }

scenarios('locale.get', [
  {
    name: 'an invalid project is not found',
    request: { method: 'GET', url: '/v1/locale', project: '_bad id' },
    expect: { status: 404, type: 'project_not_found' },
  },
  {
    name: 'a loopback caller has no record: the Unknown shape, cacheable for 45 days',
    request: { method: 'GET', url: '/v1/locale' },
    expect: {
      status: 200,
      body: { ip: '127.0.0.1', ...UNKNOWN },
      headers: { 'cache-control': 'public, max-age=3888000', expires: 'Sat, 15 Jun 2024 10:20:30 GMT' },
    },
    after: matchesSpec('locale'),
  },
  {
    name: 'X-Forwarded-For is ignored without --trust-proxy',
    request: { method: 'GET', url: '/v1/locale', headers: { 'x-forwarded-for': '8.8.8.8' } },
    expect: { status: 200, body: { ip: '127.0.0.1', countryCode: '--' } },
  },
])

describe('locale.get from other addresses', () => {
  const locate = async (remoteAddress: string, locale?: string) => {
    const app = await createTestApp()
    try {
      const res = await app.server.inject({ method: 'GET', url: '/v1/locale', remoteAddress, headers: { 'x-appwrite-project': PROJECT, ...(locale && { 'x-appwrite-locale': locale }) } })
      return JSON.parse(res.body)
    } finally {
      await app.close()
    }
  }

  it('a private address answers the Unknown shape', async () => {
    expect(await locate('192.168.1.20')).toEqual({ ip: '192.168.1.20', ...UNKNOWN })
  })

  it('a public address is located from the offline database', async () => {
    const body = await locate('8.8.8.8')
    // USD is one of the four currencies whose `locations` list a country in Appwrite's currencies.php.
    expect(body).toEqual({ ip: '8.8.8.8', countryCode: 'US', country: 'United States', continentCode: 'NA', continent: 'North America', eu: false, currency: 'USD' })
    await matchesSpec('locale')({ status: 200, headers: {}, body, text: '' })
  })

  it('names follow the locale; a UK address is in Europe but not the EU', async () => {
    // 81.2.69.142 is MaxMind's documented test address in the UK.
    // Appwrite's GBP lists no `locations`, so the currency is '' as Appwrite answers.
    expect(await locate('81.2.69.142', 'fr')).toMatchObject({ countryCode: 'GB', country: 'Royaume-Uni', continent: 'Europe', eu: false, currency: '' })
  })

  it('an address in Germany (IPv6 too) is in the EU', async () => {
    // Deutsche Telekom's DNS resolver and Hetzner's IPv6 block: both registered in Germany for decades.
    expect(await locate('194.25.0.60')).toMatchObject({ countryCode: 'DE', country: 'Germany', continentCode: 'EU', continent: 'Europe', eu: true, currency: '' })
    expect(await locate('2a01:4f8::1')).toMatchObject({ countryCode: 'DE', eu: true })
  })

  it("the Unknown text is the locale's own (de: Unbekannt)", async () => {
    expect(await locate('10.0.0.1', 'de')).toMatchObject({ country: 'Unbekannt', continent: 'Unbekannt' })
    expect(await locate('194.25.0.60', 'de')).toMatchObject({ country: 'Deutschland', continent: 'Europa' })
  })
})
