// Generates src/services/locale/data/ from Appwrite's own locale files, so the locale routes answer with
// Appwrite's codes, names, translations and dial codes.
//
//   node scripts/locale-data.mjs <appwrite-checkout> [out-dir] [--tag 1.5.11] [--commit <sha>]
//
// <appwrite-checkout> is a checkout of github.com/appwrite/appwrite (tag 1.5.11 for the committed files); the
// tag and commit are read with git when the checkout has one, else given with --tag/--commit. Reads
// app/config/locale/{codes,countries,continents,currencies,eu,languages,phones}.php and
// app/config/locale/translations/*.json. The PHP files are plain `return [...]` literals, parsed here (no PHP
// interpreter needed); anything else in them is an error, so a changed source fails loudly instead of quietly.
// The output is deterministic: running it twice on the same source gives the same bytes (the conformance test,
// test/conformance/locale-data.test.ts, holds the committed files to that when APPWRITE_SOURCE is set).
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'

const REPOSITORY = 'https://github.com/appwrite/appwrite'
const LISTS = ['codes', 'countries', 'continents', 'currencies', 'eu', 'languages', 'phones']
/** The translation keys the locale routes read (app/controllers/api/locale.php); the rest is e-mail and console text. */
const USED_KEY = /^(countries\.[a-z]{2}|continents\.[a-z]{2}|locale\.country\.unknown)$/

// ---- a parser for PHP array literals ---------------------------------------------------------------------------

/** PHP source → tokens: strings, numbers, words, variables and punctuation; comments and whitespace dropped. */
function tokenize(src, file) {
  const tokens = []
  let i = src.indexOf('<?php')
  if (i === -1) throw new Error(`${file}: no <?php tag`)
  i += 5
  const fail = (what) => {
    const line = src.slice(0, i).split('\n').length
    throw new Error(`${file}:${line}: ${what}`)
  }
  while (i < src.length) {
    const c = src[i]
    const pos = i
    if (/\s/.test(c)) { i++; continue }
    if (src.startsWith('//', i) || c === '#') { while (i < src.length && src[i] !== '\n') i++; continue }
    if (src.startsWith('/*', i)) { const end = src.indexOf('*/', i + 2); if (end === -1) fail('unclosed comment'); i = end + 2; continue }
    if (src.startsWith('=>', i)) { tokens.push({ pos, t: '=>' }); i += 2; continue }
    if ('[],;=()'.includes(c)) { tokens.push({ pos, t: c }); i++; continue }
    if (c === "'") {
      let out = ''
      i++
      for (;;) {
        if (i >= src.length) fail('unclosed string')
        const d = src[i]
        if (d === '\\' && (src[i + 1] === "'" || src[i + 1] === '\\')) { out += src[i + 1]; i += 2; continue }
        if (d === "'") { i++; break }
        out += d
        i++
      }
      tokens.push({ pos, t: 'str', v: out })
      continue
    }
    if (c === '"') {
      let out = ''
      i++
      for (;;) {
        if (i >= src.length) fail('unclosed string')
        const d = src[i]
        if (d === '"') { i++; break }
        if (d === '$' && /[A-Za-z_{]/.test(src[i + 1] ?? '')) fail('interpolation in a double-quoted string')
        if (d === '\\') {
          const e = src[i + 1]
          const simple = { n: '\n', t: '\t', r: '\r', v: '\v', e: '\x1b', f: '\f', '\\': '\\', $: '$', '"': '"' }
          if (e in simple) { out += simple[e]; i += 2; continue }
          if (e === 'u' && src[i + 2] === '{') {
            const end = src.indexOf('}', i)
            out += String.fromCodePoint(parseInt(src.slice(i + 3, end), 16))
            i = end + 1
            continue
          }
          if (e === 'x' || /[0-7]/.test(e)) fail('byte escapes are not supported')
          out += '\\'
          i++
          continue
        }
        out += d
        i++
      }
      tokens.push({ pos, t: 'str', v: out })
      continue
    }
    const number = /^-?\d+(\.\d+)?(e[+-]?\d+)?/i.exec(src.slice(i, i + 400))
    if (number) { tokens.push({ pos, t: 'num', v: Number(number[0]) }); i += number[0].length; continue }
    const word = /^\$?[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i, i + 200))
    if (word) { tokens.push({ pos, t: word[0].startsWith('$') ? 'var' : 'word', v: word[0] }); i += word[0].length; continue }
    fail(`unexpected ${JSON.stringify(c)}`)
  }
  tokens.lineOf = (tok) => (tok ? src.slice(0, tok.pos).split('\n').length : 'end')
  return tokens
}

/**
 * The value a PHP config file returns: `return [...];` or `$x = [...]; return $x;`. Lists become arrays; arrays
 * with string keys become `{ entries: [[key, value], …] }` so the source order survives whatever the keys are.
 */
function parsePhpReturn(src, file) {
  const tokens = tokenize(src, file)
  let p = 0
  const peek = () => tokens[p]
  const fail = (what) => {
    throw new Error(`${file}:${tokens.lineOf(tokens[p])}: ${what}`)
  }
  const take = (t) => {
    const tok = tokens[p]
    if (!tok || tok.t !== t) fail(`expected ${t}, got ${tok ? tok.t + (tok.v !== undefined ? ' ' + tok.v : '') : 'end'}`)
    p++
    return tok
  }
  function value() {
    const tok = peek()
    if (tok?.t === 'str' || tok?.t === 'num') { p++; return tok.v }
    if (tok?.t === 'word' && ['true', 'false', 'null'].includes(tok.v.toLowerCase())) { p++; return JSON.parse(tok.v.toLowerCase()) }
    if (tok?.t === '[') return array()
    fail(`unexpected ${tok ? tok.t + ' ' + (tok.v ?? '') : 'end'} where a value belongs`)
  }
  function array() {
    take('[')
    const items = []
    let keyed = null
    while (peek()?.t !== ']') {
      const first = value()
      if (peek()?.t === '=>') {
        p++
        if (keyed === false) fail('an array mixes keys and plain items')
        if (typeof first !== 'string' || /^(0|-?[1-9]\d*)$/.test(first)) fail(`key ${JSON.stringify(first)} would be an integer key in PHP`)
        keyed = true
        items.push([first, value()])
      } else {
        if (keyed === true) fail('an array mixes keys and plain items')
        keyed = false
        items.push(first)
      }
      if (peek()?.t === ',') p++
      else if (peek()?.t !== ']') fail(`expected , or ], got ${peek()?.t ?? 'end'}`)
    }
    take(']')
    if (!keyed) return items
    const keys = new Set(items.map(([k]) => k))
    if (keys.size !== items.length) fail('duplicate keys in the array ending here')
    return { entries: items }
  }
  let result
  if (peek()?.t === 'word' && peek().v === 'return') {
    p++
    result = value()
    take(';')
  } else {
    const name = take('var').v
    take('=')
    result = value()
    take(';')
    if (take('word').v !== 'return' || take('var').v !== name) throw new Error(`${file}: expected return ${name}`)
    take(';')
  }
  if (p !== tokens.length) throw new Error(`${file}: unexpected code after the returned array`)
  return result
}

// ---- shaping ----------------------------------------------------------------------------------------------------

/** A keyed PHP array as a plain object, checking each value's type. */
function objectOf({ entries }, check, file) {
  const out = {}
  for (const [k, v] of entries) {
    if (!check(v)) throw new Error(`${file}: unexpected value for ${k}: ${JSON.stringify(v)}`)
    out[k] = v
  }
  return out
}

function record(item, fields, file) {
  if (!item || !Array.isArray(item.entries)) throw new Error(`${file}: expected an array with keys`)
  const obj = Object.fromEntries(item.entries)
  const names = item.entries.map(([k]) => k)
  if (names.join() !== fields.join()) throw new Error(`${file}: expected keys ${fields.join(', ')}, got ${names.join(', ')}`)
  return obj
}

const isString = (v) => typeof v === 'string'

function sourceRef(checkout, args) {
  const git = (...a) => {
    try {
      return execFileSync('git', ['-C', checkout, ...a], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    } catch {
      return ''
    }
  }
  const commit = args.commit ?? git('rev-parse', 'HEAD')
  const tag = args.tag ?? git('describe', '--tags', '--exact-match', 'HEAD')
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error('cannot tell the source commit: give --commit <sha> (and --tag)')
  return { tag: tag || null, commit }
}

/** Reads an Appwrite checkout and returns the data files to write: relative path → contents. */
export function generate(checkout, args = {}) {
  const dir = join(checkout, 'app/config/locale')
  const php = Object.fromEntries(LISTS.map((name) => {
    const file = `app/config/locale/${name}.php`
    return [name, parsePhpReturn(readFileSync(join(dir, `${name}.php`), 'utf8'), file)]
  }))
  const file = (name) => `app/config/locale/${name}.php`
  const list = (name) => {
    const v = php[name]
    if (!Array.isArray(v) || !v.every(isString)) throw new Error(`${file(name)}: expected a list of strings`)
    return v
  }
  const codes = php.codes.map((c) => record(c, ['code', 'name'], file('codes')))
  const languages = php.languages.map((l) => record(l, ['code', 'name', 'nativeName'], file('languages')))
  const currencies = php.currencies.map((c) => {
    const r = record(c, ['symbol', 'name', 'symbolNative', 'decimalDigits', 'rounding', 'code', 'namePlural', 'locations'], file('currencies'))
    if (!Array.isArray(r.locations) || !r.locations.every(isString)) throw new Error(`${file('currencies')}: bad locations for ${r.code}`)
    return r
  })
  const phones = objectOf(php.phones, (v) => isString(v) && /^\d+$/.test(v), file('phones'))

  // app/init.php: each code reads translations/<code>.json, else translations/<first two letters>.json, else en.json.
  const translationDir = join(dir, 'translations')
  const available = new Set(readdirSync(translationDir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)))
  const translationOf = {}
  for (const { code } of codes) {
    translationOf[code] = available.has(code) ? code : available.has(code.slice(0, 2)) ? code.slice(0, 2) : 'en'
  }
  const used = [...new Set(['en', ...Object.values(translationOf)])].sort()
  const ref = sourceRef(checkout, args)
  const files = {}
  for (const name of used) {
    const all = JSON.parse(readFileSync(join(translationDir, `${name}.json`), 'utf8'))
    const kept = Object.fromEntries(Object.entries(all).filter(([k]) => USED_KEY.test(k)))
    for (const v of Object.values(kept)) if (!isString(v)) throw new Error(`translations/${name}.json: a non-string text`)
    files[`translations/${name}.json`] = JSON.stringify(kept) + '\n'
  }
  const lists = {
    source: {
      repository: REPOSITORY,
      tag: ref.tag,
      commit: ref.commit,
      files: [...LISTS.map(file), 'app/config/locale/translations/*.json'],
      generator: 'scripts/locale-data.mjs',
    },
    codes,
    countries: list('countries'),
    continents: list('continents'),
    eu: list('eu'),
    phones,
    currencies,
    languages,
    translations: translationOf,
  }
  files['lists.json'] = JSON.stringify(lists) + '\n'
  files['README.md'] = [
    '# Locale data (generated)',
    '',
    `Generated by \`node scripts/locale-data.mjs <appwrite-checkout>\` from ${REPOSITORY} ` +
      `${ref.tag ? `tag ${ref.tag}, ` : ''}commit ${ref.commit}: ${LISTS.map((n) => `\`${file(n)}\``).join(', ')} and ` +
      '`app/config/locale/translations/*.json` (only the `countries.*`, `continents.*` and `locale.country.unknown` keys the ' +
      'locale routes read). Do not edit by hand; rerun the script. `lists.json` holds the lists in source order; ' +
      '`translations/<file>.json` one translation file each, and `lists.json#translations` says which file each code reads.',
    '',
  ].join('\n')
  return files
}

function main(argv) {
  const args = {}
  const positional = []
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--tag' || argv[i] === '--commit') args[argv[i].slice(2)] = argv[++i]
    else positional.push(argv[i])
  }
  const [checkout, outDir = 'src/services/locale/data'] = positional
  if (!checkout || !existsSync(join(checkout, 'app/config/locale/codes.php'))) {
    console.error('usage: node scripts/locale-data.mjs <appwrite-checkout> [out-dir] [--tag <tag>] [--commit <sha>]')
    process.exit(2)
  }
  const files = generate(resolve(checkout), args)
  rmSync(join(outDir, 'translations'), { recursive: true, force: true })
  mkdirSync(join(outDir, 'translations'), { recursive: true })
  for (const [name, text] of Object.entries(files)) writeFileSync(join(outDir, name), text)
  console.log(`wrote ${Object.keys(files).length} files to ${outDir}`)
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) main(process.argv.slice(2))
