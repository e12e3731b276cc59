import { describe, expect, it } from 'vitest'
import { listQueriesValidator, runListQueries, TEAM_QUERY_SCHEMA } from './list-query.js'

const validator = listQueriesValidator(TEAM_QUERY_SCHEMA)
const parse = (...queries: object[]) => validator.parse(queries.map((x) => JSON.stringify(x)))
const failure = (...queries: object[]) => {
  const r = parse(...queries)
  return r.ok ? null : r.description
}

describe('team list queries: validation', () => {
  it.each([
    [{ method: 'notEqual', attribute: 'name', values: [] }, 'Invalid query: NotEqual queries require exactly one value.'],
    [{ method: 'lessThanEqual', attribute: 'total', values: [1, 2] }, 'Invalid query: LessThanEqual queries require exactly one value.'],
    [{ method: 'contains', attribute: 'name', values: [] }, 'Invalid query: Contains queries require at least one value.'],
    [{ method: 'equal', attribute: 'name.first', values: ['x'] }, 'Invalid query: Cannot query nested attribute on: name'],
    [{ method: 'equal', attribute: 'total', values: [1.5] }, 'Invalid query: Query value is invalid for attribute "total"'],
    [{ method: 'equal', attribute: '$createdAt', values: ['yesterday-ish'] }, 'Invalid query: Query value is invalid for attribute "$createdAt"'],
    [{ method: 'equal', attribute: 'name', values: Array(101).fill('x') }, 'Invalid query: Query on attribute has greater than 100 values: name'],
    [{ method: 'and', values: [{ method: 'equal', attribute: 'name', values: ['a'] }, { method: 'limit', values: [1] }] }, 'Invalid query: And queries can only contain filter queries'],
    [{ method: 'or', values: [{ method: 'equal', attribute: 'name', values: ['a'] }, { method: 'equal', attribute: 'nope', values: ['b'] }] }, 'Invalid query: Attribute not found in schema: nope'],
    [{ method: 'orderAsc', attribute: 'prefs' }, 'Invalid query: Attribute not found in schema: prefs'],
    [{ method: 'limit', values: [0] }, 'Invalid query: Invalid limit: Value must be a valid range between 1 and 9,223,372,036,854,775,807'],
    [{ method: 'select', values: ['name'] }, 'Invalid query method: select'],
  ])('%j → %s', (query, message) => {
    expect(failure(query)).toBe(message)
  })

  it('reports the first bad query', () => {
    expect(failure({ method: 'equal', attribute: 'total', values: ['x'] }, { method: 'equal', attribute: 'nope', values: ['x'] })).toBe('Invalid query: Query value is invalid for attribute "total"')
  })

  it('keeps the shared messages for what is not JSON or not a list', () => {
    expect(validator.parse(['nope'])).toEqual({ ok: false, description: 'Invalid query: Invalid query: Syntax error' })
    expect(validator.parse('nope').ok).toBe(false)
  })

  it('writes datetime values in Appwrite format so they compare with stored dates', () => {
    const r = parse({ method: 'greaterThan', attribute: '$createdAt', values: ['2024-05-01T12:00:00+02:00'] })
    expect(r).toEqual({ ok: true, value: [{ method: 'greaterThan', attribute: '$createdAt', values: ['2024-05-01T10:00:00.000+00:00'] }] })
  })
})

describe('team list queries: evaluation', () => {
  const records = ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ $id: id, search: id, name: i % 2 ? 'odd' : 'even', total: i }))
  const run = (...queries: object[]) => {
    const r = parse(...queries)
    if (!r.ok) throw new Error(r.description)
    const { total, items } = runListQueries(records, r.value, 'Team')
    return { total, ids: items.map((x) => x.$id) }
  }

  it('pages before a cursor from the cursor backwards', () => {
    expect(run({ method: 'cursorBefore', values: ['e'] }, { method: 'limit', values: [2] })).toEqual({ total: 5, ids: ['c', 'd'] })
    expect(run({ method: 'cursorBefore', values: ['e'] }, { method: 'limit', values: [2] }, { method: 'offset', values: [1] })).toEqual({ total: 5, ids: ['b', 'c'] })
  })

  it('places the cursor in the requested order and keeps insertion order for ties', () => {
    expect(run({ method: 'orderAsc', attribute: 'name' })).toEqual({ total: 5, ids: ['a', 'c', 'e', 'b', 'd'] })
    expect(run({ method: 'orderAsc', attribute: 'name' }, { method: 'cursorAfter', values: ['e'] })).toEqual({ total: 5, ids: ['b', 'd'] })
  })

  it('counts filter matches only, and takes the first limit', () => {
    expect(run({ method: 'equal', attribute: 'name', values: ['odd'] }, { method: 'limit', values: [1] }, { method: 'limit', values: [5] })).toEqual({ total: 2, ids: ['b'] })
  })
})
