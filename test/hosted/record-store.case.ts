// The record store contract every Store backend runs (SQLite and PostgreSQL, from record-store.test.ts).
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { UniqueViolation, type Store, type UserRecord } from '../../src/store/types.js'

const user = (id: string, email: string | null, extra: Partial<UserRecord> = {}): UserRecord => ({
  id, createdAt: '2024-01-01T00:00:00.000+00:00', updatedAt: '2024-01-01T00:00:00.000+00:00', name: id, email, phone: null,
  passwordHash: null, passwordUpdate: null, passwordHistory: [], registration: '2024-01-01T00:00:00.000+00:00', status: true,
  labels: [], emailVerification: false, phoneVerification: false, mfa: false, prefs: { nested: { a: [1, 2] } },
  accessedAt: '2024-01-01T00:00:00.000+00:00', ...extra,
})

const tick = () => new Promise<void>((resolve) => setTimeout(resolve, 5))

/** Runs the record-store contract against `open()`; every test gets an empty store. */
export function recordStoreContract(name: string, open: () => Promise<{ store: Store; close(): Promise<void> }>): void {
  describe(`Store contract: ${name}`, () => {
    let opened: { store: Store; close(): Promise<void> }
    let store: Store
    beforeEach(async () => {
      opened = await open()
      store = opened.store
    })
    afterEach(async () => opened.close())

    it('inserts, gets, updates and deletes a record as JSON', async () => {
      await store.transaction(() => store.users.insert('p1', user('u1', 'a@x.test')))
      expect(await store.users.get('p1', 'u1')).toEqual(user('u1', 'a@x.test'))
      expect(await store.users.get('p2', 'u1')).toBeNull()
      expect(await store.transaction(() => store.users.update('p1', user('u1', 'b@x.test', { name: 'B' })))).toBe(true)
      expect(await store.transaction(() => store.users.update('p1', user('nobody', null)))).toBe(false)
      expect((await store.users.findOne('p1', { email: 'b@x.test' }))?.name).toBe('B')
      expect(await store.transaction(() => store.users.delete('p1', 'u1'))).toBe(true)
      expect(await store.transaction(() => store.users.delete('p1', 'u1'))).toBe(false)
      expect(await store.users.get('p1', 'u1')).toBeNull()
    })

    it('lists in insertion order, newest first, with limit and offset, and counts', async () => {
      await store.transaction(async () => {
        for (const id of ['c', 'a', 'b']) await store.sessions.insert('p1', { id, userId: id === 'b' ? 'other' : 'me', secretHash: id } as never)
      })
      const ids = async (...args: Parameters<Store['sessions']['list']>) => (await store.sessions.list(...args)).map((s) => s.id)
      expect(await ids('p1')).toEqual(['c', 'a', 'b'])
      expect(await ids('p1', {}, { newestFirst: true })).toEqual(['b', 'a', 'c'])
      expect(await ids('p1', {}, { limit: 1, offset: 1 })).toEqual(['a'])
      expect(await ids('p1', { user_id: 'me' })).toEqual(['c', 'a'])
      expect(await store.sessions.count('p1', { user_id: 'me' })).toBe(2)
      expect(await store.sessions.count('p2')).toBe(0)
      expect(await store.transaction(() => store.sessions.deleteWhere('p1', { user_id: 'me' }))).toBe(2)
      expect(await ids('p1')).toEqual(['b'])
    })

    it('filters on NULL and refuses unknown columns', async () => {
      await store.transaction(async () => {
        await store.users.insert('p1', user('u1', null))
        await store.users.insert('p1', user('u2', 'e@x.test'))
      })
      expect((await store.users.list('p1', { email: null })).map((u) => u.id)).toEqual(['u1'])
      await expect(store.users.list('p1', { name: 'x' })).rejects.toThrow(/not a filterable column/)
    })

    it('throws UniqueViolation naming the column, and the transaction goes on', async () => {
      await store.transaction(() => store.users.insert('p1', user('u1', 'same@x.test')))
      await expect(store.transaction(() => store.users.insert('p1', user('u1', 'other@x.test')))).rejects.toEqual(new UniqueViolation('id'))
      await store.transaction(async () => {
        await expect(store.users.insert('p1', user('u2', 'same@x.test'))).rejects.toMatchObject({ column: 'email' })
        // The failed statement took nothing else with it: the transaction still writes and commits.
        await store.users.insert('p1', user('u3', 'third@x.test'))
        await expect(store.users.update('p1', user('u3', 'same@x.test'))).rejects.toBeInstanceOf(UniqueViolation)
      })
      expect((await store.users.get('p1', 'u3'))?.email).toBe('third@x.test')
      // Unique within a project only; NULLs never collide.
      await store.transaction(async () => {
        await store.users.insert('p2', user('u1', 'same@x.test'))
        await store.users.insert('p1', user('n1', null))
        await store.users.insert('p1', user('n2', null))
      })
      await expect(store.transaction(() => store.identities.insert('p1', { id: 'i2', userId: 'u', provider: 'github', providerUid: '1', providerEmail: '' } as never).then(() => store.identities.insert('p1', { id: 'i3', userId: 'u', provider: 'github', providerUid: '1', providerEmail: '' } as never)))).rejects.toMatchObject({ column: 'provider_uid' })
    })

    it('refuses writes outside a transaction', async () => {
      await expect(store.users.insert('p1', user('u1', null))).rejects.toThrow(/outside a transaction/)
      await expect(store.setMeta('k', 'v')).rejects.toThrow(/outside a transaction/)
      expect(await store.users.get('p1', 'u1')).toBeNull()
    })

    it('refuses a write from work left running after its transaction ended', async () => {
      let late: Promise<void> | null = null
      await store.transaction(async () => {
        late = tick().then(() => store.users.insert('p1', user('late', null)))
        late.catch(() => {})
      })
      await expect(late).rejects.toThrow(/outside a transaction/)
      expect(store.isInTransaction()).toBe(false)
    })

    it('rolls back every write of a failed transaction; nested calls join the outer one', async () => {
      await expect(
        store.transaction(async () => {
          await store.users.insert('p1', user('u1', null))
          await store.transaction(() => store.teams.insert('p1', { id: 't1' } as never))
          expect(store.isInTransaction()).toBe(true)
          throw new Error('boom')
        }),
      ).rejects.toThrow('boom')
      expect(await store.users.get('p1', 'u1')).toBeNull()
      expect(await store.teams.get('p1', 't1')).toBeNull()
    })

    it('keeps uncommitted writes from other requests', async () => {
      let release!: () => void
      const held = new Promise<void>((resolve) => (release = resolve))
      let inside!: () => void
      const entered = new Promise<void>((resolve) => (inside = resolve))
      const tx = store.transaction(async () => {
        await store.users.insert('p1', user('ghost', null))
        inside()
        await held
        throw new Error('rolled back')
      })
      await entered
      const seen = store.users.get('p1', 'ghost')
      release()
      await expect(tx).rejects.toThrow('rolled back')
      expect(await seen).toBeNull()
      expect(await store.users.get('p1', 'ghost')).toBeNull()
    })

    it('lets one project’s transactions take turns (no lost update)', async () => {
      await store.transaction(() => store.teams.insert('p1', { id: 't', total: 0 } as never))
      const bump = () =>
        store.transaction(async () => {
          const team = (await store.teams.get('p1', 't')) as unknown as { id: string; total: number }
          await tick()
          await store.teams.update('p1', { ...team, total: team.total + 1 } as never)
        })
      await Promise.all(Array.from({ length: 5 }, bump))
      expect(((await store.teams.get('p1', 't')) as unknown as { total: number }).total).toBe(5)
    })

    it('keeps meta values, lists projects and wipes one project', async () => {
      await store.transaction(async () => {
        await store.setMeta('k', 'v1')
        await store.setMeta('k', 'v2')
        await store.projects.insert('p1', { id: 'p1', createdAt: 'x' })
        await store.projects.insert('p2', { id: 'p2', createdAt: 'x' })
        await store.users.insert('p1', user('u1', null))
        await store.users.insert('p2', user('u1', null))
      })
      expect(await store.getMeta('k')).toBe('v2')
      expect(await store.getMeta('none')).toBeNull()
      expect((await store.projectIds()).sort()).toEqual(['p1', 'p2'])
      await store.wipeProject('p1')
      expect(await store.users.get('p1', 'u1')).toBeNull()
      expect(await store.users.get('p2', 'u1')).not.toBeNull()
      expect(await store.projectIds()).toEqual(['p2'])
    })
  })
}
