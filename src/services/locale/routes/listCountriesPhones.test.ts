import { expect } from 'vitest'
import type { TestResponse } from '../../../../test/harness/app.js'
import { scenarios } from '../../../../test/harness/scenarios.js'
import { sharedAvailable } from '../../../../test/harness/shared.js'
import { clientSpec } from '../../../../test/harness/spec.js'

/** Holds a JSON body against the client spec's model (skipped, with a reason, without ../shared outside CI). */
const matchesSpec = (schema: string) => async (res: TestResponse) => {
  if (!sharedAvailable(`the ${schema} schema check`)) return
  const validate = clientSpec().validator(schema)
  expect(validate(res.body), JSON.stringify(validate.errors)).toBe(true)
}

scenarios('locale.listCountriesPhones', [
  {
    name: "phones.php's 196 dial codes (no Hong Kong), ordered by number, +1 starting with Canada",
    request: { method: 'GET', url: '/v1/locale/countries/phones' },
    expect: { status: 200, body: { total: 196 } },
    async after(res) {
      await matchesSpec('phoneList')(res)
      expect(res.body.phones[0]).toEqual({ code: '+1', countryCode: 'CA', countryName: 'Canada' })
      expect(res.body.phones[1]).toEqual({ code: '+1', countryCode: 'US', countryName: 'United States' })
      expect(res.body.phones[2]).toMatchObject({ code: '+7', countryCode: 'RU', countryName: 'Russia' })
      expect(res.body.phones.at(-1)).toMatchObject({ code: '+1876', countryCode: 'JM' })
      expect(res.body.phones.map((p: { countryCode: string }) => p.countryCode)).not.toContain('HK')
      const numbers = res.body.phones.map((p: { code: string }) => Number(p.code.slice(1)))
      expect(numbers).toEqual([...numbers].sort((a, b) => a - b))
      expect(res.body.phones.find((p: { countryCode: string }) => p.countryCode === 'GB').code).toBe('+44')
      expect(res.body.phones.find((p: { countryCode: string }) => p.countryCode === 'AG').code).toBe('+1268')
    },
  },
  {
    name: 'country names follow the locale',
    request: { method: 'GET', url: '/v1/locale/countries/phones', headers: { 'x-appwrite-locale': 'de' } },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.phones.find((p: { countryCode: string }) => p.countryCode === 'DE').countryName).toBe('Deutschland')
      expect(res.body.phones[1].countryName).toBe('Vereinigte Staaten')
    },
  },
  {
    name: 'countries the language file does not name are left out, as Appwrite does (ar-ma has no PS, TW)',
    request: { method: 'GET', url: '/v1/locale/countries/phones?locale=ar-ma' },
    expect: { status: 200, body: { total: 194 } },
  },
])
