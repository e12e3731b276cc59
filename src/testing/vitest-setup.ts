import type { EmulatorOptions } from '../config/options.js'
import type { EmulatorInfo } from './control.js'
import { startSuiteEmulator } from './suite.js'

/** What vitest hands a global setup (its `TestProject`); only `provide` is used. */
interface ProvidingProject {
  provide(key: 'appwriteEmulator', value: EmulatorInfo): void
}

/**
 * A vitest `globalSetup` that starts the emulator with `options` (see `startSuiteEmulator`) and `provide`s
 * `appwriteEmulator` (URL, origin, control token) to test files; `appwrite-emulator/vitest` reads it.
 * For your own options: `export default setupEmulator({ config: './appwrite.json' })` in a setup file of yours.
 */
export function setupEmulator(options: Partial<EmulatorOptions> = {}) {
  return async function setup(project: ProvidingProject): Promise<() => Promise<void>> {
    const { emulator, info } = await startSuiteEmulator(options)
    project.provide('appwriteEmulator', info)
    process.env.APPWRITE_ENDPOINT = info.url
    return () => emulator.stop()
  }
}

/** `globalSetup: ['appwrite-emulator/vitest/setup']`: the emulator with the defaults and `APPWRITE_EMULATOR_*`. */
export default setupEmulator()
