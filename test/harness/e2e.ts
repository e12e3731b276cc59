import { afterAll, afterEach, beforeAll, expect } from 'vitest'
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/index.js'
import { sdkResponses, sdkUser, type SdkUser, type SdkUserOptions } from './sdk.js'
import { sharedAvailable } from './shared.js'
import { assertResponsesMatchSpec } from './spec.js'
import { V17_REMOVED } from '../../src/core/format/index.js'

const V17_KEYS: Record<string, readonly string[]> = {
  session: V17_REMOVED.session, sessionList: V17_REMOVED.session, token: V17_REMOVED.token,
  membership: V17_REMOVED.membership, membershipList: V17_REMOVED.membership,
}
/** A spec problem that is only a key the 1.4 shape lacks, e.g. `sessionList/sessions/0: missing key "factors"`. */
const removedByV17 = (problem: string): boolean => {
  const m = /^(\w+).*: missing key "(\w+)"$/.exec(problem)
  return !!m && (V17_KEYS[m[1]!]?.includes(m[2]!) ?? false)
}

/** What an e2e file gets from `useSdkSuite`. */
export interface SdkSuite {
  /** The running emulator (available inside tests and hooks). */
  readonly emulator: RunningEmulator
  /** A simulated browser of the official SDK in `projectId`; closed after the test. */
  browser(name: string, projectId: string, options?: SdkUserOptions): SdkUser
}

/**
 * The set-up every SDK end-to-end file shares: one in-memory emulator on 127.0.0.1 for the file, simulated
 * browsers closed after each test, and every response they saw held against the client spec (skipped with a
 * printed reason without ../shared, failing in CI). `E2E_DUMP=1` prints each exchange, for debugging a flow.
 */
export function useSdkSuite(options: {
  emulator?: Partial<EmulatorOptions>
  expectResponses?: boolean
  /**
   * `1.4` for a suite of an SDK built for Appwrite 1.4 (appwrite@13): its answers are held against the 1.5 spec
   * minus the keys the V17 response filter removes (session factors/secret, token phrase, membership mfa).
   */
  responseFormat?: '1.4'
} = {}): SdkSuite {
  let emulator: RunningEmulator | undefined
  let users: SdkUser[] = []
  beforeAll(async () => {
    emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', ...options.emulator })
  })
  afterAll(async () => {
    await emulator?.stop()
  })
  afterEach(async () => {
    for (const user of users) user.close()
    users = []
    const records = await sdkResponses.take()
    if (options.expectResponses) expect(records.length, "the recorder saw this test's responses").toBeGreaterThan(0)
    if (process.env.E2E_DUMP) console.log(records.map((r) => `${r.user} ${r.method} ${r.path} ${r.status} ${r.text.slice(0, 400)}`).join('\n'))
    if (sharedAvailable('checking e2e responses against client-openapi3.json')) {
      assertResponsesMatchSpec(records, options.responseFormat === '1.4' ? removedByV17 : undefined)
    }
  })
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in beforeAll')
      return emulator
    },
    browser(name, projectId, userOptions = {}) {
      const user = sdkUser(this.emulator, projectId, { name, ...userOptions })
      users.push(user)
      return user
    },
  }
}
