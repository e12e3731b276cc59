import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { EmulatorMessage } from '../../src/index.js'
import { databasesConfig } from '../../src/services/databases/testing/fixture.js'
import { useSdkSuite } from '../harness/e2e.js'
import { onPostgresPass } from '../harness/pg-e2e.js'
import { appwriteError, type SdkUser } from '../harness/sdk.js'

/**
 * Documents (issue 5) through the official web SDK `appwrite@14.0.1`, against an emulator started from an
 * appwrite.json with collections of every permission model: several users and a guest act at once, a team
 * grants access to its members, relationships nest, and every response is held against the client spec.
 */

const PASSWORD = 'password123'
const ACCEPT_URL = 'http://localhost:5173/accept'

const configDir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-db-e2e-'))
writeFileSync(join(configDir, 'appwrite.json'), JSON.stringify(databasesConfig))
const suite = useSdkSuite({ emulator: { config: join(configDir, 'appwrite.json') }, expectResponses: true })
let projectId: string
let projectCount = 0

function browser(name: string): SdkUser {
  return suite.browser(name, projectId)
}

function freshProject() {
  projectId = `Docs${++projectCount}E2e`
  return projectId
}

async function signedIn(name: string): Promise<SdkUser> {
  const user = browser(name)
  await user.account.create(name, `${name}@example.test`, PASSWORD, name)
  await user.account.createEmailPasswordSession(`${name}@example.test`, PASSWORD)
  return user
}

const databases = (user: SdkUser) => new user.sdk.Databases(user.client)
const ids = (list: { documents: { $id: string }[] }) => list.documents.map((d) => d.$id)

describe('documents through the web SDK', () => {
  it('alice, bob and a guest write and read at once, each seeing what their permissions allow', async () => {
    freshProject()
    const [alice, bob] = await Promise.all([signedIn('alice'), signedIn('bob')])
    const guest = browser('guest')
    const { Permission, Role } = alice.sdk

    const [a1, b1, g1] = await Promise.all([
      databases(alice).createDocument('main', 'private', 'a1', { note: 'alice only' }),
      databases(bob).createDocument('main', 'private', 'b1', { note: 'bob, shared' }, [Permission.read(Role.users()), Permission.write(Role.user('bob'))]),
      databases(guest).createDocument('main', 'public', 'g1', { title: 'From a guest', count: 3, tags: ['Red'] }),
    ])
    expect(a1).toMatchObject({ $id: 'a1', $collectionId: 'private', $databaseId: 'main', $permissions: ['read("user:alice")', 'update("user:alice")', 'delete("user:alice")'] })
    expect(b1.$permissions).toEqual(['read("users")', 'update("user:bob")', 'delete("user:bob")'])
    expect(g1).toMatchObject({ title: 'From a guest', count: 3, flag: false, kind: 'alpha', $permissions: [] })

    const [aliceSees, bobSees, guestError] = await Promise.all([
      databases(alice).listDocuments('main', 'private'),
      databases(bob).listDocuments('main', 'private'),
      appwriteError(databases(guest).createDocument('main', 'private', 'x', { note: 'no' })),
    ])
    // On PostgreSQL the two creates above run in parallel transactions, so either may take the lower sequence.
    expect(onPostgresPass() ? ids(aliceSees).sort() : ids(aliceSees)).toEqual(['a1', 'b1'])
    expect(ids(bobSees)).toEqual(['b1'])
    expect(guestError).toMatchObject({ code: 401, type: 'user_unauthorized' })

    // An unreadable document is missing; a readable one bob may not change is 401.
    expect(await appwriteError(databases(bob).getDocument('main', 'private', 'a1'))).toMatchObject({ code: 404, type: 'document_not_found' })
    expect(await appwriteError(databases(alice).updateDocument('main', 'private', 'b1', { note: 'mine' }))).toMatchObject({ code: 401, type: 'user_unauthorized' })
    expect(await appwriteError(databases(alice).createDocument('main', 'private', 'x', { note: 'x' }, [Permission.read(Role.user('bob'))]))).toMatchObject({
      code: 401,
      type: 'user_unauthorized',
      message: 'Permissions must be one of: (any, users, user:alice, users/unverified, user:alice/unverified)',
    })

    const updated = await databases(bob).updateDocument('main', 'private', 'b1', { note: 'bob, edited' })
    expect(updated.note).toBe('bob, edited')
    await databases(bob).deleteDocument('main', 'private', 'b1')
    expect(ids(await databases(alice).listDocuments('main', 'private'))).toEqual(['a1'])

    expect(await appwriteError(databases(guest).listDocuments('main', 'closed'))).toMatchObject({ code: 401, type: 'user_unauthorized' })
    expect(await appwriteError(databases(guest).listDocuments('main', 'hidden'))).toMatchObject({ code: 404, type: 'collection_not_found' })
  })

  it('queries from the SDK Query helpers', async () => {
    freshProject()
    const alice = await signedIn('alice')
    const { Query } = alice.sdk
    const db = databases(alice)
    const rows = [
      { title: 'Spider-Man: Far From Home', count: 1, tags: ['hero', 'Web'] },
      { title: 'spiderverse', count: 2, tags: ['web'] },
      { title: 'Home Alone', count: 3 },
      { title: 'Alien', count: 4, score: 9.5 },
    ]
    for (const [i, data] of rows.entries()) await db.createDocument('main', 'public', `m${i}`, { ...data, body: data.title })

    const check = async (queries: string[], expected: string[], total = expected.length) => {
      const list = await db.listDocuments('main', 'public', queries)
      expect(ids(list), queries.join(' ')).toEqual(expected)
      expect(list.total).toBe(total)
    }
    await check([Query.equal('title', 'home alone')], ['m2'])
    await check([Query.search('body', 'spider')], ['m0', 'm1'])
    await check([Query.contains('tags', 'WEB')], ['m0', 'm1'])
    await check([Query.contains('title', 'ome')], ['m0', 'm2'])
    await check([Query.greaterThan('count', 1), Query.lessThanEqual('count', 3)], ['m1', 'm2'])
    await check([Query.between('count', 2, 4), Query.isNull('score')], ['m1', 'm2'])
    await check([Query.startsWith('title', 'AL')], ['m3'])
    await check([Query.or([Query.equal('count', 1), Query.endsWith('title', 'n')])], ['m0', 'm3'])
    await check([Query.orderDesc('title'), Query.limit(2)], ['m1', 'm0'], 4)
    await check([Query.orderAsc('count'), Query.cursorAfter('m1')], ['m2', 'm3'], 4)
    await check([Query.cursorBefore('m2'), Query.limit(1)], ['m1'], 4)
    await check([Query.offset(3)], ['m3'], 4)

    expect(await appwriteError(db.listDocuments('main', 'public', [Query.equal('nope', 'x')]))).toMatchObject({
      code: 400,
      type: 'general_query_invalid',
      message: 'Invalid query: Attribute not found in schema: nope',
    })
    expect(await appwriteError(db.listDocuments('main', 'public', [Query.search('title', 'x')]))).toMatchObject({ code: 400, message: 'Searching by attribute "title" requires a fulltext index.' })
    expect(await appwriteError(db.listDocuments('main', 'public', [Query.cursorAfter('gone')]))).toMatchObject({ code: 400, type: 'general_cursor_not_found' })
  })

  it('a team grants its members what the document names, and nobody else', async () => {
    freshProject()
    const [alice, bob, carol] = await Promise.all([signedIn('alice'), signedIn('bob'), signedIn('carol')])
    const { Permission, Role } = alice.sdk
    const team = await new alice.sdk.Teams(alice.client).create('crew', 'Crew', ['owner', 'editor'])
    await new alice.sdk.Teams(alice.client).createMembership(team.$id, ['editor'], 'bob@example.test', undefined, undefined, ACCEPT_URL)
    const res = await fetch(`${suite.emulator.origin}/_emulator/projects/${projectId}/messages`)
    const invite = ((await res.json()) as { messages: EmulatorMessage[] }).messages.find((m) => m.to === 'bob@example.test' && m.data.membershipId)!
    const link = new URL(invite.data.url!)
    await new bob.sdk.Teams(bob.client).updateMembershipStatus(team.$id, link.searchParams.get('membershipId')!, 'bob', link.searchParams.get('secret')!)

    await databases(alice).createDocument('main', 'private', 'plan', { note: 'crew plan' }, [
      Permission.read(Role.team('crew')),
      Permission.update(Role.team('crew', 'editor')),
      Permission.delete(Role.user('alice')),
    ])
    const [bobReads, carolError] = await Promise.all([
      databases(bob).getDocument('main', 'private', 'plan'),
      appwriteError(databases(carol).getDocument('main', 'private', 'plan')),
    ])
    expect(bobReads.note).toBe('crew plan')
    expect(carolError).toMatchObject({ code: 404, type: 'document_not_found' })
    expect((await databases(bob).updateDocument('main', 'private', 'plan', { note: 'edited by an editor' })).note).toBe('edited by an editor')
    expect(await appwriteError(databases(bob).deleteDocument('main', 'private', 'plan'))).toMatchObject({ code: 401, type: 'user_unauthorized' })
    expect(ids(await databases(carol).listDocuments('main', 'private'))).toEqual([])
    // A member may grant the team's roles it holds.
    const shared = await databases(bob).createDocument('main', 'private', 'bobs', { note: 'for the crew' }, [Permission.read(Role.team('crew'))])
    expect(shared.$permissions).toEqual(['read("team:crew")'])
  })

  it('relationships nest on create and read back through the SDK', async () => {
    freshProject()
    const alice = await signedIn('alice')
    const db = databases(alice)
    const author = await db.createDocument('main', 'authors', 'ann', {
      name: 'Ann',
      books: [{ $id: 'b1', title: 'One', shelves: [{ $id: 's1', label: 'Fiction' }] }, { $id: 'b2', title: 'Two' }],
      profile: { bio: 'Writes' },
    })
    expect(author.books.map((b: { $id: string }) => b.$id)).toEqual(['b1', 'b2'])
    expect(author.books[0].shelves[0]).toMatchObject({ $id: 's1', label: 'Fiction', $collectionId: 'shelves' })
    const book = await db.getDocument('main', 'books', 'b1')
    expect(book.author).toMatchObject({ $id: 'ann', name: 'Ann' })
    await db.updateDocument('main', 'authors', 'ann', { books: ['b2'] })
    expect((await db.getDocument('main', 'books', 'b1')).author).toBeNull()
    await db.deleteDocument('main', 'authors', 'ann')
    expect(ids(await db.listDocuments('main', 'books'))).toEqual(['b1'])
  })

  it('relationship writes are checked as Appwrite checks them: nested updates and links by ID', async () => {
    freshProject()
    const alice = databases(await signedIn('alice'))
    const bob = databases(await signedIn('bob'))
    await alice.createDocument('main', 'profiles', 'p1', { bio: 'old' })
    // profiles has no document security: Appwrite refuses any nested update there, whatever the collection grants.
    await expect(alice.createDocument('main', 'authors', 'ann', { name: 'Ann', profile: { $id: 'p1', bio: 'new' } })).rejects.toMatchObject({ code: 401, type: 'user_unauthorized' })
    expect((await alice.getDocument('main', 'profiles', 'p1')).bio).toBe('old')
    // Linking bob's readable book by ID would change it, and alice may not update it.
    await bob.createDocument('main', 'books', 'bobs', { title: "Bob's" }, ['read("any")'])
    await expect(alice.createDocument('main', 'authors', 'ann', { name: 'Ann', books: ['bobs'] })).rejects.toMatchObject({ code: 401, type: 'user_unauthorized' })
    await expect(alice.getDocument('main', 'authors', 'ann')).rejects.toMatchObject({ code: 404, type: 'document_not_found' })
    // Her own book links, and a nested new one takes the author's permissions.
    await alice.createDocument('main', 'books', 'mine', { title: 'Mine' })
    const ann = await alice.createDocument('main', 'authors', 'ann', { name: 'Ann', books: ['mine', { $id: 'fresh', title: 'Fresh' }] }, ['read("any")', 'update("user:alice")'])
    expect(ann.books.map((b: { $id: string }) => b.$id)).toEqual(['mine', 'fresh'])
    expect((await bob.getDocument('main', 'books', 'fresh')).$permissions).toEqual(['read("any")', 'update("user:alice")'])
  })
})
