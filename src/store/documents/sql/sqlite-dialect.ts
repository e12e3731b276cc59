import type { Dialect } from './dialect.js'

/** SQLite: text columns are `COLLATE NOCASE`, arrays are JSON text, fulltext indexes are FTS5 tables. */
export const sqliteDialect: Dialect = {
  quote: (name) => `"${name.replace(/"/g, '""')}"`,
  placeholder: () => '?',
  toSql: (value) => (typeof value === 'boolean' ? (value ? 1 : 0) : value),
  textCompare: (column, op, value) => `${column} ${op} ${value}`,
  textIn: (column, values) => `${column} IN (${values.join(', ')})`,
  orderTerm: (column, direction) => `${column} ${direction}`,
  like: (column, pattern) => `${column} LIKE ${pattern} ESCAPE '\\'`,
  arrayContains: (column, values, text) =>
    `EXISTS (SELECT 1 FROM json_each(${column}) WHERE json_each.value${text ? ' COLLATE NOCASE' : ''} IN (${values.join(', ')}))`,
  fulltextMatch: (ftsTable, rowColumn, value) => `${rowColumn} IN (SELECT rowid FROM "${ftsTable}" WHERE "${ftsTable}" MATCH ${value})`,
  // deviation: InnoDB also drops stopwords and words shorter than 3 letters; FTS5 indexes every word.
  fulltextExpression(search) {
    // MariaDB's getFulltextValue: reserved characters become spaces; "…" is a phrase, else the last word is a prefix.
    const exact = search.length > 1 && search.startsWith('"') && search.endsWith('"')
    const words = search.replace(/[@+\-*()<>~"]/g, ' ').split(/\s+/).filter(Boolean)
    const tokens = words.flatMap((w) => w.split(/[^\p{L}\p{N}_]+/u)).filter(Boolean)
    if (tokens.length === 0) return null
    const q = (t: string) => `"${t.replace(/"/g, '""')}"`
    if (exact) return q(tokens.join(' '))
    return tokens.map((t, i) => (i === tokens.length - 1 ? `${q(t)}*` : q(t))).join(' OR ')
  },
}
