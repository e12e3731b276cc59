import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { repoRoot } from '../harness/shared.js'
import { LocaleService } from '../../src/services/locale/locale-service.js'

/**
 * The locale data files (src/services/locale/data) against the Appwrite source they were generated from, and
 * against themselves. See docs/decisions/locale-data-sources.md.
 */

const DATA = join(repoRoot, 'src/services/locale/data')
const SCRIPT = join(repoRoot, 'scripts/locale-data.mjs')
const readJson = (path: string) => JSON.parse(readFileSync(join(DATA, path), 'utf8'))
const lists = readJson('lists.json') as {
  source: { repository: string; tag: string | null; commit: string; files: string[]; generator: string }
  codes: { code: string; name: string }[]
  countries: string[]
  continents: string[]
  eu: string[]
  phones: Record<string, string>
  currencies: { code: string; locations: string[] }[]
  languages: { code: string }[]
  translations: Record<string, string>
}
const translationFiles = readdirSync(join(DATA, 'translations')).sort()
const en = readJson('translations/en.json') as Record<string, string>

/** Every file under the data directory, relative path → bytes. */
function snapshot(dir: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  const walk = (sub: string) => {
    for (const entry of readdirSync(join(dir, sub), { withFileTypes: true })) {
      const rel = sub ? `${sub}/${entry.name}` : entry.name
      if (entry.isDirectory()) walk(rel)
      else out.set(rel, readFileSync(join(dir, rel)))
    }
  }
  walk('')
  return out
}

const temps: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'locale-data-'))
  temps.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true })
})

// The Appwrite checkout is not part of ../shared and CI has none, so unlike the ../shared tests this one skips in
// CI too, with the reason printed; set APPWRITE_SOURCE to a checkout of appwrite/appwrite at the recorded tag.
const source = process.env.APPWRITE_SOURCE
if (!source) {
  console.info(
    `skipped: regenerating the locale data needs APPWRITE_SOURCE (a checkout of ${lists.source.repository} at ${lists.source.tag ?? lists.source.commit}); ` +
      'it is not in ../shared, so CI skips this too. The consistency checks below still run.',
  )
}

describe('locale data regenerated from Appwrite', () => {
  it.skipIf(!source)('matches the committed files byte for byte', () => {
    const out = tempDir()
    const extra = [
      ...(process.env.APPWRITE_SOURCE_TAG ? ['--tag', process.env.APPWRITE_SOURCE_TAG] : []),
      ...(process.env.APPWRITE_SOURCE_COMMIT ? ['--commit', process.env.APPWRITE_SOURCE_COMMIT] : []),
    ]
    execFileSync(process.execPath, [SCRIPT, source!, out, ...extra], { stdio: 'pipe' })
    const fresh = snapshot(out)
    const committed = snapshot(DATA)
    expect([...fresh.keys()].sort()).toEqual([...committed.keys()].sort())
    for (const [name, bytes] of fresh) expect(bytes.equals(committed.get(name)!), `${name} differs from the source`).toBe(true)
  })
})

describe('locale data consistency', () => {
  it('names its source: Appwrite 1.5.11 at a fixed commit, in lists.json and the README', () => {
    expect(lists.source).toMatchObject({ repository: 'https://github.com/appwrite/appwrite', tag: '1.5.11', generator: 'scripts/locale-data.mjs' })
    expect(lists.source.commit).toMatch(/^[0-9a-f]{40}$/)
    const readme = readFileSync(join(DATA, 'README.md'), 'utf8')
    expect(readme).toContain(lists.source.commit)
    for (const file of lists.source.files) expect(readme).toContain(file)
  })

  it("has Appwrite 1.5's counts", () => {
    expect({
      codes: lists.codes.length,
      countries: lists.countries.length,
      continents: lists.continents.length,
      eu: lists.eu.length,
      phones: Object.keys(lists.phones).length,
      currencies: lists.currencies.length,
      languages: lists.languages.length,
      translationFiles: translationFiles.length,
    }).toEqual({ codes: 131, countries: 197, continents: 7, eu: 27, phones: 196, currencies: 117, languages: 186, translationFiles: 55 })
  })

  it('gives every code a translation file, and keeps no file no code reads', () => {
    expect(Object.keys(lists.translations)).toEqual(lists.codes.map((c) => c.code))
    const used = new Set(['en', ...Object.values(lists.translations)])
    expect(translationFiles).toEqual([...used].map((f) => `${f}.json`).sort())
    // init.php's rule: the code's own file, else its first two letters', else English.
    for (const [code, file] of Object.entries(lists.translations)) expect([code, code.slice(0, 2), 'en'], code).toContain(file)
    expect(lists.translations).toMatchObject({ de: 'de', 'pt-br': 'pt-br', 'es-ar': 'es', pt: 'en', 'en-us': 'en' })
  })

  it('names every country and continent in English, and says Unknown', () => {
    for (const code of lists.countries) expect(en[`countries.${code.toLowerCase()}`], code).toEqual(expect.any(String))
    for (const code of lists.continents) expect(en[`continents.${code.toLowerCase()}`], code).toEqual(expect.any(String))
    expect(en['locale.country.unknown']).toBe('Unknown')
  })

  it('keeps only the keys the routes read, as compact JSON', () => {
    for (const file of translationFiles) {
      const text = readFileSync(join(DATA, 'translations', file), 'utf8')
      const texts = JSON.parse(text) as Record<string, unknown>
      expect(text, file).toBe(JSON.stringify(texts) + '\n')
      for (const [key, value] of Object.entries(texts)) {
        expect(key, file).toMatch(/^(countries\.[a-z]{2}|continents\.[a-z]{2}|locale\.country\.unknown)$/)
        expect(typeof value, `${file} ${key}`).toBe('string')
      }
    }
    expect(readFileSync(join(DATA, 'lists.json'), 'utf8')).toBe(JSON.stringify(lists) + '\n')
  })

  it('lists only known countries in eu.php and phones.php (Hong Kong has no dial code)', () => {
    const countries = new Set(lists.countries)
    expect(lists.eu.filter((c) => !countries.has(c))).toEqual([])
    expect(Object.keys(lists.phones).filter((c) => !countries.has(c))).toEqual([])
    expect(lists.countries.filter((c) => !(c in lists.phones))).toEqual(['HK'])
    for (const [country, dial] of Object.entries(lists.phones)) expect(dial, country).toMatch(/^\d+$/)
  })

  it("serves phones sorted as Appwrite's asort sorts the source: by number, equal numbers in file order", async () => {
    const { phones } = await new LocaleService().phones('en')
    const order = Object.keys(lists.phones)
    const expected = order
      .map((country, index) => ({ country, index, dial: Number(lists.phones[country]) }))
      .sort((a, b) => a.dial - b.dial || a.index - b.index)
      .map((p) => p.country)
    expect(phones.map((p) => p.countryCode)).toEqual(expected)
    expect(phones.slice(0, 2).map((p) => p.countryCode)).toEqual(['CA', 'US'])
  })
})

describe('the generator', () => {
  it('parses PHP literals as PHP does and refuses what it does not understand', () => {
    const checkout = tempDir()
    const dir = join(checkout, 'app/config/locale')
    mkdirSync(join(dir, 'translations'), { recursive: true })
    const php = (name: string, body: string) => writeFileSync(join(dir, `${name}.php`), `<?php\n\n/** a comment */\n${body}\n`)
    php('codes', `return [\n  [ "code" => "en", "name" => "English", ],\n  ['code' => 'fr-ca', 'name' => 'French (Canada) \\'CA\\''],\n];`)
    php('countries', `return ['US', 'CA', # hash comment\n 'FR'];`)
    php('continents', `return ['NA', 'EU'];`)
    php('currencies', `return [['symbol' => "\\u{20AC}", 'name' => 'Euro', 'symbolNative' => '€', 'decimalDigits' => 2, 'rounding' => 0.05000000000000000277555756156289135105907917022705078125, 'code' => 'EUR', 'namePlural' => 'euros', 'locations' => []]];`)
    php('eu', `$list = [\n  'FR', // France\n];\n\nreturn $list;`)
    php('languages', `return [["code" => "fr", "name" => "French", "nativeName" => "Fran\\"çais\\""]];`)
    php('phones', `return ['US' => '1', 'FR' => '33', 'CA' => '1'];`)
    writeFileSync(join(dir, 'translations/en.json'), JSON.stringify({ 'emails.sender': 'x', 'countries.us': 'United States', 'continents.na': 'North America', 'locale.country.unknown': 'Unknown' }))
    writeFileSync(join(dir, 'translations/fr.json'), JSON.stringify({ 'countries.us': 'États-Unis' }))
    const out = tempDir()
    const commit = 'a'.repeat(40)
    execFileSync(process.execPath, [SCRIPT, checkout, out, '--tag', 'test', '--commit', commit], { stdio: 'pipe' })
    const generated = JSON.parse(readFileSync(join(out, 'lists.json'), 'utf8'))
    expect(generated).toMatchObject({
      source: { tag: 'test', commit },
      codes: [{ code: 'en', name: 'English' }, { code: 'fr-ca', name: "French (Canada) 'CA'" }],
      countries: ['US', 'CA', 'FR'],
      eu: ['FR'],
      phones: { US: '1', FR: '33', CA: '1' },
      currencies: [{ symbol: '€', rounding: 0.05, decimalDigits: 2 }],
      languages: [{ nativeName: 'Fran"çais"' }],
      translations: { en: 'en', 'fr-ca': 'fr' },
    })
    expect(JSON.parse(readFileSync(join(out, 'translations/en.json'), 'utf8'))).toEqual({ 'countries.us': 'United States', 'continents.na': 'North America', 'locale.country.unknown': 'Unknown' })
    expect(existsSync(join(out, 'translations/fr.json'))).toBe(true)

    php('phones', `return ['US' => '1', 'FR' => $code];`)
    expect(() => execFileSync(process.execPath, [SCRIPT, checkout, out, '--commit', commit], { stdio: 'pipe' })).toThrow(/phones\.php:\d+: unexpected var/)
  })
})
