import { describe, expect, it } from 'vitest'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError } from '../harness/sdk.js'

/**
 * Issue 3's sign-in flows through the official web SDK: every code and link is read from the control API,
 * the way a test suite would, and every JSON body is held against the client spec.
 */

const suite = useSdkSuite()
let projectId = ''
let n = 0

const browser = (name: string) => suite.browser(name, projectId)
const fresh = () => (projectId = `flows-${++n}`)

/** The newest message to `to`, read through the control API as a test suite would. */
async function inbox(to: string) {
  const res = await fetch(`${suite.emulator.origin}/_emulator/projects/${projectId}/messages`)
  const { messages } = (await res.json()) as { messages: { to: string; subject: string; text: string; data: Record<string, string> }[] }
  const mine = messages.filter((m) => m.to === to)
  expect(mine.length, `a message to ${to}`).toBeGreaterThan(0)
  return mine[mine.length - 1]
}

describe('account sign-in flows through the web SDK', () => {
  it('verifies an email from the mailed link while another user signs in', async () => {
    fresh()
    const alice = browser('alice')
    const bob = browser('bob')
    await Promise.all([
      alice.account.create('alice', 'alice@example.test', 'password123', 'Alice'),
      bob.account.create('bob', 'bob@example.test', 'password123', 'Bob'),
    ])
    await Promise.all([alice.account.createEmailPasswordSession('alice@example.test', 'password123'), bob.account.createEmailPasswordSession('bob@example.test', 'password123')])
    const token = await alice.account.createVerification('http://localhost:3000/verify')
    expect(token.secret).toBe('')
    const mail = await inbox('alice@example.test')
    const link = new URL(mail.data.url)
    expect(link.searchParams.get('userId')).toBe('alice')
    // The link opens in another browser with no session: verification needs only the secret.
    const guest = browser('guest')
    await guest.account.updateVerification(link.searchParams.get('userId')!, link.searchParams.get('secret')!)
    expect((await alice.account.get()).emailVerification).toBe(true)
    expect((await bob.account.get()).emailVerification).toBe(false)
    const reused = await appwriteError(guest.account.updateVerification('alice', link.searchParams.get('secret')!))
    expect([reused.code, reused.type]).toEqual([401, 'user_invalid_token'])
  })

  it('recovers a password from the mailed link', async () => {
    fresh()
    const carol = browser('carol')
    await carol.account.create('carol', 'carol@example.test', 'password123')
    await carol.account.createRecovery('carol@example.test', 'http://localhost:3000/reset')
    const { data } = await inbox('carol@example.test')
    await carol.account.updateRecovery(data.userId, data.secret, 'a-new-password')
    const wrong = await appwriteError(carol.account.createEmailPasswordSession('carol@example.test', 'password123'))
    expect(wrong.type).toBe('user_invalid_credentials')
    const session = await carol.account.createEmailPasswordSession('carol@example.test', 'a-new-password')
    expect(session.provider).toBe('email')
    const unknown = await appwriteError(browser('x').account.createRecovery('nobody@example.test', 'http://localhost:3000/reset'))
    expect([unknown.code, unknown.type]).toEqual([404, 'user_not_found'])
  })

  it('signs in with an email code, creating the user on the first token', async () => {
    fresh()
    const dave = browser('dave')
    const token = await dave.account.createEmailToken(dave.sdk.ID.unique(), 'dave@example.test', true)
    expect(token.phrase).toMatch(/\w+ \w+/)
    const { data, subject } = await inbox('dave@example.test')
    expect(subject).toBe(`OTP for ${projectId} Login`)
    expect(data.phrase).toBe(token.phrase)
    const session = await dave.account.createSession(token.userId, data.secret)
    expect(session.factors).toEqual(['email'])
    const me = await dave.account.get()
    expect(me).toMatchObject({ $id: token.userId, email: 'dave@example.test', emailVerification: true })
    await dave.account.deleteSession('current')
    const again = await appwriteError(dave.account.createSession(token.userId, data.secret))
    expect(again.type).toBe('user_invalid_token')
  })

  it('signs in through a magic URL', async () => {
    fresh()
    const erin = browser('erin')
    await erin.account.createMagicURLToken(erin.sdk.ID.unique(), 'erin@example.test', 'http://localhost:3000/magic')
    const { data } = await inbox('erin@example.test')
    const url = new URL(data.url)
    expect(url.searchParams.get('project')).toBe(projectId)
    const session = await erin.account.updateMagicURLSession(url.searchParams.get('userId')!, url.searchParams.get('secret')!)
    expect(session.provider).toBe('magic-url')
    expect((await erin.account.get()).emailVerification).toBe(true)
  })

  it('signs in with a phone code and registers a push target', async () => {
    fresh()
    const frank = browser('frank')
    const token = await frank.account.createPhoneToken('frank', '+15555550142')
    const { data } = await inbox('+15555550142')
    expect(data.secret).toMatch(/^\d{6}$/)
    const session = await frank.account.updatePhoneSession(token.userId, data.secret)
    expect(session.factors).toEqual(['phone'])
    const target = await frank.account.createPushTarget('device-1', 'push-token-1')
    expect(target).toMatchObject({ providerType: 'push', identifier: 'push-token-1', userId: 'frank' })
    const updated = await frank.account.updatePushTarget('device-1', 'push-token-2')
    expect(updated.identifier).toBe('push-token-2')
    await frank.account.deletePushTarget('device-1')
    const me = await frank.account.get()
    expect(me.targets.map((t) => t.providerType)).toEqual(['sms'])
    expect(me.phoneVerification).toBe(true)
  })
})
