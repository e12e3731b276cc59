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

scenarios('locale.listLanguages', [
  {
    name: 'ISO 639-1 languages by code with native names',
    request: { method: 'GET', url: '/v1/locale/languages' },
    expect: { status: 200, body: { total: 185 } },
    async after(res) {
      await matchesSpec('languageList')(res)
      expect(res.body.languages[0]).toEqual({ name: 'Afar', code: 'aa', nativeName: 'Afar' })
      expect(res.body.languages.find((l: { code: string }) => l.code === 'de')).toEqual({ name: 'German', code: 'de', nativeName: 'Deutsch' })
      const codes = res.body.languages.map((l: { code: string }) => l.code)
      expect(codes).toEqual([...codes].sort())
    },
  },
])
