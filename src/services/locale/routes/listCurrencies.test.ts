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

scenarios('locale.listCurrencies', [
  {
    name: "currencies.php's 117 currencies with symbols and digits, USD first, without locations",
    request: { method: 'GET', url: '/v1/locale/currencies' },
    expect: { status: 200, body: { total: 117 } },
    async after(res) {
      await matchesSpec('currencyList')(res)
      expect(res.body.currencies[0]).toEqual({ symbol: '$', name: 'US Dollar', symbolNative: '$', decimalDigits: 2, rounding: 0, code: 'USD', namePlural: 'US dollars' })
      expect(res.body.currencies.slice(0, 4).map((c: { code: string }) => c.code)).toEqual(['USD', 'EUR', 'GBP', 'CAD'])
      expect(res.body.currencies.find((c: { code: string }) => c.code === 'JPY')).toMatchObject({ decimalDigits: 0, symbol: '¥' })
      expect(res.body.currencies.find((c: { code: string }) => c.code === 'CHF')).toMatchObject({ rounding: 0.05 })
      expect(res.body.currencies.some((c: object) => 'locations' in c)).toBe(false)
    },
  },
  {
    name: 'not localized, as in Appwrite',
    request: { method: 'GET', url: '/v1/locale/currencies', headers: { 'x-appwrite-locale': 'de' } },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.currencies[1].name).toBe('Euro')
    },
  },
])
