import { appendFileSync, existsSync } from 'node:fs'
import { basename, dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, it } from 'vitest'

/** The repository root (this file is `test/harness/shared.ts`). */
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

/** The environment variable naming another copy of the oracle: the `shared` folder, or its `appwrite-1.5` folder. */
export const SPEC_DIR_ENV = 'APPWRITE_SPEC_DIR'

/** `../shared` beside the repository, where the oracle is unless `APPWRITE_SPEC_DIR` names another copy. */
export const defaultSharedDir = resolve(repoRoot, '..', 'shared')

/**
 * Appwrite's spec, error list and BEHAVIORS notes, never copied into the project: `$APPWRITE_SPEC_DIR` when set
 * (a folder holding `appwrite-1.5/`, or that `appwrite-1.5` folder itself), else `../shared`.
 */
export const sharedDir = sharedDirFrom(process.env[SPEC_DIR_ENV])

/** The shared folder for an `APPWRITE_SPEC_DIR` value (resolved against the working directory). */
export function sharedDirFrom(specDir: string | undefined): string {
  if (!specDir) return defaultSharedDir
  const dir = resolve(specDir)
  // Named the appwrite-1.5 folder itself: its parent plays the shared folder.
  return basename(dir) === 'appwrite-1.5' || existsSync(join(dir, 'client-openapi3.json')) ? dirname(dir) : dir
}

/** A file under the shared folder, e.g. `sharedPath('appwrite-1.5/errors.json')`. */
export const sharedPath = (relative: string) => resolve(sharedDir, relative)

const missingReason = (what: string, dir: string) => `${what} needs ${dir}, which is missing`

/**
 * The one policy for tests that read `../shared`: present → true; missing outside CI → false after printing why
 * (the caller skips); missing with CI=true → throws, so the test fails instead of passing vacuously.
 */
export function sharedAvailable(what: string, dir = sharedDir, ci = process.env.CI === 'true'): boolean {
  if (existsSync(dir)) return true
  if (ci) throw new Error(`${missingReason(what, dir)}; CI=true, so this fails instead of skipping`)
  logSkipOnce(`skipped: ${missingReason(what, dir)} (with CI=true this fails; ${SPEC_DIR_ENV} names another copy)`)
  if (dir === sharedDir) recordSkip(what)
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

/** The file the summary reporter counts skipped spec checks in (it sets the variable before the workers start). */
export const SKIP_LOG_ENV = 'APPWRITE_EMULATOR_TEST_SKIP_LOG'

/** One line per spec check not run, for the closing summary. */
function recordSkip(what: string) {
  const log = process.env[SKIP_LOG_ENV]
  if (log) appendFileSync(log, `${JSON.stringify({ what, dir: sharedDir })}\n`)
}

const printed = new Set<string>()
function logSkipOnce(message: string) {
  if (printed.has(message)) return
  printed.add(message)
  console.warn(`[appwrite-emulator tests] ${message}`)
}
