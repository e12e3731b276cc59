/**
 * What differs between SQL engines in the document queries. The compiler writes everything else; SQLite's
 * dialect is beside this file, and a PostgreSQL one would implement the same methods (e.g. `ILIKE`, `citext` or
 * `lower()` for case-insensitive text, `jsonb ?|` for array elements, `tsvector @@ to_tsquery` for search).
 */
export interface Dialect {
  /** Quotes an identifier (table, column, index). */
  quote(name: string): string
  /** The placeholder of the parameter at `index` (0-based): `?` for SQLite, `$1` for PostgreSQL. */
  placeholder(index: number): string
  /** A value as the engine stores it (booleans as 1/0 in SQLite). */
  toSql(value: unknown): unknown
  /**
   * Case-insensitive text comparison (`=`, `<`, …). SQLite declares its text columns `COLLATE NOCASE`, so it is
   * the plain operator there.
   */
  textCompare(column: string, op: '=' | '!=' | '<' | '<=' | '>' | '>=', value: string): string
  /** Case-insensitive `IN` over text values (placeholders), as `textCompare` compares. */
  textIn(column: string, values: string[]): string
  /**
   * One ORDER BY term with SQLite's NULL order (first ascending, last descending); text orders without case.
   */
  orderTerm(column: string, direction: 'ASC' | 'DESC', text: boolean): string
  /** Case-insensitive `LIKE` with `\` escaping `%` and `_`. */
  like(column: string, pattern: string): string
  /** True when a JSON array column holds an element equal to one of the values (text elements case-insensitively). */
  arrayContains(column: string, values: string[], text: boolean): string
  /** True when the row's fulltext table matches the expression made by `fulltextExpression`. */
  fulltextMatch(ftsTable: string, rowColumn: string, value: string): string
  /** MariaDB boolean-mode search in this engine's syntax: words OR-ed, the last one a prefix, or an exact phrase. */
  fulltextExpression(search: string): string | null
}
