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
    name: "languages.php's 186 languages with native names, in its order",
    request: { method: 'GET', url: '/v1/locale/languages' },
    expect: { status: 200, body: { total: 186 } },
    async after(res) {
      await matchesSpec('languageList')(res)
      expect(res.body.languages[0]).toEqual({ name: 'Afar', code: 'aa', nativeName: 'Afar' })
      expect(res.body.languages.find((l: { code: string }) => l.code === 'de')).toEqual({ name: 'German', code: 'de', nativeName: 'Deutsch' })
      expect(res.body.languages.filter((l: { code: string }) => l.code.startsWith('pt')).map((l: { code: string }) => l.code)).toEqual(['pt-pt', 'pt-br'])
    },
  },
])
