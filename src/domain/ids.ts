import { randomBytes, randomFillSync } from 'node:crypto'

let lastMicros = 0n

/**
 * Appwrite's `ID::unique()`: PHP `uniqid()` (8 hex digits of seconds, 5 of microseconds) plus 7 random hex
 * digits, 20 lowercase hex chars in all, ordered by creation time. Microseconds never repeat within a process,
 * so IDs made in one process sort in creation order.
 */
export function uniqueId(): string {
  let micros = BigInt(Date.now()) * 1000n
  if (micros <= lastMicros) micros = lastMicros + 1n
  lastMicros = micros
  const seconds = micros / 1_000_000n
  const usec = micros % 1_000_000n
  return seconds.toString(16).padStart(8, '0') + usec.toString(16).padStart(5, '0') + randomHex7()
}

// IDs are not secrets: their random digits come from a pool refilled 4 KB at a time (one system call per
// 1,024 IDs instead of one each). Secrets (`hexSecret`) still draw fresh bytes.
const pool = Buffer.alloc(4096)
let poolAt = pool.length

function randomHex7(): string {
  if (poolAt + 4 > pool.length) {
    randomFillSync(pool)
    poolAt = 0
  }
  const value = pool.readUInt32BE(poolAt) >>> 4
  poolAt += 4
  return value.toString(16).padStart(7, '0')
}

const KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,35}$/

/** utopia `Key`: 1–36 chars of `[A-Za-z0-9_.-]`, not starting with a special char. */
export function isValidKey(value: unknown): value is string {
  return typeof value === 'string' && KEY_PATTERN.test(value)
}

/** The literal `unique()` or a valid key, resolved to a concrete ID. */
export function resolveCustomId(value: string): string {
  return value === 'unique()' ? uniqueId() : value
}

/** A hex secret of `length` chars, as `Auth::tokenGenerator`. */
export function hexSecret(length: number): string {
  return randomBytes(Math.ceil(length / 2)).toString('hex').slice(0, length)
}
