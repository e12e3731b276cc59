import { controlClient, projectPer, type EmulatorControl, type RunnerHooks, type TestProject } from './control.js'

let client: EmulatorControl | undefined

/** The suite's emulator, from the environment the global setup `appwrite-emulator/jest/setup` left. */
export function useEmulator(): EmulatorControl {
  if (client) return client
  const env = process.env
  if (!env.APPWRITE_ENDPOINT || !env.APPWRITE_EMULATOR_ORIGIN) {
    throw new Error("appwrite-emulator/jest: no emulator; add globalSetup: 'appwrite-emulator/jest/setup' and globalTeardown: 'appwrite-emulator/jest/teardown' to the Jest config")
  }
  return (client = controlClient({ url: env.APPWRITE_ENDPOINT, origin: env.APPWRITE_EMULATOR_ORIGIN, controlToken: env.APPWRITE_EMULATOR_CONTROL_TOKEN || null }))
}

/** A fresh project ID per test (default) or per file, with Jest's global `beforeAll`/`beforeEach`. */
export function useProject(scope: 'test' | 'file' = 'test', prefix?: string): TestProject {
  return projectPer(globalThis as unknown as RunnerHooks, scope, prefix)
}

export { controlClient, freshProjectId, type EmulatorControl, type EmulatorInfo, type SentMessage, type TestProject } from './control.js'
