import { createHash } from 'node:crypto'
import type { Dialect } from './dialect.js'
import { sqliteDialect } from './sqlite-dialect.js'

/** PostgreSQL cuts identifiers at 63 bytes; longer names keep a readable head and a hash, so two never meet. */
export function pgIdentifier(name: string): string {
  if (Buffer.byteLength(name) <= 63) return name
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 12)
  let head = name.slice(0, 48)
  while (Buffer.byteLength(head) > 48) head = head.slice(0, -1)
  return `${head}~${hash}`
}

/** SQLite's NOCASE in PostgreSQL: ASCII letters folded, the rest byte for byte (`emu_nocase`, see migrations). */
export const nocase = (expression: string) => `emu_nocase(${expression})`

/**
 * PostgreSQL: `$n` placeholders, text columns `COLLATE "C"` compared through `emu_nocase()` (indexed by
 * expression), arrays as JSON text, fulltext as a `tsvector` table per index kept by a trigger.
 */
export const pgDialect: Dialect = {
  quote: (name) => `"${pgIdentifier(name).replace(/"/g, '""')}"`,
  placeholder: (index) => `$${index + 1}`,
  toSql: (value) => value,
  textCompare: (column, op, value) => `${nocase(column)} ${op} ${nocase(`${value}::text`)}`,
  textIn: (column, values) => values.length === 0 ? '1 = 0' : `${nocase(column)} IN (${values.map((v) => nocase(`${v}::text`)).join(', ')})`,
  orderTerm: (column, direction, text) => `${text ? nocase(column) : column} ${direction} NULLS ${direction === 'ASC' ? 'FIRST' : 'LAST'}`,
  like: (column, pattern) => `${nocase(column)} LIKE ${nocase(`${pattern}::text`)} ESCAPE '\\'`,
  // Elements compare as text, as SQLite's json_each values meet the parameters (numbers print alike in both).
  arrayContains: (column, values, text) =>
    values.length === 0 ? '1 = 0' : `EXISTS (SELECT 1 FROM jsonb_array_elements_text(${column}::jsonb) e(v) WHERE ${text ? nocase('e.v') : 'e.v'} IN (${values.map((v) => (text ? nocase(`${v}::text`) : `${v}::text`)).join(', ')}))`,
  fulltextMatch: (ftsTable, rowColumn, value) => `${rowColumn} IN (SELECT _seq FROM "${pgIdentifier(ftsTable)}" WHERE _tsv @@ ${value}::tsquery)`,
  // The same words as SQLite's FTS5 query (one tokeniser for both), written as a tsquery: `'a' | 'b':*` or a
  // phrase `'a' <-> 'b'`. Lexemes are lower-cased as the index trigger lower-cases the text.
  fulltextExpression(search) {
    const fts = sqliteDialect.fulltextExpression(search)
    if (fts === null) return null
    const phrase = !fts.includes(' OR ') && !fts.endsWith('*')
    const terms = [...fts.matchAll(/"((?:[^"]|"")*)"(\*?)/g)].map((m) => ({ text: m[1].replace(/""/g, '"').toLowerCase(), prefix: m[2] === '*' }))
    const lexeme = (t: string) => `'${t.replace(/'/g, "''")}'`
    if (phrase) return terms[0].text.split(' ').map(lexeme).join(' <-> ')
    return terms.map((t) => `${lexeme(t.text)}${t.prefix ? ':*' : ''}`).join(' | ')
  },
}

/**
 * The tsvector the fulltext trigger keeps for a text value: words of letters, digits and `_` (FTS5's
 * `unicode61 tokenchars '_'`), lower-cased, with their positions for phrase search. The database's default
 * collation classifies and folds letters (the column's "C" would know ASCII only).
 * deviation: FTS5 also strips diacritics (`eclair` finds `Éclair`); without the unaccent extension this does not.
 */
export const tsvectorOf = (expression: string) =>
  `(SELECT coalesce(string_agg(quote_literal(w) || ':' || n, ' '), '')::tsvector FROM unnest(regexp_split_to_array(lower(coalesce(${expression}, '') COLLATE "default"), '[^[:alnum:]_]+')) WITH ORDINALITY AS x(w, n) WHERE w <> '' AND n < 16384)`
