import { describe, expect, it } from 'vitest'
import { isValidKey, uniqueId } from './ids.js'
import { formatDate } from './dates.js'
import { generateEvents } from '../events/bus.js'
import { parsePermission } from './permissions.js'

describe('ids', () => {
  it('unique() is 20 lowercase hex chars whose first 13 encode the time, in creation order', () => {
    const ids = Array.from({ length: 1000 }, uniqueId)
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{20}$/)
    expect([...ids].sort((a, b) => a.slice(0, 13).localeCompare(b.slice(0, 13)))).toEqual(ids)
    expect(new Set(ids).size).toBe(1000)
    expect(Math.abs(parseInt(ids[0].slice(0, 8), 16) - Date.now() / 1000)).toBeLessThan(5)
  })
  it.each([
    ['a', true], ['A-b_c.9', true], ['a'.repeat(36), true], ['a'.repeat(37), false], ['_a', false], ['.a', false],
    ['-a', false], ['$id', false], ['a b', false], ['', false], ['é', false],
  ])('key %j valid: %s', (key, valid) => expect(isValidKey(key)).toBe(valid))
})

describe('dates', () => {
  it('formats with milliseconds and +00:00', () => {
    expect(formatDate(Date.UTC(2024, 4, 1, 10, 20, 30, 5))).toBe('2024-05-01T10:20:30.005+00:00')
  })
})

describe('event names', () => {
  it('lists a user update as Appwrite does', () => {
    expect(generateEvents('users.[userId].update.name', { userId: 'u1' })).toEqual([
      'users.u1.update.name', 'users.u1.update', 'users.u1', 'users.*.update.name', 'users.*.update', 'users.*',
    ])
  })
  it('lists nested resources with every wildcard combination and the parents', () => {
    const events = generateEvents('users.[userId].sessions.[sessionId].create', { userId: 'u', sessionId: 's' })
    expect(events[0]).toBe('users.u.sessions.s.create')
    expect(events).toEqual(expect.arrayContaining(['users.u.sessions.s', 'users.u.sessions.*.create', 'users.*.sessions.s.create', 'users.*.sessions.*', 'users.u', 'users.*']))
  })
})

describe('permissions', () => {
  it.each([
    ['read("any")', null],
    ['update("user:abc/verified")', null],
    ['delete("team:t1/owner")', null],
    ['read("label:vip")', null],
    ['read("*")', 'Wildcard permission "*" has been replaced. Use "any" instead.'],
    ['read("role:all")', 'Permissions using the "role:" prefix have been replaced. Use "users", "guests", or "any" instead.'],
    ['fly("any")', 'Permission "fly" is not allowed. Must be one of: create, read, update, delete, write.'],
    ['read("everyone")', 'Role "everyone" is not allowed. Must be one of: any, guests, users, user, team, member, label.'],
    ['read("any:x")', 'Role "any" can not have an ID value.'],
    ['read("user")', 'Role "user" must have an ID value.'],
    ['read("user:a/b/c")', 'Only one dimension can be provided'],
    ['read(any)', 'Invalid permission string format: "read(any)".'],
  ])('%s', (permission, error) => {
    const parsed = parsePermission(permission)
    expect('error' in parsed ? parsed.error : null).toBe(error)
  })
})

import { isAllowed, normalizeClientPermissions, rolesFor } from './permissions.js'
import { permissionsValidator } from './params.js'

describe('permission checks', () => {
  const perms = ['read("any")', 'write("user:alice")', 'delete("team:t1/owner")']
  it('reads roles per action, with write as update and delete', () => {
    expect(rolesFor(perms, 'read')).toEqual(['any'])
    expect(rolesFor(perms, 'update')).toEqual(['user:alice'])
    expect(rolesFor(perms, 'delete')).toEqual(['user:alice', 'team:t1/owner'])
    expect(isAllowed(['any', 'guests'], perms, 'update')).toBe(false)
    expect(isAllowed(['any', 'team:t1/owner'], perms, 'delete')).toBe(true)
  })
  it('lets clients grant only roles they hold, expanding write', () => {
    expect(normalizeClientPermissions(['write("user:alice")', 'read("any")'], ['any', 'users', 'user:alice'])).toEqual({
      permissions: ['update("user:alice")', 'delete("user:alice")', 'read("any")'],
    })
    expect(normalizeClientPermissions(['read("user:bob")'], ['any', 'guests'])).toEqual({ error: 'Permissions must be one of: (any, guests)' })
  })
  it('validates permission params with the first problem as message', () => {
    const v = permissionsValidator(['read', 'update', 'delete', 'write'])
    expect(v.parse(['create("any")'])).toEqual({ ok: false, description: 'Permission "create" is not allowed. Must be one of: read, update, delete, write.' })
    expect(v.parse(Array(101).fill('read("any")')).ok).toBe(false)
    expect(v.parse(['read("any")'])).toEqual({ ok: true, value: ['read("any")'] })
  })
})
