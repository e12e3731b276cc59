import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { routeTable } from '../../src/services/routes.js'
import { createTestApp, USERS, type TestApp } from '../harness/app.js'

/**
 * Every route, fed hostile values for each of its params, as a guest and as a signed-in user: the answer is
 * always Appwrite's JSON error or a success, never a 500 (except the types Appwrite itself answers with 500).
 */
const HOSTILE: unknown[] = [null, 42, -1, 1e308, true, '', ' ', '../../etc/passwd', 'x'.repeat(5000), '\u0000', '😀'.repeat(300), [], ['a'], [{}], {}, { $id: 'x' }, '{"method":"equal"}', '[1,2]']
// Types Appwrite answers with 500 on purpose (catalogue entries with code 0, BEHAVIORS §3).
const APPWRITE_500_TYPES = new Set(['user_email_not_verified', 'user_phone_not_verified', 'user_email_not_found', 'user_invalid_challenge'])

const fill = (path: string) => path.replace(/:(\w+)/g, (_, name: string) => (name === 'sessionId' ? 'current' : `x${name}`))

let app: TestApp
let users = 0
beforeAll(async () => {
  app = await createTestApp()
})
afterAll(async () => {
  await app.close()
})

describe('bad input never gives a 500', () => {
  for (const route of routeTable) {
    const names = Object.keys(route.params).filter((n) => !route.path.includes(`:${n}`))
    it(`${route.method} ${route.path}`, async () => {
      // A user of its own per route, so that routes which sign out or block their caller do not spoil the rest.
      const n = ++users
      const cookie = await app.signIn({ ...USERS.alice, id: `user${n}`, email: `user${n}@example.test` })
      const problems: string[] = []
      for (const as of ['guest', 'alice'] as const) {
        for (const value of HOSTILE) {
          const params = Object.fromEntries(names.map((n) => [n, value]))
          const url = fill(route.path)
          const request =
            route.method === 'GET'
              ? { method: route.method, url: `${url}?${names.map((n) => `${n}=${encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))}`).join('&')}` }
              : { method: route.method, url, body: params }
          const res = await app.request({ ...request, cookie: as === 'alice' ? cookie : '' })
          if (res.status >= 500 && !APPWRITE_500_TYPES.has(res.body?.type)) problems.push(`${as} ${JSON.stringify(value).slice(0, 40)} → ${res.status} ${res.text.slice(0, 200)}`)
          if (res.status >= 400 && String(res.headers['content-type']).includes('json')) {
            expect(res.body, `${as} ${JSON.stringify(value).slice(0, 40)}`).toMatchObject({ version: '1.5.11' })
          }
        }
      }
      expect(problems).toEqual([])
    })
  }
})
