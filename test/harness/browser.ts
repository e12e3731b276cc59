import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext } from 'playwright-core'

/**
 * Headless Chromium for the browser flows (OAuth2 pages, cookies, CORS, redirects): Debian's `chromium` package,
 * driven by `playwright-core`. No browser can be downloaded here (`npx playwright install` fails), so the system
 * binary is used; `.ci/run` installs it with apt-get.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

/**
 * Whether the browser tests can run. Without Chromium they are skipped with a printed reason on a developer
 * machine, but in CI (`CI=true`) a missing browser is a failure, so the flows are never silently untested.
 */
export function chromiumStatus(): { run: true } | { run: false; reason: string } {
  if (existsSync(CHROMIUM_PATH)) return { run: true }
  const reason = `${CHROMIUM_PATH} is missing (install Debian's chromium package: apt-get install -y chromium)`
  if (process.env.CI === 'true') throw new Error(`browser tests cannot run in CI: ${reason}`)
  console.warn(`skipping browser tests: ${reason}`)
  return { run: false, reason }
}

/** One fresh browser profile (its own `--user-data-dir`, so no cookies or storage from before). */
export interface BrowserProfile {
  context: BrowserContext
  close(): Promise<void>
}

/** Launches Chromium on a new temporary profile directory, removed again on close. */
export async function launchChromium(): Promise<BrowserProfile> {
  const profile = await mkdtemp(join(tmpdir(), 'appwrite-emulator-chromium-'))
  let context: BrowserContext
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ARGS,
      timeout: 20_000,
    })
  } catch (error) {
    await rm(profile, { recursive: true, force: true })
    throw error
  }
  context.setDefaultTimeout(10_000)
  return {
    context,
    async close() {
      await context.close().catch(() => {})
      await rm(profile, { recursive: true, force: true })
    },
  }
}
