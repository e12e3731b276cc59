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

scenarios('locale.listContinents', [
  {
    name: 'seven continents in English, sorted by name',
    request: { method: 'GET', url: '/v1/locale/continents' },
    expect: {
      status: 200,
      body: {
        total: 7,
        continents: [
          { name: 'Africa', code: 'AF' },
          { name: 'Antarctica', code: 'AN' },
          { name: 'Asia', code: 'AS' },
          { name: 'Europe', code: 'EU' },
          { name: 'North America', code: 'NA' },
          { name: 'Oceania', code: 'OC' },
          { name: 'South America', code: 'SA' },
        ],
      },
    },
    after: matchesSpec('continentList'),
  },
  {
    name: 'translated and sorted byte-wise as PHP strcmp does (África after Sudamérica)',
    request: { method: 'GET', url: '/v1/locale/continents', headers: { 'x-appwrite-locale': 'es' } },
    expect: { status: 200, body: { total: 7 } },
    async after(res) {
      expect(res.body.continents[0]).toEqual({ name: 'América del Norte', code: 'NA' })
      expect(res.body.continents[6]).toEqual({ name: 'África', code: 'AF' })
    },
  },
])
