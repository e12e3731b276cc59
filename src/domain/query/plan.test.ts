import { describe, expect, it } from 'vitest'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { normalizeDatetime } from './datetime.js'
import type { Query } from './parse.js'
import { planDocumentQueries, type QueryAttribute, type QuerySchema } from './plan.js'

const attrs: QueryAttribute[] = [
  { key: 'name', type: 'string', array: false },
  { key: 'n', type: 'integer', array: false },
  { key: 'at', type: 'datetime', array: false },
]
const schema: QuerySchema = { byKey: new Map(attrs.map((a) => [a.key, a])), fulltext: new Map() }
const q = (method: Query['method'], attribute = '', values: unknown[] = []): Query => ({ method, attribute, values })

describe('planDocumentQueries', () => {
  it('keeps the first limit and offset, as groupByType does', () => {
    const plan = planDocumentQueries(schema, [q('limit', '', [5]), q('limit', '', [9]), q('offset', '', ['3']), q('offset', '', [7])])
    expect(plan).toMatchObject({ limit: 5, offset: 3 })
  })

  it('pairs order attributes with directions by position, so an empty attribute shifts them', () => {
    const plan = planDocumentQueries(schema, [q('orderDesc', ''), q('orderAsc', 'name')])
    expect(plan.orders).toEqual([{ attribute: 'name', direction: 'DESC' }])
  })

  it('turns datetime values into stored UTC form', () => {
    const plan = planDocumentQueries(schema, [q('greaterThan', 'at', ['2020-01-01 10:00:00+02:00'])])
    expect(plan.filters[0].values).toEqual(['2020-01-01T08:00:00.000+00:00'])
  })

  it('throws general_query_invalid with the validator message', () => {
    let error: unknown
    try {
      planDocumentQueries(schema, [q('equal', 'n', [1.5])])
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(AppwriteException)
    expect(error).toMatchObject({ type: 'general_query_invalid', message: 'Invalid query: Query value is invalid for attribute "n"' })
  })
})

describe('normalizeDatetime', () => {
  it.each([
    ['1975-06-12 14:12:55+02:00', '1975-06-12T12:12:55.000+00:00'],
    ['1975-06-12 14:12:55 America/New_York', '1975-06-12T18:12:55.000+00:00'],
    ['2024-05-01T10:20:30.123Z', '2024-05-01T10:20:30.123+00:00'],
    ['2024-05-01', '2024-05-01T00:00:00.000+00:00'],
    ['2024-05-01T10:20:30.123456+0530', '2024-05-01T04:50:30.123+00:00'],
    ['@0', '1970-01-01T00:00:00.000+00:00'],
  ])('%s → %s', (input, output) => expect(normalizeDatetime(input)).toBe(output))

  it.each(['', 'someday', '2024-13-01', '2024-02-30', '2024-05-01 25:00', '10000-01-01', '2024-05-01 Mars/Olympus', 5, null])('refuses %s', (input) => {
    expect(normalizeDatetime(input)).toBeNull()
  })
})
