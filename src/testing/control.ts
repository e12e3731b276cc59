import { randomBytes } from 'node:crypto'
import type { EmulatorMessage } from './message.js'

/** Where a suite's emulator is: what a global setup hands to test files. */
export interface EmulatorInfo {
  /** The API endpoint for the SDK, e.g. `http://127.0.0.1:41234/v1`. */
  url: string
  /** The server's origin, for the control API. */
  origin: string
  /** The control API's bearer token, or null when it is open to loopback clients. */
  controlToken: string | null
}

/** An email or SMS the emulator "sent". */
export type SentMessage = EmulatorMessage

/** The control API (`/_emulator/*`) of a running emulator, from test files. */
export interface EmulatorControl extends EmulatorInfo {
  /**
   * Any control-API request: `control('GET', '/_emulator/projects/p/executions')`. Resolves with the parsed JSON
   * (undefined for 204); rejects with the status and body for an error status.
   */
  control<T = unknown>(method: string, path: string, body?: unknown): Promise<T>
  /** The emails and SMS sent in a project, oldest first. */
  messages(projectId: string): Promise<SentMessage[]>
  /** Wipes one project and rebuilds it from the config. */
  reset(projectId: string): Promise<void>
}

/** A control-API client for the emulator at `info`. */
export function controlClient(info: EmulatorInfo): EmulatorControl {
  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const headers: Record<string, string> = {}
    if (info.controlToken) headers.authorization = `Bearer ${info.controlToken}`
    if (body !== undefined) headers['content-type'] = 'application/json'
    const url = new URL(path.startsWith('/') ? path : `/${path}`, info.origin)
    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
    const text = await response.text()
    if (!response.ok) throw new Error(`appwrite-emulator control API: ${method} ${url.pathname} answered ${response.status}: ${text.slice(0, 500)}`)
    return (text ? JSON.parse(text) : undefined) as T
  }
  const project = (projectId: string) => `/_emulator/projects/${encodeURIComponent(projectId)}`
  return {
    ...info,
    control,
    async messages(projectId) {
      return (await control<{ messages: SentMessage[] }>('GET', `${project(projectId)}/messages`)).messages
    },
    async reset(projectId) {
      await control('DELETE', project(projectId))
    },
  }
}

/** A project ID no other test uses: `<prefix>-<random>`, a valid Appwrite ID (at most 36 characters). */
export function freshProjectId(prefix = 'test'): string {
  const clean = prefix.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '').slice(0, 20) || 'test'
  return `${clean}-${randomBytes(6).toString('hex')}`
}

/** A project ID that changes per test or per file; read `.id` inside hooks and tests. */
export interface TestProject {
  readonly id: string
}

/** The hooks `useProject` needs from a test runner (vitest's and Jest's have these names). */
export interface RunnerHooks {
  beforeAll(fn: () => void): void
  beforeEach(fn: () => void): void
}

/** A fresh project ID for each test (`'test'`) or once for the file (`'file'`), set by the runner's hooks. */
export function projectPer(hooks: RunnerHooks, scope: 'test' | 'file', prefix?: string): TestProject {
  let id: string | undefined
  const next = () => void (id = freshProjectId(prefix))
  if (scope === 'file') hooks.beforeAll(next)
  else hooks.beforeEach(next)
  return {
    get id() {
      if (!id) throw new Error('useProject(): the project ID is set in beforeAll/beforeEach; read .id inside a hook or test')
      return id
    },
  }
}

/** A control token for a suite's emulator. */
export const randomToken = () => randomBytes(24).toString('hex')
