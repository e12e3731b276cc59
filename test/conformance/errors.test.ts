import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { errorCatalog, type ErrorType } from '../../src/errors/catalog.js'
import { describeWithShared, sharedPath } from '../harness/shared.js'

/** Types Appwrite throws without a catalogue entry (code 0, rendered as 500 "Server Error"; BEHAVIORS §3). */
const ZERO_CODE_TYPES = ['user_email_not_found', 'user_email_not_verified', 'user_phone_not_verified', 'user_invalid_challenge']

describeWithShared('error catalogue against errors.json', () => {
  const appwriteErrors = JSON.parse(readFileSync(sharedPath('appwrite-1.5/errors.json'), 'utf8')) as { type: string; code: number }[]

  it('errors.json is the 186-entry list BEHAVIORS describes', () => {
    expect(appwriteErrors).toHaveLength(186)
  })

  it.each(appwriteErrors)('$type keeps status $code', ({ type, code }) => {
    expect(errorCatalog[type as ErrorType]?.code).toBe(code)
  })

  it('has no types beyond errors.json except the four zero-code ones, at its end', () => {
    const known = new Set(appwriteErrors.map((e) => e.type))
    const catalogTypes = Object.keys(errorCatalog)
    const extra = catalogTypes.filter((t) => !known.has(t))
    expect(extra).toEqual(ZERO_CODE_TYPES)
    expect(catalogTypes.slice(-ZERO_CODE_TYPES.length)).toEqual(ZERO_CODE_TYPES)
    for (const type of ZERO_CODE_TYPES) expect(errorCatalog[type as ErrorType]).toEqual({ code: 0, message: '' })
  })
})
