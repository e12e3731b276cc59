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

scenarios('locale.listCountriesEU', [
  {
    name: 'the 27 EU members, sorted by name',
    request: { method: 'GET', url: '/v1/locale/countries/eu' },
    expect: { status: 200, body: { total: 27 } },
    async after(res) {
      await matchesSpec('countryList')(res)
      const codes = res.body.countries.map((c: { code: string }) => c.code)
      expect(codes[0]).toBe('AT')
      expect(codes).toEqual(expect.arrayContaining(['DE', 'FR', 'GR', 'HR', 'SE']))
      expect(codes).not.toContain('GB')
      expect(codes).not.toContain('CH')
    },
  },
  {
    name: 'in French',
    request: { method: 'GET', url: '/v1/locale/countries/eu?locale=fr' },
    expect: { status: 200, body: { total: 27 } },
    async after(res) {
      expect(res.body.countries.find((c: { code: string }) => c.code === 'DE').name).toBe('Allemagne')
    },
  },
  {
    name: 'in German, names as Appwrite has them',
    request: { method: 'GET', url: '/v1/locale/countries/eu', headers: { 'x-appwrite-locale': 'de' } },
    expect: { status: 200, body: { total: 27 } },
    async after(res) {
      expect(res.body.countries[0]).toEqual({ name: 'Belgien', code: 'BE' })
    },
  },
])
