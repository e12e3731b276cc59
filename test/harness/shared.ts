import { existsSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

/** The repository root (this file is `test/harness/shared.ts`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** `../shared` beside the repository: Appwrite's spec, error list and BEHAVIORS notes, never copied into the project. */
export const sharedDir = resolve(repoRoot, '..', 'shared')

/** A file under `../shared`, e.g. `sharedPath('appwrite-1.5/errors.json')`. */
export const sharedPath = (relative: string) => resolve(sharedDir, relative)

const missingReason = (what: string, dir: string) => `${what} needs ${dir}, which is missing`

/**
 * The one policy for tests that read `../shared`: present → true; missing outside CI → false after printing why
 * (the caller skips); missing with CI=true → throws, so the test fails instead of passing vacuously.
 */
export function sharedAvailable(what: string, dir = sharedDir, ci = process.env.CI === 'true'): boolean {
  if (existsSync(dir)) return true
  if (ci) throw new Error(`${missingReason(what, dir)}; CI=true, so this fails instead of skipping`)
  logSkipOnce(`skipped: ${missingReason(what, dir)} (with CI=true this fails)`)
  return false
}

/** `describe` for a block that needs `../shared`: runs it, skips it with a printed reason, or fails in CI. */
export function describeWithShared(title: string, body: () => void): void {
  let available: boolean
  try {
    available = sharedAvailable(title)
  } catch (error) {
    describe(title, () => {
      it('finds ../shared', () => {
        throw error
      })
    })
    return
  }
  if (available) describe(title, body)
  // A placeholder, so the reporter shows the skip; the body itself would read the missing files.
  else describe.skip(title, () => it(`skipped: ${missingReason(title, sharedDir)}`, () => {}))
}

const printed = new Set<string>()
function logSkipOnce(message: string) {
  if (printed.has(message)) return
  printed.add(message)
  console.warn(`[appwrite-emulator tests] ${message}`)
}
