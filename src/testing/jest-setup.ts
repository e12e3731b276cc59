import type { RunningEmulator } from '../index.js'
import { startSuiteEmulator } from './suite.js'

/** Where the global setup leaves the emulator for the global teardown (Jest runs both in one context). */
const KEY = Symbol.for('appwrite-emulator/jest')

/**
 * Jest's `globalSetup: 'appwrite-emulator/jest/setup'`: starts the emulator (see `startSuiteEmulator`) and passes
 * it to the test workers as `APPWRITE_ENDPOINT`, `APPWRITE_EMULATOR_ORIGIN` and `APPWRITE_EMULATOR_CONTROL_TOKEN`,
 * which `appwrite-emulator/jest` reads.
 */
export default async function globalSetup(): Promise<void> {
  const { emulator, info } = await startSuiteEmulator()
  ;(globalThis as Record<symbol, RunningEmulator>)[KEY] = emulator
  process.env.APPWRITE_ENDPOINT = info.url
  process.env.APPWRITE_EMULATOR_ORIGIN = info.origin
  if (info.controlToken) process.env.APPWRITE_EMULATOR_CONTROL_TOKEN = info.controlToken
}

/** Jest's `globalTeardown: 'appwrite-emulator/jest/teardown'`: stops what the setup started. */
export async function globalTeardown(): Promise<void> {
  const emulator = (globalThis as Record<symbol, RunningEmulator | undefined>)[KEY]
  delete (globalThis as Record<symbol, unknown>)[KEY]
  await emulator?.stop()
}
