import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import sharp from 'sharp'
import { buildApp, type App } from '../../src/app.js'
import { parseAppwriteJson } from '../../src/config/appwrite-json.js'
import { runOperation, type OperationOutcome } from '../../src/core/operation.js'
import type { ClientInfo } from '../../src/core/caller.js'
import type { SpooledFile } from '../../src/core/route.js'
import { cookieName, encodeSession } from '../../src/core/session-transport.js'
import { renderError } from '../../src/errors/render.js'
import { totpCode } from '../../src/services/account/mfa/totp.js'
import { routeTable } from '../../src/services/routes.js'
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js'
import { FakeClock, PROJECT } from '../harness/app.js'

/**
 * Every route of the table run through the operation core directly, with no HTTP: one failing and one happy call
 * each, in an order that builds the state the next calls need (users, sessions, a team, a file, a document).
 * REST, GraphQL, realtime and the console are only adapters over `runOperation`, so this is the contract they share.
 */

interface Call {
  /** Whose session the call carries: a name from `state.sessions`, or a guest when absent. */
  as?: string
  input?: Record<string, unknown>
  path?: Record<string, string>
  project?: string
}
interface Case {
  call: (s: State) => Call | Promise<Call>
  status: number
  type?: string
  then?: (outcome: Extract<OperationOutcome, { ok: true }>, s: State) => void | Promise<void>
}
interface State {
  sessions: Map<string, string>
  ids: Record<string, string>
  totpSecret?: string
}

const CLIENT: ClientInfo = { ip: '127.0.0.1', userAgent: 'core-test', origin: null, hostname: 'localhost', protocol: 'http' }
const ANY = ['read("any")', 'create("any")', 'update("any")', 'delete("any")']
const PASSWORD = 'alice-password-1'
const URL_OK = 'http://localhost/done'

let app: App
let clock: FakeClock
let site: Server
let siteUrl = ''
const state: State = { sessions: new Map(), ids: {} }

/** The session cookie of a result that started one, stored under `name`. */
const keepSession = (name: string) => (outcome: Extract<OperationOutcome, { ok: true }>, s: State) => {
  const started = outcome.result.startSession
  if (!started) throw new Error('no session started')
  s.sessions.set(name, `${cookieName(PROJECT)}=${encodeSession(started.userId, started.secret)}`)
}

/** The newest outbox message's data. */
async function lastMessage(): Promise<Record<string, string>> {
  const all = await app.store.messages.list(PROJECT)
  return all[all.length - 1]!.data
}

const missing = (extra: Partial<Case> = {}): Case => ({ call: () => ({ as: 'alice' }), status: 400, type: 'general_argument_invalid', ...extra })
const guestRefused: Case = { call: () => ({}), status: 401, type: 'general_unauthorized_scope' }
const badProject: Case = { call: () => ({ project: '!!' }), status: 404, type: 'project_not_found' }
const bucket = (s: State, more: Record<string, string> = {}) => ({ bucketId: 'open', fileId: s.ids.file!, ...more })
const doc = (s: State) => ({ databaseId: 'main', collectionId: 'notes', documentId: 'd1' })
const team = (s: State, more: Record<string, string> = {}) => ({ teamId: 'team1', membershipId: s.ids.membership!, ...more })

/** In the order they run; a test below checks that every route of the table has its two cases here. */
const CASES: Record<string, { fail: Case; happy: Case }> = {
  'account.create': {
    fail: { call: () => ({ input: {} }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { userId: 'alice', email: 'alice@example.test', password: PASSWORD, name: 'Alice' } }), status: 201 },
  },
  'account.createEmailPasswordSession': {
    fail: { call: () => ({ input: { email: 'alice@example.test', password: 'wrong-password' } }), status: 401, type: 'user_invalid_credentials' },
    happy: { call: () => ({ input: { email: 'alice@example.test', password: PASSWORD } }), status: 201, then: keepSession('alice') },
  },
  'account.createAnonymousSession': {
    fail: { call: () => ({ as: 'alice' }), status: 401, type: 'user_session_already_exists' },
    happy: { call: () => ({}), status: 201, then: keepSession('anonymous') },
  },
  'account.get': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.listSessions': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.getSession': {
    fail: { call: () => ({ as: 'alice', path: { sessionId: 'nope' } }), status: 404, type: 'user_session_not_found' },
    happy: { call: () => ({ as: 'alice', path: { sessionId: 'current' } }), status: 200 },
  },
  'account.updateSession': {
    fail: { call: () => ({ as: 'alice', path: { sessionId: 'nope' } }), status: 404, type: 'user_session_not_found' },
    happy: { call: () => ({ as: 'alice', path: { sessionId: 'current' } }), status: 200 },
  },
  'account.updateName': { fail: missing(), happy: { call: () => ({ as: 'alice', input: { name: 'Alice A.' } }), status: 200 } },
  'account.updatePassword': {
    fail: missing(),
    happy: { call: () => ({ as: 'alice', input: { password: 'alice-password-2', oldPassword: PASSWORD } }), status: 200 },
  },
  'account.updateEmail': {
    fail: { call: () => ({ as: 'alice', input: { email: 'alice2@example.test', password: 'wrong-password' } }), status: 401, type: 'user_invalid_credentials' },
    happy: { call: () => ({ as: 'alice', input: { email: 'alice2@example.test', password: 'alice-password-2' } }), status: 200 },
  },
  'account.updatePhone': {
    fail: { call: () => ({ as: 'alice', input: { phone: '12', password: 'alice-password-2' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ as: 'alice', input: { phone: '+15555550100', password: 'alice-password-2' } }), status: 200 },
  },
  'account.getPrefs': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.updatePrefs': { fail: missing(), happy: { call: () => ({ as: 'alice', input: { prefs: { theme: 'dark' } } }), status: 200 } },
  'account.createJWT': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 201 } },
  'account.listLogs': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.createVerification': {
    fail: missing(),
    happy: { call: () => ({ as: 'alice', input: { url: URL_OK } }), status: 201 },
  },
  'account.updateVerification': {
    fail: { call: () => ({ as: 'alice', input: { userId: 'alice', secret: 'wrong' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: async () => ({ as: 'alice', input: await lastMessage() }), status: 200 },
  },
  'account.createPhoneVerification': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 201 } },
  'account.updatePhoneVerification': {
    fail: { call: () => ({ as: 'alice', input: { userId: 'alice', secret: 'wrong' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: async () => ({ as: 'alice', input: await lastMessage() }), status: 200 },
  },
  'account.createRecovery': {
    fail: missing(),
    happy: { call: () => ({ as: 'alice', input: { email: 'alice2@example.test', url: URL_OK } }), status: 201 },
  },
  'account.updateRecovery': {
    fail: { call: () => ({ as: 'alice', input: { userId: 'alice', secret: 'wrong', password: 'alice-password-3' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: async () => ({ as: 'alice', input: { ...(await lastMessage()), password: 'alice-password-3' } }), status: 200 },
  },
  'account.createPushTarget': {
    fail: missing(),
    happy: { call: () => ({ as: 'alice', input: { targetId: 'push1', identifier: 'device-token-1' } }), status: 201 },
  },
  'account.updatePushTarget': {
    fail: { call: () => ({ as: 'alice', path: { targetId: 'nope' }, input: { identifier: 'x' } }), status: 404, type: 'user_target_not_found' },
    happy: { call: () => ({ as: 'alice', path: { targetId: 'push1' }, input: { identifier: 'device-token-2' } }), status: 200 },
  },
  'account.deletePushTarget': {
    fail: { call: () => ({ as: 'alice', path: { targetId: 'nope' } }), status: 404, type: 'user_target_not_found' },
    happy: { call: () => ({ as: 'alice', path: { targetId: 'push1' } }), status: 204 },
  },
  'account.createEmailToken': {
    fail: { call: () => ({ input: { userId: 'erin', email: 'not-an-email' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { userId: 'erin', email: 'erin@example.test' } }), status: 201 },
  },
  'account.createSession': {
    fail: { call: () => ({ input: { userId: 'erin', secret: '000000' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: async () => ({ input: await lastMessage() }), status: 201, then: keepSession('erin') },
  },
  'account.createMagicURLToken': {
    fail: { call: () => ({ input: { userId: 'frank' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { userId: 'frank', email: 'frank@example.test', url: URL_OK } }), status: 201 },
  },
  'account.updateMagicURLSession': {
    fail: { call: () => ({ input: { userId: 'frank', secret: 'wrong' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: async () => ({ input: await lastMessage() }), status: 201, then: keepSession('frank') },
  },
  'account.createPhoneToken': {
    fail: { call: () => ({ input: { userId: 'gina', phone: 'no' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { userId: 'gina', phone: '+15555550123' } }), status: 201 },
  },
  'account.updatePhoneSession': {
    fail: { call: () => ({ input: { userId: 'gina', secret: 'wrong' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: async () => ({ input: await lastMessage() }), status: 201, then: keepSession('gina') },
  },
  'account.createOAuth2Session': {
    fail: { call: () => ({ path: { provider: 'nope' } }), status: 400, type: 'general_argument_invalid' },
    happy: {
      call: () => ({ path: { provider: 'github' }, input: { success: URL_OK, failure: URL_OK } }),
      status: 301,
      // The stand-in provider's page is not part of the client API: complete the sign-in as its form would.
      async then(outcome, s) {
        const state = new URL(outcome.result.headers!.Location!).searchParams.get('state')
        const done = await app.services.oauth2.complete((await app.services.oauth2.find(state))!, { email: 'dave@example.test', name: 'Dave' }, CLIENT)
        s.sessions.set('dave', `${cookieName(PROJECT)}=${encodeSession(done.session!.userId, done.session!.secret)}`)
      },
    },
  },
  'account.createOAuth2Token': {
    fail: { call: () => ({ path: { provider: 'nope' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ path: { provider: 'github' }, input: { success: URL_OK, failure: URL_OK } }), status: 301 },
  },
  'account.listIdentities': {
    fail: guestRefused,
    happy: { call: () => ({ as: 'dave' }), status: 200, then: (o, s) => void (s.ids.identity = (o.result.body as { identities: { $id: string }[] }).identities[0]!.$id) },
  },
  'account.deleteIdentity': {
    fail: { call: () => ({ as: 'dave', path: { identityId: 'nope' } }), status: 404, type: 'user_identity_not_found' },
    happy: { call: (s) => ({ as: 'dave', path: { identityId: s.ids.identity! } }), status: 204 },
  },
  'account.deleteSession': {
    fail: { call: () => ({ as: 'frank', path: { sessionId: 'nope' } }), status: 404, type: 'user_session_not_found' },
    happy: { call: () => ({ as: 'frank', path: { sessionId: 'current' } }), status: 204 },
  },
  'account.deleteSessions': { fail: guestRefused, happy: { call: () => ({ as: 'gina' }), status: 204 } },
  'account.updateStatus': { fail: guestRefused, happy: { call: () => ({ as: 'erin' }), status: 200 } },
  // MFA, for a user of its own: once a second factor is verified, every other route wants two factors.
  'account.createMfaAuthenticator': {
    fail: { call: () => ({ as: 'alice', path: { type: 'sms' } }), status: 400, type: 'general_argument_invalid' },
    happy: {
      call: () => ({ as: 'alice', path: { type: 'totp' } }),
      status: 200,
      then: (o, s) => void (s.totpSecret = (o.result.body as { secret: string }).secret),
    },
  },
  'account.updateMfaAuthenticator': {
    fail: { call: () => ({ as: 'alice', path: { type: 'totp' }, input: { otp: '000000' } }), status: 401, type: 'user_invalid_token' },
    happy: { call: (s) => ({ as: 'alice', path: { type: 'totp' }, input: { otp: totpCode(s.totpSecret!, clock.now()) } }), status: 200 },
  },
  // Appwrite answers 200 to both of these, where the spec says 201 (BEHAVIORS §11).
  'account.createMfaRecoveryCodes': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.updateMFA': {
    fail: { call: () => ({ as: 'alice', input: { mfa: 'maybe' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ as: 'alice', input: { mfa: true } }), status: 200 },
  },
  'account.listMfaFactors': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.createMfaChallenge': {
    fail: { call: () => ({ as: 'alice', input: { factor: 'carrier-pigeon' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ as: 'alice', input: { factor: 'totp' } }), status: 200, then: (o, s) => void (s.ids.challenge = (o.result.body as { $id: string }).$id) },
  },
  'account.updateMfaChallenge': {
    fail: { call: (s) => ({ as: 'alice', input: { challengeId: s.ids.challenge!, otp: '000000' } }), status: 401, type: 'user_invalid_token' },
    happy: {
      call: (s) => {
        clock.advance(30_000) // a fresh TOTP period, so the code is not the one the authenticator was verified with
        return { as: 'alice', input: { challengeId: s.ids.challenge!, otp: totpCode(s.totpSecret!, clock.now()) } }
      },
      status: 200,
    },
  },
  'account.getMfaRecoveryCodes': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.updateMfaRecoveryCodes': { fail: guestRefused, happy: { call: () => ({ as: 'alice' }), status: 200 } },
  'account.deleteMfaAuthenticator': {
    fail: { call: () => ({ as: 'alice', path: { type: 'totp' }, input: { otp: '000000' } }), status: 401, type: 'user_invalid_token' },
    happy: {
      call: (s) => {
        clock.advance(30_000)
        return { as: 'alice', path: { type: 'totp' }, input: { otp: totpCode(s.totpSecret!, clock.now()) } }
      },
      status: 204,
    },
  },

  'avatars.getCreditCard': { fail: { call: () => ({ path: { code: 'nope' } }), status: 400, type: 'general_argument_invalid' }, happy: { call: () => ({ path: { code: 'visa' } }), status: 200 } },
  'avatars.getBrowser': { fail: { call: () => ({ path: { code: 'nope' } }), status: 400, type: 'general_argument_invalid' }, happy: { call: () => ({ path: { code: 'ch' } }), status: 200 } },
  'avatars.getFlag': { fail: { call: () => ({ path: { code: 'nope' } }), status: 400, type: 'general_argument_invalid' }, happy: { call: () => ({ path: { code: 'us' } }), status: 200 } },
  'avatars.getImage': {
    fail: { call: () => ({ input: { url: 'not a url' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { url: `${siteUrl}/icon.png` } }), status: 200 },
  },
  'avatars.getFavicon': {
    fail: { call: () => ({ input: {} }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { url: `${siteUrl}/` } }), status: 200 },
  },
  'avatars.getQR': { fail: { call: () => ({ input: {} }), status: 400, type: 'general_argument_invalid' }, happy: { call: () => ({ input: { text: 'hello' } }), status: 200 } },
  'avatars.getInitials': {
    fail: { call: () => ({ input: { width: 'wide' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ input: { name: 'Ann Bee' } }), status: 200 },
  },

  'locale.get': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listCodes': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listCountries': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listCountriesEU': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listCountriesPhones': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listContinents': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listCurrencies': { fail: badProject, happy: { call: () => ({}), status: 200 } },
  'locale.listLanguages': { fail: badProject, happy: { call: () => ({}), status: 200 } },

  'teams.create': {
    fail: { call: () => ({ as: 'anonymous', input: { teamId: 'team1' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ as: 'anonymous', input: { teamId: 'team1', name: 'Team One' } }), status: 201 },
  },
  'teams.list': { fail: guestRefused, happy: { call: () => ({ as: 'anonymous' }), status: 200 } },
  'teams.get': {
    fail: { call: () => ({ as: 'anonymous', path: { teamId: 'nope' } }), status: 404, type: 'team_not_found' },
    happy: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' } }), status: 200 },
  },
  'teams.updateName': {
    fail: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' }, input: { name: 'Team 1' } }), status: 200 },
  },
  'teams.getPrefs': {
    fail: { call: () => ({ as: 'anonymous', path: { teamId: 'nope' } }), status: 404, type: 'team_not_found' },
    happy: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' } }), status: 200 },
  },
  'teams.updatePrefs': {
    fail: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' }, input: { prefs: { colour: 'red' } } }), status: 200 },
  },
  'teams.createMembership': {
    fail: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' }, input: { email: 'bob@example.test' } }), status: 400, type: 'general_argument_invalid' },
    happy: {
      call: () => ({ as: 'anonymous', path: { teamId: 'team1' }, input: { email: 'bob@example.test', roles: ['member'], url: URL_OK } }),
      status: 201,
      then: (o, s) => void (s.ids.membership = (o.result.body as { $id: string }).$id),
    },
  },
  'teams.updateMembershipStatus': {
    fail: { call: (s) => ({ path: team(s), input: { userId: 'nobody', secret: 'wrong' } }), status: 401, type: 'team_invalid_secret' },
    happy: {
      call: async (s) => {
        const { userId, secret } = await lastMessage()
        return { path: team(s), input: { userId, secret } }
      },
      status: 200,
      then: keepSession('bob'),
    },
  },
  'teams.listMemberships': {
    fail: { call: () => ({ as: 'bob', path: { teamId: 'nope' } }), status: 404, type: 'team_not_found' },
    happy: { call: () => ({ as: 'bob', path: { teamId: 'team1' } }), status: 200 },
  },
  'teams.getMembership': {
    fail: { call: (s) => ({ as: 'bob', path: team(s, { membershipId: 'nope' }) }), status: 404, type: 'membership_not_found' },
    happy: { call: (s) => ({ as: 'bob', path: team(s) }), status: 200 },
  },
  'teams.updateMembership': {
    fail: { call: (s) => ({ as: 'anonymous', path: team(s) }), status: 400, type: 'general_argument_invalid' },
    happy: { call: (s) => ({ as: 'anonymous', path: team(s), input: { roles: ['editor'] } }), status: 200 },
  },
  'teams.deleteMembership': {
    fail: { call: (s) => ({ as: 'anonymous', path: team(s, { membershipId: 'nope' }) }), status: 404, type: 'team_invite_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: team(s) }), status: 204 },
  },
  'teams.delete': {
    fail: { call: () => ({ as: 'anonymous', path: { teamId: 'nope' } }), status: 404, type: 'team_not_found' },
    happy: { call: () => ({ as: 'anonymous', path: { teamId: 'team1' } }), status: 204 },
  },

  'storage.createFile': {
    fail: { call: () => ({ as: 'anonymous', path: { bucketId: 'nope' }, input: { fileId: 'unique()' } }), status: 404, type: 'storage_bucket_not_found' },
    happy: {
      call: async () => ({ as: 'anonymous', path: { bucketId: 'open' }, input: { fileId: 'unique()', file: await spool('hello.txt', 'text/plain', Buffer.from('hello, core')) } }),
      status: 201,
      then: (o, s) => void (s.ids.file = (o.result.body as { $id: string }).$id),
    },
  },
  'storage.listFiles': {
    fail: { call: () => ({ as: 'anonymous', path: { bucketId: 'nope' } }), status: 404, type: 'storage_bucket_not_found' },
    happy: { call: () => ({ as: 'anonymous', path: { bucketId: 'open' } }), status: 200 },
  },
  'storage.getFile': {
    fail: { call: (s) => ({ as: 'anonymous', path: bucket(s, { fileId: 'nope' }) }), status: 404, type: 'storage_file_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: bucket(s) }), status: 200 },
  },
  'storage.updateFile': {
    fail: { call: (s) => ({ as: 'anonymous', path: bucket(s, { fileId: 'nope' }), input: { name: 'x.txt' } }), status: 404, type: 'storage_file_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: bucket(s), input: { name: 'renamed.txt' } }), status: 200 },
  },
  'storage.getFileDownload': {
    fail: { call: (s) => ({ as: 'anonymous', path: bucket(s, { fileId: 'nope' }) }), status: 404, type: 'storage_file_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: bucket(s) }), status: 200 },
  },
  'storage.getFileView': {
    fail: { call: (s) => ({ as: 'anonymous', path: bucket(s, { fileId: 'nope' }) }), status: 404, type: 'storage_file_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: bucket(s) }), status: 200 },
  },
  'storage.getFilePreview': {
    fail: { call: (s) => ({ as: 'anonymous', path: bucket(s), input: { width: 99999 } }), status: 400, type: 'general_argument_invalid' },
    happy: { call: (s) => ({ as: 'anonymous', path: bucket(s), input: { width: 64 } }), status: 200 },
  },
  'storage.deleteFile': {
    fail: { call: (s) => ({ as: 'anonymous', path: bucket(s, { fileId: 'nope' }) }), status: 404, type: 'storage_file_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: bucket(s) }), status: 204 },
  },

  'databases.createDocument': {
    fail: { call: () => ({ as: 'anonymous', path: { databaseId: 'main', collectionId: 'nope' }, input: { documentId: 'd1', data: { title: 'x' } } }), status: 404, type: 'collection_not_found' },
    happy: { call: () => ({ as: 'anonymous', path: { databaseId: 'main', collectionId: 'notes' }, input: { documentId: 'd1', data: { title: 'first' } } }), status: 201 },
  },
  'databases.listDocuments': {
    fail: { call: () => ({ as: 'anonymous', path: { databaseId: 'main', collectionId: 'notes' }, input: { queries: ['not json'] } }), status: 400, type: 'general_query_invalid' },
    happy: { call: () => ({ as: 'anonymous', path: { databaseId: 'main', collectionId: 'notes' }, input: { queries: ['{"method":"equal","attribute":"title","values":["first"]}'] } }), status: 200 },
  },
  'databases.getDocument': {
    fail: { call: (s) => ({ as: 'anonymous', path: { ...doc(s), documentId: 'nope' } }), status: 404, type: 'document_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: doc(s) }), status: 200 },
  },
  'databases.updateDocument': {
    fail: { call: (s) => ({ as: 'anonymous', path: doc(s), input: { data: { nope: 1 } } }), status: 400, type: 'document_invalid_structure' },
    happy: { call: (s) => ({ as: 'anonymous', path: doc(s), input: { data: { title: 'second' } } }), status: 200 },
  },
  'databases.deleteDocument': {
    fail: { call: (s) => ({ as: 'anonymous', path: { ...doc(s), documentId: 'nope' } }), status: 404, type: 'document_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: doc(s) }), status: 204 },
  },

  'messaging.createSubscriber': {
    fail: { call: () => ({ as: 'anonymous', path: { topicId: 'nope' }, input: { subscriberId: 'sub1', targetId: 'nope' } }), status: 404, type: 'topic_not_found' },
    happy: {
      call: async () => ({ as: 'anonymous', path: { topicId: 'news' }, input: { subscriberId: 'sub1', targetId: (await app.store.targets.findOne(PROJECT, { identifier: 'dave@example.test' }))!.id } }),
      status: 201,
    },
  },
  'messaging.deleteSubscriber': {
    fail: { call: () => ({ as: 'anonymous', path: { topicId: 'news', subscriberId: 'sub1' } }), status: 404, type: 'subscriber_not_found' },
    happy: { call: () => ({ as: 'dave', path: { topicId: 'news', subscriberId: 'sub1' } }), status: 204 },
  },

  'functions.createExecution': {
    fail: { call: () => ({ path: { functionId: 'nope' } }), status: 404, type: 'function_not_found' },
    happy: {
      call: () => ({ as: 'anonymous', path: { functionId: 'hello' }, input: { path: '/hi' } }),
      status: 201,
      then: (outcome, s) => {
        expect(outcome.result.body).toMatchObject({ status: 'completed', responseBody: 'hello /hi' })
        s.ids.execution = (outcome.result.body as { $id: string }).$id
      },
    },
  },
  'functions.listExecutions': {
    fail: { call: () => ({ path: { functionId: 'hello' } }), status: 401, type: 'general_unauthorized_scope' },
    happy: { call: () => ({ as: 'anonymous', path: { functionId: 'hello' } }), status: 200, then: (outcome) => expect(outcome.result.body).toMatchObject({ total: 1 }) },
  },
  'functions.getExecution': {
    fail: { call: () => ({ as: 'anonymous', path: { functionId: 'hello', executionId: 'nope' } }), status: 404, type: 'execution_not_found' },
    happy: { call: (s) => ({ as: 'anonymous', path: { functionId: 'hello', executionId: s.ids.execution! } }), status: 200 },
  },

  'graphql.query': {
    fail: { call: () => ({ input: {} }), status: 400, type: 'graphql_no_query' },
    happy: {
      call: () => ({ as: 'anonymous', input: { query: '{ accountGet { _id } }' } }),
      status: 200,
      then: (outcome) => expect(outcome.result.body).toMatchObject({ data: { accountGet: { _id: expect.any(String) } } }),
    },
  },
  'graphql.mutation': {
    fail: { call: () => ({ input: Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i, { query: '{ localeGet { ip } }' }])) }), status: 400, type: 'graphql_too_many_queries' },
    happy: {
      call: () => ({ as: 'anonymous', input: { query: 'mutation { teamsCreate(teamId: "gql", name: "GraphQL") { _id } }' } }),
      status: 200,
      then: (outcome) => expect(outcome.result.body).toEqual({ data: { teamsCreate: { _id: 'gql' } } }),
    },
  },
}

const spooled: SpooledFile[] = []
/** An upload part as the REST adapter hands it to the route's spool, from bytes in memory. */
async function spool(filename: string, mimetype: string, data: Buffer): Promise<SpooledFile> {
  const route = routeTable.find((r) => r.operation === 'storage.createFile')!
  const file = await route.spoolFile!(app.services, { filename, mimetype, stream: Readable.from([data]), truncated: () => false })
  spooled.push(file)
  return file
}

beforeAll(async () => {
  const png = await sharp({ create: { width: 32, height: 32, channels: 3, background: '#3366ff' } }).png().toBuffer()
  site = createServer((req, res) => {
    if (req.url === '/icon.png') return res.writeHead(200, { 'content-type': 'image/png' }).end(png)
    res.writeHead(200, { 'content-type': 'text/html' }).end('<html><head><link rel="icon" href="/icon.png"></head></html>')
  })
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve))
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}`
  clock = new FakeClock()
  const functionDir = mkdtempSync(join(tmpdir(), 'core-fn-'))
  writeFileSync(join(functionDir, 'index.js'), "module.exports = async (context) => context.res.send('hello ' + context.req.path)\n")
  const template = parseAppwriteJson(
    {
      databases: [{ $id: 'main', name: 'Main' }],
      collections: [{ $id: 'notes', databaseId: 'main', name: 'Notes', $permissions: ANY, attributes: [{ key: 'title', type: 'string', size: 100 }], indexes: [] }],
      buckets: [{ $id: 'open', name: 'Open', $permissions: ANY }],
      topics: [{ $id: 'news', name: 'News', subscribe: ['users'] }],
      functions: [{ $id: 'hello', name: 'Hello', runtime: 'node-18.0', execute: ['any'], path: functionDir, entrypoint: 'index.js' }],
    },
    '/core/appwrite.json',
  )
  app = await buildApp({ store: SqliteStore.open(':memory:'), template, clock, allowPrivateUrls: true })
})

afterAll(async () => {
  await Promise.all(spooled.map((f) => f.dispose()))
  await app?.server.close()
  await app?.store.close()
  await new Promise((resolve) => site?.close(resolve))
})

async function run(operation: string, c: Case) {
  const route = routeTable.find((r) => r.operation === operation)!
  const call = await c.call(state)
  const cookie = call.as ? state.sessions.get(call.as) : undefined
  if (call.as && !cookie) throw new Error(`no session for ${call.as}`)
  const outcome = await runOperation(
    route,
    {
      input: call.input ?? {},
      pathParams: call.path,
      headers: { 'x-appwrite-project': call.project ?? PROJECT, ...(cookie && { cookie }) },
      client: CLIENT,
    },
    app.services,
  )
  const got = outcome.ok ? { status: outcome.result.status } : { status: renderError(outcome.error).status, type: renderError(outcome.error).body.type, message: renderError(outcome.error).body.message }
  expect(got, operation).toMatchObject({ status: c.status, ...(c.type && { type: c.type }) })
  if (outcome.ok && c.then) await c.then(outcome, state)
}

describe('every route through the operation core, without HTTP', () => {
  it('has a failing and a happy case for every route of the table', () => {
    expect(routeTable.map((r) => r.operation).filter((op) => !CASES[op])).toEqual([])
    expect(Object.keys(CASES).filter((op) => !routeTable.some((r) => r.operation === op))).toEqual([])
  })

  for (const [operation, { fail, happy }] of Object.entries(CASES)) {
    it(`${operation}: refused`, () => run(operation, fail))
    it(`${operation}: served`, () => run(operation, happy))
  }
})
