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

scenarios('locale.listCountries', [
  {
    name: 'an invalid project is not found',
    request: { method: 'GET', url: '/v1/locale/countries', project: '_bad id' },
    expect: { status: 404, type: 'project_not_found' },
  },
  {
    name: "a guest gets Appwrite's 197 countries in English, sorted by name",
    request: { method: 'GET', url: '/v1/locale/countries' },
    expect: { status: 200, body: { total: 197 }, headers: { 'content-type': 'application/json; charset=UTF-8' } },
    async after(res) {
      await matchesSpec('countryList')(res)
      expect(res.body.countries[0]).toEqual({ name: 'Afghanistan', code: 'AF' })
      expect(res.body.countries).toHaveLength(197)
      const names: string[] = res.body.countries.map((c: { name: string }) => c.name)
      expect(names).toEqual([...names].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))))
      expect(res.body.countries.map((c: { code: string }) => c.code)).toEqual(expect.arrayContaining(['PS', 'VA', 'HK', 'TW', 'US', 'SS']))
    },
  },
  {
    name: 'X-Appwrite-Locale translates the names',
    request: { method: 'GET', url: '/v1/locale/countries', headers: { 'x-appwrite-locale': 'es' } },
    expect: { status: 200, body: { total: 197 } },
    async after(res) {
      expect(res.body.countries[0]).toEqual({ name: 'Afganistán', code: 'AF' })
    },
  },
  {
    name: 'the locale param wins over the header',
    request: { method: 'GET', url: '/v1/locale/countries?locale=de', headers: { 'x-appwrite-locale': 'es' } },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.countries.find((c: { code: string }) => c.code === 'DE').name).toBe('Deutschland')
    },
  },
  {
    name: 'a regional code reads its own translation file',
    request: { method: 'GET', url: '/v1/locale/countries', headers: { 'x-appwrite-locale': 'pt-br' } },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.countries.find((c: { code: string }) => c.code === 'DE').name).toBe('Alemanha')
    },
  },
  {
    name: "codes compare exactly, as Appwrite's in_array does: pt-BR is not a code, so English",
    request: { method: 'GET', url: '/v1/locale/countries', headers: { 'x-appwrite-locale': 'pt-BR' } },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.countries.find((c: { code: string }) => c.code === 'DE').name).toBe('Germany')
    },
  },
  {
    name: "Appwrite's short names: de says Vereinigte Staaten, en United States",
    request: { method: 'GET', url: '/v1/locale/countries?locale=de' },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.countries.find((c: { code: string }) => c.code === 'US').name).toBe('Vereinigte Staaten')
    },
  },
  {
    name: 'a name the language file lacks reads {{countries.xx}}, as utopia-php/locale 0.4 answers (ar-ma has no HK, PS, TW)',
    request: { method: 'GET', url: '/v1/locale/countries?locale=ar-ma' },
    expect: { status: 200, body: { total: 197 } },
    async after(res) {
      expect(res.body.countries.slice(0, 3)).toEqual([{ name: '{{countries.hk}}', code: 'HK' }, { name: '{{countries.ps}}', code: 'PS' }, { name: '{{countries.tw}}', code: 'TW' }])
    },
  },
  {
    name: 'a code without its own file reads the file of its language (es-ar → es) or English (pt → en)',
    request: { method: 'GET', url: '/v1/locale/countries?locale=es-ar' },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.countries[0]).toEqual({ name: 'Afganistán', code: 'AF' })
    },
  },
  {
    name: 'an unsupported locale falls back to English',
    request: { method: 'GET', url: '/v1/locale/countries', headers: { 'x-appwrite-locale': 'tlh' } },
    expect: { status: 200 },
    async after(res) {
      expect(res.body.countries[0]).toEqual({ name: 'Afghanistan', code: 'AF' })
    },
  },
])
