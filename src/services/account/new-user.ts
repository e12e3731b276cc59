import { uniqueId } from '../../domain/ids.js'
import type { TargetRecord, UserRecord } from '../../store/types.js'

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

/** A messaging target for a user's email, phone or device, as each sign-up and contact change creates one. */
export function newTargetRecord(userId: string, providerType: TargetRecord['providerType'], identifier: string, now: string): TargetRecord {
  return { id: uniqueId(), createdAt: now, updatedAt: now, userId, name: '', providerId: null, providerType, identifier }
}
