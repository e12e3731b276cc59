import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { databasesConfig } from '../../src/services/databases/testing/fixture.js'
import { useSdkSuite } from '../harness/e2e.js'
import type { Appwrite13Sdk, SdkUser } from '../harness/sdk.js'

/**
 * Issue 14 §1: an app on `appwrite@13.0.0` (built for Appwrite 1.4; `X-Appwrite-Response-Format: 1.4.0`, old
 * query strings such as `equal("title", ["active"])`) works against the emulator as against Appwrite 1.5: the
 * V17 request filter converts its queries and answers come in the 1.4 shape. Responses are held against the 1.5
 * client spec minus the keys V17 removes (`responseFormat: '1.4'`).
 */

const PASSWORD = 'password123'
const configDir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-sdk13-e2e-'))
writeFileSync(join(configDir, 'appwrite.json'), JSON.stringify(databasesConfig))
const suite = useSdkSuite({ emulator: { config: join(configDir, 'appwrite.json') }, expectResponses: true, responseFormat: '1.4' })

function browser13(name: string, projectId: string): SdkUser & { sdk13: Appwrite13Sdk } {
  const user = suite.browser(name, projectId, { sdkPackage: 'appwrite-13' })
  return Object.assign(user, { sdk13: user.sdk as unknown as Appwrite13Sdk })
}

describe('appwrite@13 (the 1.4 format)', () => {
  it('signs up and in; sessions come without their 1.5 keys', async () => {
    const alice = browser13('alice', 'Sdk13Auth')
    const account = new alice.sdk13.Account(alice.client as never)
    const created = await account.create('alice', 'alice@example.test', PASSWORD, 'Alice')
    expect(created).toMatchObject({ $id: 'alice', email: 'alice@example.test', name: 'Alice' })
    const session = await account.createEmailSession('alice@example.test', PASSWORD)
    expect(session).toMatchObject({ userId: 'alice', provider: 'email', current: true })
    expect(session).not.toHaveProperty('factors')
    expect(session).not.toHaveProperty('secret')
    const me = await account.get()
    expect(me.$id).toBe('alice')
    // Appwrite 1.5.11 answers account routes with model `account`, which V17 leaves alone.
    expect(me).toHaveProperty('targets')
    const { sessions } = await account.listSessions()
    expect(sessions).toHaveLength(1)
    expect(sessions[0]).not.toHaveProperty('factors')
    expect(alice.warnings.filter((w) => w.includes('Warning'))).toEqual([])
  })

  it('creates documents and lists them with Query.equal, orderDesc, limit and cursors', async () => {
    const projectId = 'Sdk13Docs'
    const bob = browser13('bob', projectId)
    const { Account, Databases, Query, ID } = bob.sdk13
    await new Account(bob.client as never).create('bob', 'bob@example.test', PASSWORD)
    await new Account(bob.client as never).createEmailSession('bob@example.test', PASSWORD)
    const db = new Databases(bob.client as never)
    for (let i = 1; i <= 5; i++) {
      await db.createDocument('main', 'public', `d${i}`, { title: i % 2 ? 'active' : 'archived', count: i * 10 })
    }
    await db.createDocument('main', 'public', ID.unique(), { title: 'active', count: 0 })

    const active = await db.listDocuments('main', 'public', [Query.equal('title', ['active']), Query.orderDesc('count')])
    expect(active.total).toBe(4)
    expect(active.documents.map((d) => d.count)).toEqual([50, 30, 10, 0])

    const page1 = await db.listDocuments('main', 'public', [Query.orderDesc('count'), Query.limit(2)])
    expect(page1.documents.map((d) => d.$id)).toEqual(['d5', 'd4'])
    const page2 = await db.listDocuments('main', 'public', [Query.orderDesc('count'), Query.limit(2), Query.cursorAfter('d4')])
    expect(page2.documents.map((d) => d.$id)).toEqual(['d3', 'd2'])
    const back = await db.listDocuments('main', 'public', [Query.orderDesc('count'), Query.limit(1), Query.cursorBefore('d3')])
    expect(back.documents.map((d) => d.$id)).toEqual(['d4'])

    const some = await db.listDocuments('main', 'public', [Query.greaterThan('count', 15), Query.lessThanEqual('count', 40), Query.orderAsc('count'), Query.offset(1)])
    expect(some.documents.map((d) => d.$id)).toEqual(['d3', 'd4'])
    const picked = await db.getDocument('main', 'public', 'd1', [Query.select(['$id', '$createdAt', '$updatedAt', '$permissions', 'title'])])
    expect(picked.title).toBe('active')
    expect(picked).not.toHaveProperty('count')
  })
})
