import { beforeAll, beforeEach, inject } from 'vitest'
import { controlClient, freshProjectId, projectPer, type EmulatorControl, type EmulatorInfo, type TestProject } from './control.js'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Set by the `appwrite-emulator/vitest/setup` global setup. */
    appwriteEmulator: EmulatorInfo
  }
}

let client: EmulatorControl | undefined

/**
 * The suite's emulator, from the global setup `appwrite-emulator/vitest/setup`: `url` for the SDK,
 * `messages(projectId)`, `reset(projectId)` and `control(method, path, body)` for any control-API route.
 */
export function useEmulator(): EmulatorControl {
  if (client) return client
  const info = inject('appwriteEmulator')
  if (!info) throw new Error("appwrite-emulator/vitest: no emulator; add globalSetup: ['appwrite-emulator/vitest/setup'] to vitest.config")
  return (client = controlClient(info))
}

/** A fresh project ID per test (default) or per file, so tests never see each other's users or documents. */
export function useProject(scope: 'test' | 'file' = 'test', prefix?: string): TestProject {
  return projectPer({ beforeAll, beforeEach }, scope, prefix)
}

export { controlClient, freshProjectId, type EmulatorControl, type EmulatorInfo, type SentMessage, type TestProject } from './control.js'
