import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gunzipSync } from 'node:zlib'
import { afterAll, describe, expect, it } from 'vitest'
import { decodeAtRest, encodeAtRest, loadOrCreateKey } from './at-rest.js'

const dir = mkdtempSync(join(tmpdir(), 'at-rest-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))
const key = Buffer.alloc(32, 9)
const plain = Buffer.from('the quick brown fox '.repeat(200))

describe('at-rest encoding', () => {
  it.each([
    ['none', false],
    ['gzip', false],
    ['zstd', false],
    ['none', true],
    ['gzip', true],
    ['zstd', true],
  ] as const)('%s, encrypted %s, round-trips', async (algorithm, encrypted) => {
    const stored = await encodeAtRest(plain, { algorithm, encrypted }, key)
    if (encrypted) expect(stored.includes(Buffer.from('quick brown'))).toBe(false)
    if (algorithm !== 'none') expect(stored.length).toBeLessThan(plain.length / 4)
    if (algorithm === 'gzip' && !encrypted) expect(gunzipSync(stored).equals(plain)).toBe(true)
    if (algorithm === 'zstd' && !encrypted) expect(stored.subarray(0, 4).toString('hex')).toBe('28b52ffd')
    expect((await decodeAtRest(stored, { algorithm, encrypted }, key)).equals(plain)).toBe(true)
  })

  it('refuses changed ciphertext and the wrong key', async () => {
    const stored = await encodeAtRest(plain, { algorithm: 'gzip', encrypted: true }, key)
    const changed = Buffer.from(stored)
    changed[20] = changed[20]! ^ 1
    await expect(decodeAtRest(changed, { algorithm: 'gzip', encrypted: true }, key)).rejects.toThrow()
    await expect(decodeAtRest(stored, { algorithm: 'gzip', encrypted: true }, Buffer.alloc(32, 1))).rejects.toThrow()
  })

  it('keeps one key per data folder, readable only by its owner', () => {
    const file = join(dir, 'storage.key')
    const first = loadOrCreateKey(file)
    expect(first.length).toBe(32)
    expect(loadOrCreateKey(file).equals(first)).toBe(true)
    expect(statSync(file).mode & 0o777).toBe(0o600)
    expect(readFileSync(file, 'utf8').trim()).toMatch(/^[0-9a-f]{64}$/)
  })
})
