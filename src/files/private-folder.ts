import { chmodSync, closeSync, existsSync, lstatSync, mkdirSync, openSync, readdirSync } from 'node:fs'
import { join } from 'node:path'

/**
 * Makes the data folder private to the emulator's user: the folder and every folder in it 0700, every file 0600.
 * It holds the JWT signing secret, TOTP secrets, recovery codes and the outbox's codes. An existing folder made
 * by an older version, or by hand, has its modes fixed at start. Symbolic links are left alone (never followed).
 */
export function securePrivateFolder(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const walk = (path: string) => {
    const stat = lstatSync(path)
    if (stat.isSymbolicLink()) return
    if (stat.isDirectory()) {
      if ((stat.mode & 0o777) !== 0o700) chmodSync(path, 0o700)
      for (const name of readdirSync(path)) walk(join(path, name))
    } else if ((stat.mode & 0o777) !== 0o600) {
      chmodSync(path, 0o600)
    }
  }
  walk(dir)
}

/** Creates an empty file with mode 0600 unless it exists, so what opens it later (SQLite and its WAL) keeps that mode. */
export function touchPrivateFile(file: string): void {
  if (existsSync(file)) return
  closeSync(openSync(file, 'a', 0o600))
}
