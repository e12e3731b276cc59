import { describe, expect, it } from 'vitest'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError, type SdkUser, type SdkUserOptions } from '../harness/sdk.js'

/**
 * The account slice of issue 2 through the official web SDK `appwrite@14.0.1`, unchanged, against a running
 * emulator: several simulated browsers act at once, and every response they get is held against the client spec.
 */

const PASSWORD = 'password123'
const CUSTOM_ID_RULE =
  "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char"
const NEW_PASSWORD_RULE = 'Password must be between 8 and 265 characters long, and should not be one of the commonly used password.'

// dave's page at app.example.test is a registered web platform (--platform app.example.test).
const suite = useSdkSuite({ expectResponses: true, emulator: { platforms: ['app.example.test'] } })
let projectId: string
let projectCount = 0

/** A simulated browser in this test's project. */
function browser(name: string, options: SdkUserOptions = {}): SdkUser {
  return suite.browser(name, projectId, options)
}

/** Mixed case on purpose: the cookie name is lower-cased, the fallback key is not (BEHAVIORS §2). */
function freshProject() {
  projectId = `Acct${++projectCount}E2e`
  return projectId
}

async function signUp(user: SdkUser, email: string, name?: string, password = PASSWORD) {
  return user.account.create(user.sdk.ID.unique(), email, password, name)
}

describe('account through the web SDK', () => {
  it('alice, bob and a guest sign up and sign in at the same time, each seeing only themselves', async () => {
    freshProject()
    const alice = browser('alice')
    const bob = browser('bob')
    const guest = browser('guest')

    const [aliceAccount, bobAccount] = await Promise.all([signUp(alice, 'Alice@Example.test', 'Alice'), signUp(bob, 'bob@example.test', 'Bob')])
    expect(aliceAccount).toMatchObject({ email: 'alice@example.test', name: 'Alice', status: true, emailVerification: false, phone: '', prefs: {} })
    expect(aliceAccount.targets).toEqual([expect.objectContaining({ providerType: 'email', identifier: 'alice@example.test', userId: aliceAccount.$id })])
    for (const secret of ['password', 'hash', 'hashOptions']) expect(aliceAccount).not.toHaveProperty(secret)
    expect(alice.cookies.names(), 'creating an account starts no session').toEqual([])

    const [aliceSession, bobSession, guestError] = await Promise.all([
      alice.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      bob.account.createEmailPasswordSession('bob@example.test', PASSWORD),
      appwriteError(guest.account.get()),
    ])
    expect(aliceSession).toMatchObject({
      userId: aliceAccount.$id, provider: 'email', providerUid: 'alice@example.test', factors: ['password'], current: true, secret: '',
      // Chrome 70 on Windows 10, the harness's User-Agent, parsed as in AccountCustomClientTest.
      osCode: 'WIN', osName: 'Windows', osVersion: '10', clientType: 'browser', clientCode: 'CH', clientName: 'Chrome', clientVersion: '70.0',
      clientEngine: 'Blink', deviceName: 'desktop', deviceBrand: '', deviceModel: '', countryCode: '--', countryName: 'Unknown',
    })
    expect(bobSession.userId).toBe(bobAccount.$id)
    expect(guestError).toMatchObject({ code: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (account)' })

    expect(alice.cookies.names().sort()).toEqual([`a_session_${projectId.toLowerCase()}`, `a_session_${projectId.toLowerCase()}_legacy`])
    const aliceCookie = decodeURIComponent(alice.cookies.get(`a_session_${projectId.toLowerCase()}`)!)
    expect(JSON.parse(Buffer.from(aliceCookie, 'base64').toString())).toEqual({ id: aliceAccount.$id, secret: expect.stringMatching(/^[0-9a-f]{256}$/) })
    expect(JSON.parse(alice.fallback!)).toEqual({ [`a_session_${projectId}`]: aliceCookie })
    expect(bob.fallback).not.toBe(alice.fallback)
    expect(guest.fallback).toBeNull()

    const [aliceNow, bobNow] = await Promise.all([alice.account.get(), bob.account.get()])
    expect(aliceNow).toMatchObject({ $id: aliceAccount.$id, email: 'alice@example.test' })
    expect(bobNow).toMatchObject({ $id: bobAccount.$id, email: 'bob@example.test' })
    await expect(guest.account.get()).rejects.toMatchObject({ code: 401 })
  })

  it('updates name, password, email, phone and prefs while another user does the same', async () => {
    freshProject()
    const alice = browser('alice')
    const bob = browser('bob')
    await Promise.all([signUp(alice, 'alice@example.test', 'Alice'), signUp(bob, 'bob@example.test', 'Bob')])
    await Promise.all([
      alice.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      bob.account.createEmailPasswordSession('bob@example.test', PASSWORD),
    ])

    const [aliceNamed, bobNamed] = await Promise.all([alice.account.updateName('Alice Liddell'), bob.account.updateName('Robert')])
    expect(aliceNamed.name).toBe('Alice Liddell')
    expect(bobNamed.name).toBe('Robert')

    expect(await appwriteError(alice.account.updatePassword('newpassword1', 'not-the-password'))).toMatchObject({ code: 401, type: 'user_invalid_credentials' })
    const passwordChanged = await alice.account.updatePassword('newpassword1', PASSWORD)
    expect(Date.parse(passwordChanged.passwordUpdate)).toBeGreaterThanOrEqual(Date.parse(aliceNamed.passwordUpdate))
    const phone = browser('alice-phone')
    expect(await appwriteError(phone.account.createEmailPasswordSession('alice@example.test', PASSWORD))).toMatchObject({ code: 401, type: 'user_invalid_credentials' })
    await phone.account.createEmailPasswordSession('alice@example.test', 'newpassword1')

    expect(await appwriteError(alice.account.updateEmail('alice@wonderland.test', PASSWORD))).toMatchObject({ code: 401, type: 'user_invalid_credentials' })
    const moved = await alice.account.updateEmail('Alice@Wonderland.test', 'newpassword1')
    expect(moved).toMatchObject({ email: 'alice@wonderland.test', emailVerification: false })
    // Another account's email is already a messaging target (BEHAVIORS §10).
    expect(await appwriteError(bob.account.updateEmail('alice@wonderland.test', PASSWORD))).toMatchObject({ code: 409, type: 'user_target_already_exists' })

    const [withPhone, bobPhone] = await Promise.all([alice.account.updatePhone('+15555550100', 'newpassword1'), bob.account.updatePhone('+15555550101', PASSWORD)])
    expect(withPhone).toMatchObject({ phone: '+15555550100', phoneVerification: false })
    expect(bobPhone.phone).toBe('+15555550101')
    const badPhone = await appwriteError(alice.account.updatePhone('5555550100', 'newpassword1'))
    expect(badPhone).toMatchObject({ code: 400, type: 'general_argument_invalid', message: "Invalid `phone` param: Phone number must start with a '+' can have a maximum of fifteen digits." })

    const prefs = { theme: 'dark', fontSize: 14, nested: { a: [1, 2] } }
    expect((await alice.account.updatePrefs(prefs)).prefs).toEqual(prefs)
    expect((await alice.account.updatePrefs({ theme: 'light' })).prefs, 'prefs are replaced, not merged').toEqual({ theme: 'light' })
    expect(await alice.account.getPrefs()).toEqual({ theme: 'light' })
    expect(await bob.account.getPrefs()).toEqual({})
    const listPrefs = await appwriteError(alice.account.updatePrefs([] as never))
    expect(listPrefs).toMatchObject({ code: 400, type: 'general_argument_invalid', message: 'Invalid `prefs` param: Value must be a valid object.' })

    const [aliceNow, bobNow, aliceOnPhone] = await Promise.all([alice.account.get(), bob.account.get(), phone.account.get()])
    expect(aliceNow).toMatchObject({ name: 'Alice Liddell', email: 'alice@wonderland.test', phone: '+15555550100', prefs: { theme: 'light' } })
    expect(aliceOnPhone).toEqual(aliceNow)
    expect(bobNow).toMatchObject({ name: 'Robert', email: 'bob@example.test', phone: '+15555550101', prefs: {} })
  })

  it('lists, reads, extends and deletes sessions across two devices', async () => {
    freshProject()
    const laptop = browser('alice-laptop')
    const phone = browser('alice-phone')
    const account = await signUp(laptop, 'alice@example.test')
    const [laptopSession, phoneSession] = await Promise.all([
      laptop.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      phone.account.createEmailPasswordSession('alice@example.test', PASSWORD),
    ])

    const listed = await laptop.account.listSessions()
    expect(listed.total).toBe(2)
    expect(listed.sessions.map((s) => s.$id).sort()).toEqual([laptopSession.$id, phoneSession.$id].sort())
    expect(listed.sessions.filter((s) => s.current).map((s) => s.$id)).toEqual([laptopSession.$id])
    expect(listed.sessions.every((s) => s.secret === '' && s.userId === account.$id)).toBe(true)

    expect(await laptop.account.getSession('current')).toMatchObject({ $id: laptopSession.$id, current: true })
    expect(await laptop.account.getSession(phoneSession.$id)).toMatchObject({ $id: phoneSession.$id, current: false })
    expect(await appwriteError(laptop.account.getSession('doesNotExist'))).toMatchObject({ code: 404, type: 'user_session_not_found' })

    const extended = await laptop.account.updateSession('current')
    expect(extended.$id).toBe(laptopSession.$id)
    expect(Date.parse(extended.expire)).toBeGreaterThanOrEqual(Date.parse(laptopSession.expire))

    await laptop.account.deleteSession(phoneSession.$id)
    expect(await appwriteError(phone.account.get())).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
    expect(await appwriteError(laptop.account.getSession(phoneSession.$id))).toMatchObject({ code: 404, type: 'user_session_not_found' })
    expect((await laptop.account.listSessions()).total).toBe(1)

    await laptop.account.deleteSession('current')
    expect(laptop.cookies.names(), 'both cookies are expired').toEqual([])
    expect(laptop.fallback, 'the SDK stores the `[]` Appwrite sends').toBe('[]')
    expect(await appwriteError(laptop.account.get())).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })

    // Sign in on both again, then sign out everywhere from one of them.
    await Promise.all([
      laptop.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      phone.account.createEmailPasswordSession('alice@example.test', PASSWORD),
    ])
    expect((await phone.account.listSessions()).total).toBe(2)
    await phone.account.deleteSessions()
    const [onLaptop, onPhone] = await Promise.all([appwriteError(laptop.account.get()), appwriteError(phone.account.get())])
    expect(onLaptop.type).toBe('general_unauthorized_scope')
    expect(onPhone.type).toBe('general_unauthorized_scope')
    expect(phone.cookies.names()).toEqual([])
  })

  it('keeps at most 10 sessions per user, dropping the oldest', async () => {
    freshProject()
    const devices = Array.from({ length: 11 }, (_, i) => browser(`alice-device${i}`))
    await signUp(devices[0]!, 'alice@example.test')
    for (const device of devices) await device.account.createEmailPasswordSession('alice@example.test', PASSWORD)
    const { total, sessions } = await devices[10]!.account.listSessions()
    expect(total).toBe(10)
    expect(sessions).toHaveLength(10)
    expect(await appwriteError(devices[0]!.account.get()), 'the oldest session was pruned').toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
    expect((await devices[1]!.account.get()).email).toBe('alice@example.test')
  })

  it('turns an anonymous session into an email account with updateEmail', async () => {
    freshProject()
    const carol = browser('carol')
    const anonymous = await carol.account.createAnonymousSession()
    expect(anonymous).toMatchObject({ provider: 'anonymous', providerUid: '', factors: ['anonymous'], current: true })
    const before = await carol.account.get()
    expect(before).toMatchObject({ $id: anonymous.userId, email: '', phone: '', name: '' })

    expect(await appwriteError(carol.account.createAnonymousSession())).toMatchObject({ code: 401, type: 'user_session_already_exists' })

    // No old password: an anonymous user has none, so this one becomes it (BEHAVIORS §10).
    const converted = await carol.account.updateEmail('carol@example.test', PASSWORD)
    expect(converted).toMatchObject({ $id: anonymous.userId, email: 'carol@example.test' })
    const renamed = await carol.account.updateName('Carol')
    expect(renamed.name).toBe('Carol')

    const elsewhere = browser('carol-elsewhere')
    const session = await elsewhere.account.createEmailPasswordSession('carol@example.test', PASSWORD)
    expect(session).toMatchObject({ userId: anonymous.userId, provider: 'email' })
    expect(await elsewhere.account.get()).toMatchObject({ $id: anonymous.userId, name: 'Carol' })
  })

  it('creates a JWT that a cookie-less client uses through setJWT', async () => {
    freshProject()
    const alice = browser('alice')
    const account = await signUp(alice, 'alice@example.test', 'Alice')
    const session = await alice.account.createEmailPasswordSession('alice@example.test', PASSWORD)
    const { jwt } = await alice.account.createJWT()
    const [header, payload, signature] = jwt.split('.')
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ typ: 'JWT', alg: 'HS256' })
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString())
    expect(claims).toMatchObject({ userId: account.$id, sessionId: session.$id })
    expect(claims.exp - Date.now() / 1000).toBeGreaterThan(890)
    expect(claims.exp - Date.now() / 1000).toBeLessThanOrEqual(901)

    const server = browser('server', { cookies: false })
    server.client.setJWT(jwt)
    expect(await server.account.get()).toMatchObject({ $id: account.$id, email: 'alice@example.test' })
    expect(server.cookies.names()).toEqual([])
    // A JWT is not a session: it cannot mint another one (BEHAVIORS §10).
    expect(await appwriteError(server.account.createJWT())).toMatchObject({ code: 404, type: 'user_session_not_found' })

    const forged = browser('forger', { cookies: false })
    forged.client.setJWT(`${header}.${payload}.${signature!.slice(0, -2)}xx`)
    expect(await appwriteError(forged.account.get())).toMatchObject({ code: 401, type: 'user_jwt_invalid' })

    // An SSR client passes the session string itself through X-Appwrite-Session (client.setSession).
    const ssr = browser('ssr', { cookies: false })
    ssr.client.setSession(decodeURIComponent(alice.cookies.get(`a_session_${projectId.toLowerCase()}`)!))
    expect(await ssr.account.get()).toMatchObject({ $id: account.$id })
    ssr.client.setSession('bm90IGEgc2Vzc2lvbg==')
    expect(await appwriteError(ssr.account.get()), 'a bad session string is a guest, not an error').toMatchObject({ code: 401, type: 'general_unauthorized_scope' })

    // Once its session is gone the JWT carries no user: the caller is a guest.
    await alice.account.deleteSession('current')
    expect(await appwriteError(server.account.get())).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
  })

  it('logs the account events with device fields, and lists no identities', async () => {
    freshProject()
    const alice = browser('alice')
    const bob = browser('bob')
    await Promise.all([signUp(alice, 'alice@example.test', 'Alice'), signUp(bob, 'bob@example.test', 'Bob')])
    await Promise.all([
      alice.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      bob.account.createEmailPasswordSession('bob@example.test', PASSWORD),
    ])
    await alice.account.updateName('Alice L')
    await alice.account.updatePrefs({ theme: 'dark' })

    const { total, logs } = await alice.account.listLogs()
    expect(total).toBe(logs.length)
    expect(logs.map((l) => l.event).sort()).toEqual(['session.create', 'user.create', 'user.update', 'user.update'])
    for (const log of logs) {
      expect(log).toMatchObject({ userEmail: 'alice@example.test', ip: '127.0.0.1', osName: 'Windows', clientName: 'Chrome', deviceName: 'desktop', countryCode: '--' })
    }
    const times = logs.map((l) => Date.parse(l.time))
    expect(times, 'newest first').toEqual([...times].sort((a, b) => b - a))

    const page = await alice.account.listLogs([alice.sdk.Query.limit(1), alice.sdk.Query.offset(1)])
    expect(page.total).toBe(4)
    expect(page.logs).toHaveLength(1)
    expect(page.logs[0]).toEqual(logs[1])

    const bobLogs = await bob.account.listLogs()
    expect(bobLogs.logs.map((l) => l.event).sort(), "bob sees only his own events").toEqual(['session.create', 'user.create'])

    expect(await alice.account.listIdentities()).toEqual({ total: 0, identities: [] })
    expect(await appwriteError(alice.account.deleteIdentity('missing'))).toMatchObject({ code: 404, type: 'user_identity_not_found' })
  })

  it('blocks the user with updateStatus: other sessions and new logins get user_blocked', async () => {
    freshProject()
    const laptop = browser('alice-laptop')
    const phone = browser('alice-phone')
    const bob = browser('bob')
    await Promise.all([signUp(laptop, 'alice@example.test'), signUp(bob, 'bob@example.test')])
    await Promise.all([
      laptop.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      phone.account.createEmailPasswordSession('alice@example.test', PASSWORD),
      bob.account.createEmailPasswordSession('bob@example.test', PASSWORD),
    ])

    const blocked = await laptop.account.updateStatus()
    expect(blocked.status).toBe(false)
    expect(laptop.cookies.names(), 'the cookies are expired').toEqual([])
    expect(laptop.fallback).toBe('[]')

    // The blocking browser lost its cookies, so it is a guest now; the other device still holds a session.
    expect(await appwriteError(laptop.account.get())).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
    expect(await appwriteError(phone.account.get())).toMatchObject({ code: 401, type: 'user_blocked' })
    expect(await appwriteError(phone.account.listSessions())).toMatchObject({ code: 401, type: 'user_blocked' })
    expect(await appwriteError(laptop.account.createEmailPasswordSession('alice@example.test', PASSWORD))).toMatchObject({ code: 401, type: 'user_blocked' })
    expect(await bob.account.get()).toMatchObject({ email: 'bob@example.test', status: true })
  })

  it('answers the error paths with Appwrite types, codes and messages', async () => {
    freshProject()
    const alice = browser('alice')
    const guest = browser('guest')
    const account = await signUp(alice, 'alice@example.test')

    expect(await appwriteError(signUp(guest, 'ALICE@example.test'))).toMatchObject({ code: 409, type: 'user_already_exists' })
    expect(await appwriteError(guest.account.create(account.$id, 'other@example.test', PASSWORD))).toMatchObject({ code: 409, type: 'user_already_exists' })

    const invalid = await Promise.all([
      appwriteError(guest.account.create('_leading', 'x@example.test', PASSWORD)),
      appwriteError(guest.account.create(guest.sdk.ID.unique(), 'not-an-email', PASSWORD)),
      appwriteError(guest.account.create(guest.sdk.ID.unique(), 'short@example.test', 'short')),
      appwriteError(guest.account.createEmailPasswordSession('alice@example.test', 'short')),
    ])
    expect(invalid.map((e) => [e.code, e.type, e.message])).toEqual([
      [400, 'general_argument_invalid', `Invalid \`userId\` param: ${CUSTOM_ID_RULE}`],
      [400, 'general_argument_invalid', 'Invalid `email` param: Value must be a valid email address'],
      [400, 'general_argument_invalid', `Invalid \`password\` param: ${NEW_PASSWORD_RULE}`],
      [400, 'general_argument_invalid', 'Invalid `password` param: Password must be between 8 and 256 characters long.'],
    ])
    // The SDK checks required params itself, so send the request through its own `call` without one.
    const missing = await appwriteError(
      guest.client.call('post', new URL(`${suite.emulator.url}/account/sessions/email`), { 'content-type': 'application/json' }, { email: 'alice@example.test' }),
    )
    expect(missing).toMatchObject({ code: 400, type: 'general_argument_invalid', message: 'Param "password" is not optional.' })

    const [wrongPassword, unknownEmail] = await Promise.all([
      appwriteError(guest.account.createEmailPasswordSession('alice@example.test', 'wrong-password')),
      appwriteError(guest.account.createEmailPasswordSession('nobody@example.test', PASSWORD)),
    ])
    expect(wrongPassword).toMatchObject({ code: 401, type: 'user_invalid_credentials' })
    expect(unknownEmail).toMatchObject({ code: 401, type: 'user_invalid_credentials' })

    await alice.account.createEmailPasswordSession('alice@example.test', PASSWORD)
    expect(await appwriteError(alice.account.createEmailPasswordSession('alice@example.test', PASSWORD))).toMatchObject({ code: 401, type: 'user_session_already_exists' })
    expect(await appwriteError(guest.account.updateName('Nobody'))).toMatchObject({
      code: 401, type: 'general_unauthorized_scope', message: 'User (role: guests) missing scope (account)',
    })
    // Prefs are measured as PHP json_encode writes them: each emoji is 12 chars (BEHAVIORS §10).
    const tooLarge = await appwriteError(alice.account.updatePrefs({ longValue: '\u{1F370}'.repeat(6000) }))
    expect(tooLarge).toMatchObject({
      code: 400,
      type: 'document_invalid_structure',
      message: 'Invalid document structure: Attribute "prefs" has invalid type. Value must be a valid string and no longer than 65535 chars',
    })
    expect(await alice.account.getPrefs(), 'a failed update leaves prefs as they were').toEqual({})
    // Signed-in callers may still create accounts (POST /account is not in group `session`).
    expect(await signUp(alice, 'friend@example.test')).toMatchObject({ email: 'friend@example.test' })
    for (const error of [wrongPassword, missing, ...invalid]) expect((error.response as { version?: string }).version).toBe('1.5.11')
  })

  it('keeps a cross-site user signed in through localStorage.cookieFallback alone', async () => {
    freshProject()
    // A page on another site: the browser keeps none of the API's cookies, so only X-Fallback-Cookies works.
    const dave = browser('dave', { cookies: false, origin: 'http://app.example.test' })
    const bob = browser('bob')
    await Promise.all([signUp(dave, 'dave@example.test', 'Dave'), signUp(bob, 'bob@example.test', 'Bob')])
    const [session] = await Promise.all([
      dave.account.createEmailPasswordSession('dave@example.test', PASSWORD),
      bob.account.createEmailPasswordSession('bob@example.test', PASSWORD),
    ])
    expect(dave.cookies.names()).toEqual([])
    const stored = JSON.parse(dave.fallback!) as Record<string, string>
    expect(Object.keys(stored), 'the key keeps the project ID case').toEqual([`a_session_${projectId}`])
    expect(dave.warnings.join('\n')).toMatch(/Appwrite is using localStorage for session management/)

    const [daveNow, bobNow] = await Promise.all([dave.account.get(), bob.account.get()])
    expect(daveNow.email).toBe('dave@example.test')
    expect(bobNow.email).toBe('bob@example.test')
    expect((await dave.account.updateName('David')).name).toBe('David')
    expect(await dave.account.getSession('current')).toMatchObject({ $id: session.$id, current: true })

    // The same stored value works from a fresh client in the same browser.
    const again = new dave.sdk.Account(dave.newClient())
    expect((await again.get()).name).toBe('David')

    await dave.account.deleteSession('current')
    expect(dave.fallback).toBe('[]')
    expect(await appwriteError(dave.account.get())).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
    expect(await bob.account.get()).toMatchObject({ email: 'bob@example.test' })
  })

  it('stays signed in on the _legacy cookie alone, as a browser that drops SameSite=None cookies over http', async () => {
    freshProject()
    const erin = browser('erin')
    await signUp(erin, 'erin@example.test')
    await erin.account.createEmailPasswordSession('erin@example.test', PASSWORD)
    erin.cookies.delete(`a_session_${projectId.toLowerCase()}`)
    erin.localStorage.clear()
    expect(erin.cookies.names()).toEqual([`a_session_${projectId.toLowerCase()}_legacy`])
    expect((await erin.account.get()).email).toBe('erin@example.test')
    erin.cookies.clear()
    expect(await appwriteError(erin.account.get())).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
  })
})
