import { setTimeout as sleep } from 'node:timers/promises'
import { URI } from 'otpauth'
import { describe, expect, it } from 'vitest'
import { totpCode } from '../../src/services/account/mfa/totp.js'
import { useSdkSuite } from '../harness/e2e.js'
import { appwriteError, type SdkUser } from '../harness/sdk.js'

/**
 * MFA (BEHAVIORS §11) through the official web SDK `appwrite@14.0.1` against a running emulator: TOTP set up with
 * codes computed the way an authenticator app computes them, recovery codes, MFA switched on, and sign-ins that
 * must complete a TOTP or email challenge (the code read from the control API's outbox) before anything else.
 * Every response is held against the client spec, with the status corrections in `harness/spec.ts`.
 */

const PASSWORD = 'password123'
const EMAIL = 'alice@example.test'

const suite = useSdkSuite()
let projectId: string
let projectCount = 0

function browser(name: string): SdkUser {
  return suite.browser(name, projectId)
}

/**
 * The code an authenticator app shows now. The emulator allows no window, so a code read in the last two seconds
 * of its 30-second period could be stale on arrival; wait for the next period then, as a person would.
 */
async function currentTotp(secret: string): Promise<string> {
  const intoPeriod = Date.now() % 30_000
  if (intoPeriod > 28_000) await sleep(30_000 - intoPeriod + 50)
  return totpCode(secret, Date.now())
}

/** The newest message the outbox holds for an address. */
async function lastMessageTo(to: string) {
  const messages = (await suite.emulator.messages(projectId)).filter((m) => m.to === to)
  const last = messages.at(-1)
  if (!last) throw new Error(`no message to ${to}`)
  return last
}

/** A signed-up, signed-in alice with a verified email (through the real verification flow). */
async function aliceWithVerifiedEmail(): Promise<SdkUser> {
  const alice = browser('alice')
  await alice.account.create(alice.sdk.ID.unique(), EMAIL, PASSWORD, 'Alice')
  await alice.account.createEmailPasswordSession(EMAIL, PASSWORD)
  await alice.account.createVerification('http://localhost/verify')
  const { data } = await lastMessageTo(EMAIL)
  await alice.account.updateVerification(data.userId!, data.secret!)
  return alice
}

async function signInAgain(name: string): Promise<SdkUser> {
  const device = browser(name)
  await device.account.createEmailPasswordSession(EMAIL, PASSWORD)
  return device
}

describe('MFA through the web SDK', () => {
  it('sets up TOTP and recovery codes, turns MFA on, and makes the next sign-in complete a challenge', async () => {
    projectId = `mfa${++projectCount}`
    const alice = await aliceWithVerifiedEmail()
    const { AuthenticatorType, AuthenticationFactor } = alice.sdk
    expect(await alice.account.listMfaFactors()).toEqual({ totp: false, phone: false, email: true, recoveryCode: false })

    // An authenticator app scans the URI; its first code verifies the authenticator.
    const { secret, uri } = await alice.account.createMfaAuthenticator(AuthenticatorType.Totp)
    const scanned = URI.parse(uri)
    expect(scanned).toMatchObject({ issuer: projectId, label: EMAIL })
    expect(scanned.secret.base32).toBe(secret)
    expect(await appwriteError(alice.account.updateMfaAuthenticator(AuthenticatorType.Totp, totpCode(secret, Date.now() - 60_000)))).toMatchObject({ code: 401, type: 'user_invalid_token' })
    const verified = await alice.account.updateMfaAuthenticator(AuthenticatorType.Totp, await currentTotp(secret))
    expect(verified).toMatchObject({ email: EMAIL, emailVerification: true, mfa: false })
    expect(await appwriteError(alice.account.createMfaAuthenticator(AuthenticatorType.Totp))).toMatchObject({ code: 409, type: 'user_authenticator_already_verified' })

    const { recoveryCodes } = await alice.account.createMfaRecoveryCodes()
    expect(recoveryCodes).toHaveLength(6)
    expect(await appwriteError(alice.account.createMfaRecoveryCodes())).toMatchObject({ code: 409, type: 'user_recovery_codes_already_exists' })
    expect(await appwriteError(alice.account.getMfaRecoveryCodes()), 'reading them needs a recent challenge').toMatchObject({ code: 401, type: 'user_challenge_required' })

    const enabled = await alice.account.updateMFA(true)
    expect(enabled.mfa).toBe(true)
    expect((await alice.account.getSession('current')).factors, 'the enabling session keeps working').toEqual(['password', 'totp', 'email'])
    expect((await alice.account.get()).mfa).toBe(true)

    // A new sign-in has one factor of the two it now needs.
    const laptop = await signInAgain('alice-laptop')
    // All four are awaited at once: a rejection that lands while an earlier one is awaited would be unhandled.
    const refused = await Promise.all([laptop.account.get(), laptop.account.listSessions(), laptop.account.updateName('x'), laptop.account.createMfaRecoveryCodes()].map((call) => appwriteError(call)))
    for (const error of refused) expect(error).toMatchObject({ code: 401, type: 'user_more_factors_required' })
    expect(await laptop.account.listMfaFactors()).toEqual({ totp: true, phone: false, email: true, recoveryCode: true })

    const challenge = await laptop.account.createMfaChallenge(AuthenticationFactor.Totp)
    expect(await appwriteError(laptop.account.updateMfaChallenge(challenge.$id, totpCode(secret, Date.now() - 60_000)))).toMatchObject({ code: 401, type: 'user_invalid_token' })
    const session = (await laptop.account.updateMfaChallenge(challenge.$id, await currentTotp(secret))) as { factors: string[]; mfaUpdatedAt: string; current: boolean }
    expect(session).toMatchObject({ factors: ['password', 'totp'], current: true })
    expect(Date.now() - Date.parse(session.mfaUpdatedAt)).toBeLessThan(60_000)
    expect((await laptop.account.get()).email).toBe(EMAIL)
    expect((await laptop.account.getMfaRecoveryCodes()).recoveryCodes, 'a recent challenge shows the codes again').toEqual(recoveryCodes)
  })

  it('completes an email challenge with the code from the outbox, and uses each recovery code once', async () => {
    projectId = `mfa${++projectCount}`
    const alice = await aliceWithVerifiedEmail()
    const { AuthenticatorType, AuthenticationFactor } = alice.sdk
    const { secret } = await alice.account.createMfaAuthenticator(AuthenticatorType.Totp)
    await alice.account.updateMfaAuthenticator(AuthenticatorType.Totp, await currentTotp(secret))
    const { recoveryCodes } = await alice.account.createMfaRecoveryCodes()
    await alice.account.updateMFA(true)

    const phone = await signInAgain('alice-phone')
    expect(await appwriteError(phone.account.get())).toMatchObject({ code: 401, type: 'user_more_factors_required' })
    const challenge = await phone.account.createMfaChallenge(AuthenticationFactor.Email)
    const mail = await lastMessageTo(EMAIL)
    expect(mail).toMatchObject({ channel: 'email', data: { secret: expect.stringMatching(/^\d{6}$/) } })
    expect(await appwriteError(phone.account.updateMfaChallenge(challenge.$id, mail.data.secret === '000000' ? '111111' : '000000'))).toMatchObject({ code: 401, type: 'user_invalid_token' })
    const session = (await phone.account.updateMfaChallenge(challenge.$id, mail.data.secret!)) as { factors: string[] }
    expect(session.factors).toEqual(['password', 'email'])
    expect(await appwriteError(phone.account.updateMfaChallenge(challenge.$id, mail.data.secret!)), 'a challenge is used once').toMatchObject({ code: 401, type: 'user_invalid_token' })
    expect((await phone.account.get()).mfa).toBe(true)

    // A recovery-code challenge never succeeds in Appwrite 1.5; the code is not spent on it.
    const byCode = await phone.account.createMfaChallenge(AuthenticationFactor.Recoverycode)
    expect(await appwriteError(phone.account.updateMfaChallenge(byCode.$id, recoveryCodes[0]!))).toMatchObject({ code: 401, type: 'user_invalid_token' })

    // A lost authenticator is removed with a recovery code, which is then gone.
    await phone.account.deleteMfaAuthenticator(AuthenticatorType.Totp, recoveryCodes[0]!)
    expect((await phone.account.listMfaFactors()).totp).toBe(false)
    expect((await phone.account.getMfaRecoveryCodes()).recoveryCodes).toEqual(recoveryCodes.slice(1))
    const again = await phone.account.createMfaAuthenticator(AuthenticatorType.Totp)
    await phone.account.updateMfaAuthenticator(AuthenticatorType.Totp, await currentTotp(again.secret))
    expect(await appwriteError(phone.account.deleteMfaAuthenticator(AuthenticatorType.Totp, recoveryCodes[0]!))).toMatchObject({ code: 401, type: 'user_invalid_token' })
    await phone.account.deleteMfaAuthenticator(AuthenticatorType.Totp, recoveryCodes[1]!)

    // New codes replace the old ones.
    const { recoveryCodes: fresh } = await phone.account.updateMfaRecoveryCodes()
    expect(fresh).toHaveLength(6)
    expect(fresh.some((c) => recoveryCodes.includes(c))).toBe(false)

    // Without MFA, a password is enough again.
    await phone.account.updateMFA(false)
    const tablet = await signInAgain('alice-tablet')
    expect((await tablet.account.get()).mfa).toBe(false)
  })

  it('refuses an email challenge for an unverified address with a 500, as Appwrite 1.5 does', async () => {
    projectId = `mfa${++projectCount}`
    const bob = browser('bob')
    await bob.account.create(bob.sdk.ID.unique(), 'bob@example.test', PASSWORD)
    await bob.account.createEmailPasswordSession('bob@example.test', PASSWORD)
    expect(await appwriteError(bob.account.createMfaChallenge(bob.sdk.AuthenticationFactor.Email))).toMatchObject({ code: 500, type: 'user_email_not_verified', message: 'Server Error' })
    expect(await appwriteError(bob.account.createMfaChallenge(bob.sdk.AuthenticationFactor.Phone))).toMatchObject({ code: 400, type: 'user_phone_not_found' })
    expect(await appwriteError(browser('guest').account.createMfaChallenge(bob.sdk.AuthenticationFactor.Totp))).toMatchObject({ code: 401, type: 'general_unauthorized_scope' })
  })
})
