import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator } from '../main.js'
import { securePrivateFolder } from './private-folder.js'

const mode = (path: string) => statSync(path).mode & 0o777
let dirs: string[] = []
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'aw-private-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
  dirs = []
})

describe('the data folder is private', () => {
  it('fixes the modes of an existing folder: folders 0700, files 0600', () => {
    const dir = join(tempDir(), 'data')
    mkdirSync(join(dir, 'files', 'p'), { recursive: true, mode: 0o755 })
    chmodSync(dir, 0o755)
    writeFileSync(join(dir, 'emulator.sqlite'), '', { mode: 0o644 })
    writeFileSync(join(dir, 'files', 'p', 'blob'), 'x', { mode: 0o666 })
    securePrivateFolder(dir)
    expect([mode(dir), mode(join(dir, 'files')), mode(join(dir, 'files', 'p'))]).toEqual([0o700, 0o700, 0o700])
    expect([mode(join(dir, 'emulator.sqlite')), mode(join(dir, 'files', 'p', 'blob'))]).toEqual([0o600, 0o600])
  })

  it('a started emulator keeps its database, key and uploads to its user alone', async () => {
    const data = join(tempDir(), 'data')
    const emulator = await startEmulator({ port: 0, data, logLevel: 'silent' })
    try {
      const headers = { 'x-appwrite-project': 'p', 'content-type': 'application/json' }
      const res = await fetch(`${emulator.url}/account`, { method: 'POST', headers, body: JSON.stringify({ userId: 'u', email: 'u@example.test', password: 'password123' }) })
      expect(res.status).toBe(201)
      expect(mode(data)).toBe(0o700)
      for (const file of ['emulator.sqlite', 'emulator.sqlite-wal', 'storage.key']) expect([file, mode(join(data, file))]).toEqual([file, 0o600])
    } finally {
      await emulator.stop()
    }
  })
})
