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

scenarios('locale.listCodes', [
  {
    name: "Appwrite's codes.php: 131 codes with regional variants, in its order, with its English names",
    request: { method: 'GET', url: '/v1/locale/codes' },
    expect: { status: 200 },
    async after(res) {
      await matchesSpec('localeCodeList')(res)
      expect(res.body.total).toBe(res.body.localeCodes.length)
      expect(res.body.total).toBe(131)
      expect(res.body.localeCodes.slice(0, 2)).toEqual([{ code: 'af', name: 'Afrikaans' }, { code: 'ar-ae', name: 'Arabic (U.A.E.)' }])
      expect(res.body.localeCodes).toEqual(expect.arrayContaining([{ code: 'en', name: 'English' }, { code: 'es', name: 'Spanish (Spain)' }, { code: 'de', name: 'German (Standard)' }, { code: 'pt-br', name: 'Portuguese (Brazil)' }]))
    },
  },
])
