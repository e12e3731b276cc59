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
    name: 'one dial code per country, ordered by number, +1 starting with Canada',
    request: { method: 'GET', url: '/v1/locale/countries/phones' },
    expect: { status: 200, body: { total: 197 } },
    async after(res) {
      await matchesSpec('phoneList')(res)
      expect(res.body.phones[0]).toEqual({ code: '+1', countryCode: 'CA', countryName: 'Canada' })
      expect(res.body.phones[1]).toMatchObject({ code: '+1', countryCode: 'US' })
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
    },
  },
])
