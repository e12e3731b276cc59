/** The programmatic entry: `const emulator = await startEmulator({ port: 0, inMemory: true })`. */
export { startEmulator, StartError, type RunningEmulator, type EmulatorMessage, type LoadedConfig } from './main.js'
export { OptionsError, type EmulatorOptions } from './config/options.js'
export { ConfigError } from './config/appwrite-json.js'
export type { EmulatorTestFeatures } from './control/public-types.js'
