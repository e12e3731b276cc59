import { startEmulator, type RunningEmulator } from '../index.js'
import { ENV, type EmulatorOptions } from '../config/options.js'
import { randomToken, type EmulatorInfo } from './control.js'

/**
 * Starts one emulator for a test run: a free port, in memory, silent and behind a random control token, unless
 * `options` or the `APPWRITE_EMULATOR_*` environment variables say otherwise; `./appwrite.json` is loaded when present.
 */
export async function startSuiteEmulator(options: Partial<EmulatorOptions> = {}): Promise<{ emulator: RunningEmulator; info: EmulatorInfo }> {
  const env = process.env
  const defaults: Partial<EmulatorOptions> = {
    ...(env[ENV.port] === undefined && { port: 0 }),
    ...(env[ENV.inMemory] === undefined && env[ENV.data] === undefined && { inMemory: true }),
    ...(env[ENV.logLevel] === undefined && { logLevel: 'silent' }),
    ...(env[ENV.controlToken] === undefined && { controlToken: randomToken() }),
  }
  const emulator = await startEmulator({ ...defaults, ...options })
  return { emulator, info: { url: emulator.url, origin: emulator.origin, controlToken: emulator.options.controlToken } }
}
