import { createRequire } from 'node:module'
import { hash, verify } from '@node-rs/argon2'

// Argon2id with the cost Appwrite 1.5 uses for its own users (memory 2048 KiB, 4 passes, 3 lanes).
const ARGON2ID = 2
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 2048, timeCost: 4, parallelism: 3 }

/** Hashes a password with argon2id; only the hash is ever stored. */
export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS)
}

/** Checks a password against a stored hash; a malformed hash is a mismatch, not an error. */
export async function verifyPassword(hashed: string, password: string): Promise<boolean> {
  try {
    return await verify(hashed, password)
  } catch {
    return false
  }
}

let dictionary: Set<string> | null = null

/**
 * Whether a password is among the 10,000 most common ones (Appwrite's `passwordDictionary` setting). The list
 * comes from the zxcvbn-ts common-language package and is loaded on first use.
 */
export function isCommonPassword(password: string): boolean {
  if (!dictionary) {
    const require = createRequire(import.meta.url)
    const list = require('@zxcvbn-ts/language-common/src/passwords.json') as string[]
    dictionary = new Set(list.slice(0, 10_000))
  }
  return dictionary.has(password.toLowerCase())
}

/** Appwrite's personal-data rule: the password may not contain the user's ID, email, name or phone. */
export function containsPersonalData(password: string, user: { id: string; email: string | null; name: string | null; phone: string | null }): boolean {
  const p = password.toLowerCase()
  const parts = [user.id, user.email, user.email?.split('@')[0], user.name, user.phone?.replace(/^\+/, '')]
  return parts.some((part) => typeof part === 'string' && part.length > 0 && p.includes(part.toLowerCase()))
}
