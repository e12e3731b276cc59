import type { IdentityRecord, LogRecord, SessionRecord, TargetRecord, TokenRecord, UserRecord } from '../store/types.js'

/** Country names for the codes sessions and logs carry; the locale service replaces this with real data. */
export type CountryName = (code: string) => string
export const unknownCountry: CountryName = () => 'Unknown'

/** Target model. */
export function targetModel(t: TargetRecord) {
  return {
    $id: t.id,
    $createdAt: t.createdAt,
    $updatedAt: t.updatedAt,
    name: t.name,
    userId: t.userId,
    providerId: t.providerId,
    providerType: t.providerType,
    identifier: t.identifier,
  }
}

/** Account model: the user without password, hash, hashOptions and recovery codes. Nulls read as ''. */
export function accountModel(u: UserRecord, targets: TargetRecord[]) {
  return {
    $id: u.id,
    $createdAt: u.createdAt,
    $updatedAt: u.updatedAt,
    name: u.name ?? '',
    registration: u.registration,
    status: u.status,
    labels: u.labels,
    passwordUpdate: u.passwordUpdate ?? '',
    email: u.email ?? '',
    phone: u.phone ?? '',
    emailVerification: u.emailVerification,
    phoneVerification: u.phoneVerification,
    mfa: u.mfa,
    prefs: u.prefs,
    targets: targets.map(targetModel),
    accessedAt: u.accessedAt,
  }
}

/** Session model for a client caller: `secret` is always empty, `current` marks the caller's session. */
export function sessionModel(s: SessionRecord, currentSessionId: string | null, countryName: CountryName) {
  return {
    $id: s.id,
    $createdAt: s.createdAt,
    $updatedAt: s.updatedAt,
    userId: s.userId,
    expire: s.expire,
    provider: s.provider,
    providerUid: s.providerUid,
    providerAccessToken: s.providerAccessToken,
    providerAccessTokenExpiry: s.providerAccessTokenExpiry,
    providerRefreshToken: s.providerRefreshToken,
    ip: s.ip,
    osCode: s.osCode,
    osName: s.osName,
    osVersion: s.osVersion,
    clientType: s.clientType,
    clientCode: s.clientCode,
    clientName: s.clientName,
    clientVersion: s.clientVersion,
    clientEngine: s.clientEngine,
    clientEngineVersion: s.clientEngineVersion,
    deviceName: s.deviceName,
    deviceBrand: s.deviceBrand,
    deviceModel: s.deviceModel,
    countryCode: s.countryCode,
    countryName: countryName(s.countryCode),
    current: s.id === currentSessionId,
    factors: s.factors,
    secret: '',
    mfaUpdatedAt: s.mfaUpdatedAt,
  }
}

/** Token model for a client caller: the secret travels by email or SMS, never in the response. */
export function tokenModel(t: TokenRecord) {
  return { $id: t.id, $createdAt: t.createdAt, userId: t.userId, secret: '', expire: t.expire, phrase: t.phrase }
}

/** Identity model. */
export function identityModel(i: IdentityRecord) {
  return {
    $id: i.id,
    $createdAt: i.createdAt,
    $updatedAt: i.updatedAt,
    userId: i.userId,
    provider: i.provider,
    providerUid: i.providerUid,
    providerEmail: i.providerEmail,
    providerAccessToken: i.providerAccessToken,
    providerAccessTokenExpiry: i.providerAccessTokenExpiry,
    providerRefreshToken: i.providerRefreshToken,
  }
}

/** Log model. */
export function logModel(l: LogRecord, countryName: CountryName) {
  return {
    event: l.event,
    userId: l.userId,
    userEmail: l.userEmail,
    userName: l.userName,
    mode: l.mode,
    ip: l.ip,
    time: l.time,
    osCode: l.osCode,
    osName: l.osName,
    osVersion: l.osVersion,
    clientType: l.clientType,
    clientCode: l.clientCode,
    clientName: l.clientName,
    clientVersion: l.clientVersion,
    clientEngine: l.clientEngine,
    clientEngineVersion: l.clientEngineVersion,
    deviceName: l.deviceName,
    deviceBrand: l.deviceBrand,
    deviceModel: l.deviceModel,
    countryCode: l.countryCode,
    countryName: countryName(l.countryCode),
  }
}
