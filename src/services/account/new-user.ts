import type { UserRecord } from '../../store/types.js'

/**
 * A user record as every sign-up path creates it (password, anonymous, first token, OAuth2, invitation):
 * active, unverified, no MFA, empty prefs, with the given fields on top.
 */
export function newUserRecord(id: string, now: string, fields: Partial<UserRecord> = {}): UserRecord {
  return {
    id,
    createdAt: now,
    updatedAt: now,
    name: null,
    email: null,
    phone: null,
    passwordHash: null,
    passwordUpdate: null,
    passwordHistory: [],
    registration: now,
    status: true,
    labels: [],
    emailVerification: false,
    phoneVerification: false,
    mfa: false,
    prefs: {},
    accessedAt: now,
    ...fields,
  }
}
