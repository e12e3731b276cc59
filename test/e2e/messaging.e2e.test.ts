import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { messagingConfig } from '../../src/services/messaging/testing/fixture.js'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError, type SdkUser } from '../harness/sdk.js'

/**
 * Messaging subscribers through the official web SDK `appwrite@14.0.1`, against an emulator started from an
 * appwrite.json with topics: users subscribe their email and push targets, the topics' counters are read back
 * from the control API, and every response the SDK gets is held against the client spec.
 */

const PASSWORD = 'password123'

const configDir = mkdtempSync(join(tmpdir(), 'appwrite-emulator-messaging-e2e-'))
writeFileSync(join(configDir, 'appwrite.json'), JSON.stringify(messagingConfig))
const suite = useSdkSuite({ emulator: { config: join(configDir, 'appwrite.json') }, expectResponses: true })
let projectId: string
let projectCount = 0

function freshProject() {
  projectId = `Messaging${++projectCount}E2e`
  return projectId
}

async function signedIn(name: string): Promise<SdkUser> {
  const user = suite.browser(name, projectId)
  await user.account.create(name, `${name}@example.test`, PASSWORD, name[0]!.toUpperCase() + name.slice(1))
  await user.account.createEmailPasswordSession(`${name}@example.test`, PASSWORD)
  return user
}

interface ControlTopic {
  $id: string
  emailTotal: number
  smsTotal: number
  pushTotal: number
  subscribers: { $id: string; targetId: string; userId: string; providerType: string }[]
}

/** The project's topics through the control API, `GET /_emulator/projects/{id}/topics`. */
async function topics(): Promise<Record<string, ControlTopic>> {
  const res = await fetch(`${suite.emulator.origin}/_emulator/projects/${projectId}/topics`)
  expect(res.status).toBe(200)
  const body = (await res.json()) as { total: number; topics: ControlTopic[] }
  expect(body.total).toBe(body.topics.length)
  return Object.fromEntries(body.topics.map((t) => [t.$id, t]))
}

const counts = (t: ControlTopic) => [t.emailTotal, t.smsTotal, t.pushTotal]

describe('messaging subscribers through the web SDK', () => {
  it('users subscribe their email and push targets, and the counters follow', async () => {
    freshProject()
    const [alice, bob] = await Promise.all([signedIn('alice'), signedIn('bob')])
    const aliceMessaging = new alice.sdk.Messaging(alice.client)
    const bobMessaging = new bob.sdk.Messaging(bob.client)
    const { ID } = alice.sdk

    const emailTarget = (await alice.account.get()).targets.find((t) => t.providerType === 'email')!
    expect(emailTarget).toMatchObject({ userId: 'alice', identifier: 'alice@example.test' })
    const pushTarget = await alice.account.createPushTarget(ID.unique(), 'fcm-device-token')
    expect(pushTarget).toMatchObject({ providerType: 'push', identifier: 'fcm-device-token' })

    const [byEmail, byPush] = await Promise.all([
      aliceMessaging.createSubscriber('news', ID.unique(), emailTarget.$id),
      aliceMessaging.createSubscriber('news', ID.unique(), pushTarget.$id),
    ])
    expect(byEmail).toMatchObject({ topicId: 'news', targetId: emailTarget.$id, userId: 'alice', userName: 'Alice', providerType: 'email', target: { $id: emailTarget.$id, identifier: 'alice@example.test' } })
    expect(byPush).toMatchObject({ topicId: 'news', targetId: pushTarget.$id, providerType: 'push', target: { $id: pushTarget.$id, providerType: 'push' } })
    expect(byEmail.$id).toMatch(/^[0-9a-f]{20}$/)

    const bobEmail = (await bob.account.get()).targets[0]!
    await bobMessaging.createSubscriber('news', 'bob-news', bobEmail.$id)
    let now = await topics()
    expect(counts(now.news!)).toEqual([2, 0, 1])
    expect(now.news!.subscribers.map((s) => s.$id).sort()).toEqual([byEmail.$id, byPush.$id, 'bob-news'].sort())
    expect(counts(now['alice-only']!)).toEqual([0, 0, 0])

    // Alice unsubscribes her phone; bob's subscriber is not hers to remove.
    await aliceMessaging.deleteSubscriber('news', byPush.$id)
    const notHers = await appwriteError(aliceMessaging.deleteSubscriber('news', 'bob-news'))
    expect([notHers.code, notHers.type]).toEqual([404, 'subscriber_not_found'])
    now = await topics()
    expect(counts(now.news!)).toEqual([2, 0, 0])

    // A push target deleted from the account leaves its topics.
    await aliceMessaging.createSubscriber('alice-only', ID.unique(), pushTarget.$id)
    expect(counts((await topics())['alice-only']!)).toEqual([0, 0, 1])
    await alice.account.deletePushTarget(pushTarget.$id)
    expect(counts((await topics())['alice-only']!)).toEqual([0, 0, 0])
  })

  it('answers Appwrite errors for guests, unknown topics and targets, roles and duplicates', async () => {
    freshProject()
    const alice = await signedIn('alice')
    const guest = suite.browser('guest', projectId)
    const messaging = new alice.sdk.Messaging(alice.client)
    const target = (await alice.account.get()).targets[0]!.$id
    const { ID } = alice.sdk

    const [asGuest, noTopic, noTarget, notAllowed, closed] = await Promise.all([
      appwriteError(new guest.sdk.Messaging(guest.client).createSubscriber('news', ID.unique(), target)),
      appwriteError(messaging.createSubscriber('nope', ID.unique(), target)),
      appwriteError(messaging.createSubscriber('news', ID.unique(), 'nope')),
      appwriteError(messaging.createSubscriber('crew-news', ID.unique(), target)),
      appwriteError(messaging.createSubscriber('closed', ID.unique(), target)),
    ])
    expect([asGuest.code, asGuest.type, asGuest.message]).toEqual([401, 'general_unauthorized_scope', 'User (role: guests) missing scope (subscribers.write)'])
    expect([noTopic.code, noTopic.type]).toEqual([404, 'topic_not_found'])
    expect([noTarget.code, noTarget.type]).toEqual([404, 'user_target_not_found'])
    expect([notAllowed.code, notAllowed.type]).toEqual([401, 'user_unauthorized'])
    expect(notAllowed.message).toMatch(/^Missing "subscribe" permission for role "team:crew"/)
    expect([closed.code, closed.type]).toEqual([401, 'user_unauthorized'])

    // Joining the team opens the team's topic.
    await new alice.sdk.Teams(alice.client).create('crew', 'Crew')
    const crew = await messaging.createSubscriber('crew-news', 'crew-sub', target)
    expect(crew).toMatchObject({ $id: 'crew-sub', topicId: 'crew-news' })

    const [again, sameId] = await Promise.all([
      appwriteError(messaging.createSubscriber('crew-news', ID.unique(), target)),
      appwriteError(messaging.createSubscriber('news', 'crew-sub', target)),
    ])
    expect([again.code, again.type]).toEqual([409, 'subscriber_already_exists'])
    expect([sameId.code, sameId.type]).toEqual([409, 'subscriber_already_exists'])

    const [wrongTopic, unknown, guestDelete] = await Promise.all([
      appwriteError(messaging.deleteSubscriber('news', 'crew-sub')),
      appwriteError(messaging.deleteSubscriber('nope', 'crew-sub')),
      appwriteError(new guest.sdk.Messaging(guest.client).deleteSubscriber('crew-news', 'crew-sub')),
    ])
    expect([wrongTopic.code, wrongTopic.type]).toEqual([404, 'subscriber_not_found'])
    expect([unknown.code, unknown.type]).toEqual([404, 'topic_not_found'])
    expect([guestDelete.code, guestDelete.type]).toEqual([401, 'general_unauthorized_scope'])

    expect(counts((await topics())['crew-news']!)).toEqual([1, 0, 0])
    await messaging.deleteSubscriber('crew-news', 'crew-sub')
    expect(counts((await topics())['crew-news']!)).toEqual([0, 0, 0])
  })
})
