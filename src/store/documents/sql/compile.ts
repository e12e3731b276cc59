import type { Query } from '../../../domain/query/parse.js'
import type { OrderTerm } from '../../../domain/query/plan.js'
import type { CollectionSchema } from '../schema.js'
import type { Dialect } from './dialect.js'

/** A piece of SQL and its parameters, in placeholder order. */
export interface SqlFragment {
  sql: string
  params: unknown[]
}

/** The row a cursor points at: its order-column values and internal sequence. */
export type CursorRow = Record<string, unknown>

export const INTERNAL_COLUMNS: Record<string, string> = {
  $id: '_uid',
  $internalId: '_seq',
  $createdAt: '_createdAt',
  $updatedAt: '_updatedAt',
}

/**
 * Compiles validated queries to SQL over one collection's table (alias `t`): filters, the read-permission
 * filter, order, cursor and page. Everything is parameterised; identifiers come from the schema only.
 */
export class QueryCompiler {
  private params: unknown[] = []

  constructor(
    private readonly dialect: Dialect,
    private readonly schema: CollectionSchema,
  ) {}

  /** The column of an attribute, qualified by the table alias. */
  column(attribute: string): string {
    return `t.${this.dialect.quote(INTERNAL_COLUMNS[attribute] ?? attribute)}`
  }

  private bind(value: unknown): string {
    this.params.push(this.dialect.toSql(value))
    return this.dialect.placeholder(this.params.length - 1)
  }

  private isText(attribute: string): boolean {
    if (attribute === '$id') return true
    const a = this.schema.byKey.get(attribute)
    return a?.type === 'string' || a?.type === 'relationship'
  }

  /**
   * The WHERE clause: project, filters, and — when `readableBy` is given — only rows whose permissions grant
   * `read` to one of those roles (checked in SQL against the permissions table).
   */
  where(options: { projectId: string; filters: Query[]; readableBy: string[] | null; cursor?: { row: CursorRow; direction: 'after' | 'before'; orders: OrderTerm[] } }): SqlFragment {
    this.params = []
    const parts = [`t._project_id = ${this.bind(options.projectId)}`]
    for (const f of options.filters) parts.push(this.filter(f))
    if (options.readableBy) parts.push(this.readable(options.readableBy))
    if (options.cursor) parts.push(this.cursor(options.cursor.row, options.cursor.direction, options.cursor.orders))
    return { sql: parts.join(' AND '), params: this.params }
  }

  /** ORDER BY for a plan's orders; `reverse` flips every direction (cursorBefore reads backwards). */
  orderBy(orders: OrderTerm[], reverse = false): string {
    const flip = (d: 'ASC' | 'DESC') => (reverse ? (d === 'ASC' ? 'DESC' : 'ASC') : d)
    const terms = withTiebreak(orders).map((o) => this.dialect.orderTerm(this.column(o.attribute), flip(o.direction), this.isText(o.attribute)))
    return terms.join(', ')
  }

  private readable(roles: string[]): string {
    // No roles reads nothing (and PostgreSQL refuses an empty `IN ()`).
    if (roles.length === 0) return FALSE
    const d = this.dialect
    const placeholders = roles.map((r) => this.bind(r))
    return `EXISTS (SELECT 1 FROM ${d.quote(this.schema.permissionsTable)} p WHERE p._project_id = t._project_id AND p._document = t._seq AND p._type = 'read' AND p._role IN (${placeholders.join(', ')}))`
  }

  filter(q: Query): string {
    const d = this.dialect
    const col = () => this.column(q.attribute)
    const text = this.isText(q.attribute)
    const attr = this.schema.byKey.get(q.attribute)
    const cmp = (op: '=' | '!=' | '<' | '<=' | '>' | '>=', v: unknown) => (text ? d.textCompare(col(), op, this.bind(v)) : `${col()} ${op} ${this.bind(v)}`)
    switch (q.method) {
      case 'equal':
        if (q.values.length === 1) return cmp('=', q.values[0])
        if (text) return d.textIn(col(), q.values.map((v) => this.bind(v)))
        return `${col()} IN (${q.values.map((v) => this.bind(v)).join(', ')})`
      case 'notEqual':
        return cmp('!=', q.values[0])
      case 'lessThan':
        return cmp('<', q.values[0])
      case 'lessThanEqual':
        return cmp('<=', q.values[0])
      case 'greaterThan':
        return cmp('>', q.values[0])
      case 'greaterThanEqual':
        return cmp('>=', q.values[0])
      case 'between':
        return `(${cmp('>=', q.values[0])} AND ${cmp('<=', q.values[1])})`
      case 'isNull':
        return `${col()} IS NULL`
      case 'isNotNull':
        return `${col()} IS NOT NULL`
      case 'startsWith':
        return d.like(col(), this.bind(`${escapeLike(String(q.values[0]))}%`))
      case 'endsWith':
        return d.like(col(), this.bind(`%${escapeLike(String(q.values[0]))}`))
      case 'contains':
        if (attr?.array) return d.arrayContains(col(), q.values.map((v) => this.bind(v)), attr.type === 'string')
        return `(${q.values.map((v) => d.like(col(), this.bind(`%${escapeLike(String(v))}%`))).join(' OR ')})`
      case 'search': {
        const expression = d.fulltextExpression(String(q.values[0]))
        const table = this.schema.fulltext.get(q.attribute)
        if (expression === null || !table) return FALSE
        return d.fulltextMatch(table, 't._seq', this.bind(expression))
      }
      case 'and':
        return `(${(q.values as Query[]).map((s) => this.filter(s)).join(' AND ')})`
      case 'or':
        return `(${(q.values as Query[]).map((s) => this.filter(s)).join(' OR ')})`
      default:
        return TRUE
    }
  }

  /**
   * Keyset condition for "rows after `row` in this order" (NULLs sort first ascending, as in MariaDB and SQLite).
   * `before` is the same in the reversed order.
   */
  private cursor(row: CursorRow, direction: 'after' | 'before', orders: OrderTerm[]): string {
    const terms = withTiebreak(orders).map((o) => ({ ...o, direction: direction === 'after' ? o.direction : o.direction === 'ASC' ? 'DESC' as const : 'ASC' as const }))
    const ors: string[] = []
    for (let i = 0; i < terms.length; i++) {
      const ands: string[] = []
      for (let j = 0; j < i; j++) ands.push(this.same(terms[j].attribute, row[terms[j].attribute]))
      ands.push(this.beyond(terms[i].attribute, row[terms[i].attribute], terms[i].direction))
      ors.push(`(${ands.join(' AND ')})`)
    }
    return `(${ors.join(' OR ')})`
  }

  private same(attribute: string, value: unknown): string {
    if (value === null || value === undefined) return `${this.column(attribute)} IS NULL`
    return this.isText(attribute) ? this.dialect.textCompare(this.column(attribute), '=', this.bind(value)) : `${this.column(attribute)} = ${this.bind(value)}`
  }

  private beyond(attribute: string, value: unknown, direction: 'ASC' | 'DESC'): string {
    const col = this.column(attribute)
    if (direction === 'ASC') {
      if (value === null || value === undefined) return `${col} IS NOT NULL`
      return this.isText(attribute) ? this.dialect.textCompare(col, '>', this.bind(value)) : `${col} > ${this.bind(value)}`
    }
    if (value === null || value === undefined) return FALSE
    const less = this.isText(attribute) ? this.dialect.textCompare(col, '<', this.bind(value)) : `${col} < ${this.bind(value)}`
    return `(${less} OR ${col} IS NULL)`
  }
}

/** Orders end with insertion order, so pages and cursors are stable. */
export function withTiebreak(orders: OrderTerm[]): OrderTerm[] {
  return orders.some((o) => o.attribute === '$internalId') ? orders : [...orders, { attribute: '$internalId', direction: 'ASC' }]
}

// Conditions every engine reads as booleans (PostgreSQL refuses a bare 0 or 1 in WHERE).
const TRUE = '1 = 1'
const FALSE = '1 = 0'

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`)
