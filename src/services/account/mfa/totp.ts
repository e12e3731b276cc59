import { randomBytes } from 'node:crypto'
import { Secret, TOTP } from 'otpauth'

/** TOTP as Appwrite configures otphp: SHA1, 6 digits, 30-second periods. */
const ALGORITHM = 'SHA1'
const DIGITS = 6
const PERIOD = 30

/** A new TOTP secret: Base32 (upper case, no padding) of 64 random bytes, 103 chars, as otphp makes it. */
export function newTotpSecret(): string {
  return new Secret({ size: 64 }).base32
}

/**
 * The code an authenticator app shows for `secret` at `timestampMs`. The emulator itself only checks codes; tests
 * use this to act as the app.
 */
export function totpCode(secret: string, timestampMs: number): string {
  return totp(secret).generate({ timestamp: timestampMs })
}

/** Whether `otp` is the code of the period containing `timestampMs` exactly: Appwrite checks with no window. */
export function verifyTotp(secret: string, otp: string, timestampMs: number): boolean {
  return totp(secret).validate({ token: otp, timestamp: timestampMs, window: 0 }) === 0
}

/**
 * The `otpauth://` URI for authenticator apps, written the way otphp 10 writes it so the string matches
 * Appwrite's: `otpauth://totp/<rawurlencode("issuer:label")>?issuer=<issuer>&secret=<secret>`, parameters sorted
 * by name and the defaults (algorithm, digits, period) left out. Any otpauth parser reads it.
 */
export function provisioningUri(secret: string, issuer: string, label: string): string {
  return `otpauth://totp/${rawUrlEncode(`${issuer}:${label}`)}?issuer=${rawUrlEncode(issuer)}&secret=${rawUrlEncode(secret)}`
}

/** Appwrite's recovery codes: `total` codes of `length` hex chars each (`Auth::tokenGenerator(10)` six times). */
export function newRecoveryCodes(total = 6, length = 10): string[] {
  return Array.from({ length: total }, () => randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length))
}

function totp(secret: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: ALGORITHM, digits: DIGITS, period: PERIOD })
}

/** PHP `rawurlencode`: RFC 3986, so `!'()*` are escaped too, unlike `encodeURIComponent`. */
function rawUrlEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}
