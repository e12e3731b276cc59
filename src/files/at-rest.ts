import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import { promisify } from 'node:util'
import { gunzip, gzip } from 'node:zlib'
import { lazyRequire } from '../lazy.js'

const loadZstd = lazyRequire<typeof import('@mongodb-js/zstd')>('@mongodb-js/zstd')

const gzipAsync = promisify(gzip)
const gunzipAsync = promisify(gunzip)

export type Compression = 'none' | 'gzip' | 'zstd'

/** How a file's bytes are kept: compressed with `algorithm`, then encrypted when `encrypted`. */
export interface AtRest {
  algorithm: Compression
  encrypted: boolean
}

/**
 * Appwrite compresses and encrypts only files up to `APP_STORAGE_READ_BUFFER` (20 MB); larger ones are kept as
 * they are, so they can be streamed and ranged without reading them whole.
 */
export const TRANSFORM_LIMIT = 20_000_000

const IV_BYTES = 12
const TAG_BYTES = 16

/**
 * Compresses, then encrypts with AES-256-GCM as `iv | ciphertext | tag`.
 * deviation: Appwrite uses AES-128-GCM with `_APP_OPENSSL_KEY_V1`; the emulator keeps a 256-bit key per data folder.
 */
export async function encodeAtRest(plain: Buffer, how: AtRest, key: Buffer): Promise<Buffer> {
  let data = plain
  // Appwrite's zstd level is 3 (utopia-php/storage Zstd default); gzip uses zlib's default.
  if (how.algorithm === 'gzip') data = await gzipAsync(data)
  else if (how.algorithm === 'zstd') data = await loadZstd().compress(data, 3)
  if (!how.encrypted) return data
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv('aes-256-gcm', key, iv)
  const body = Buffer.concat([cipher.update(data), cipher.final()])
  return Buffer.concat([iv, body, cipher.getAuthTag()])
}

/** Reverses `encodeAtRest`; throws when the bytes were changed (the GCM tag does not verify). */
export async function decodeAtRest(stored: Buffer, how: AtRest, key: Buffer): Promise<Buffer> {
  let data = stored
  if (how.encrypted) {
    if (data.length < IV_BYTES + TAG_BYTES) throw new Error('encrypted blob is too short')
    const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES))
    decipher.setAuthTag(data.subarray(data.length - TAG_BYTES))
    data = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()])
  }
  if (how.algorithm === 'gzip') data = await gunzipAsync(data)
  else if (how.algorithm === 'zstd') data = await loadZstd().decompress(data)
  return data
}

/**
 * The data folder's storage key: 32 random bytes in hex in `file`, created (mode 0600) on first use, so the
 * files under the folder stay readable across restarts and nowhere else.
 */
export function loadOrCreateKey(file: string): Buffer {
  if (existsSync(file)) {
    const hex = readFileSync(file, 'utf8').trim()
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`${file} does not hold a 64-hex-digit storage key`)
    return Buffer.from(hex, 'hex')
  }
  mkdirSync(dirname(file), { recursive: true })
  const key = randomBytes(32)
  writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
  return key
}
