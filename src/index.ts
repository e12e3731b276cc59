/** The programmatic entry: `const emulator = await startEmulator({ port: 0, inMemory: true })`. */
export { startEmulator, type RunningEmulator, type EmulatorMessage } from './main.js'
export type { EmulatorOptions } from './config/options.js'
export { ConfigError } from './config/appwrite-json.js'
