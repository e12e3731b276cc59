import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import vm from 'node:vm'
import type * as AppwriteModule from 'appwrite'
import type * as Appwrite13Module from 'appwrite-13'
import { WebSocket as NodeWebSocket } from 'ws'
import { CookieJar, MemoryStorage } from '../../src/node/browser-state.js'

export { CookieJar, MemoryStorage }

/**
 * Runs the official web SDK `appwrite@14.0.1` unchanged in Node, one isolated browser per simulated user.
 *
 * Each user gets its own `vm` context running the SDK's browser build (`dist/iife/sdk.js`, byte for byte), with
 * the globals a browser tab would give it: `window` (the context itself), `fetch` (Node's fetch behind a per-user
 * cookie jar), `localStorage` (per user, so `cookieFallback` is per user), `WebSocket` (the `ws` package, sending
 * the user's cookies on the handshake), and Node's own `FormData`/`File`/`Blob`. The browser build reaches the
 * network only through `window.fetch` and never loads `cross-fetch` or `isomorphic-form-data`, so nothing
 * process-wide is patched and alice, bob and a guest can act at the same moment without sharing anything.
 * See SDK-NOTES.md for why the ESM build cannot be used as is in Node.
 */

/** The SDK's exports (`Client`, `Account`, `ID`, `AppwriteException`, …), typed from the package. */
export type AppwriteSdk = typeof AppwriteModule
export type { Models } from 'appwrite'
/** `appwrite@13.0.0`'s exports (npm alias `appwrite-13`): the last SDK built for Appwrite 1.4 (`sdkPackage: 'appwrite-13'`). */
export type Appwrite13Sdk = typeof Appwrite13Module
/** Which SDK build a simulated user runs: `appwrite` (14.0.1, for Appwrite 1.5; the default) or `appwrite-13`. */
export type SdkPackage = 'appwrite' | 'appwrite-13'

/** One HTTP exchange the SDK made, recorded for the spec check in `spec.ts`. */
export interface RecordedResponse {
  /** The simulated user who made the call. */
  user: string
  method: string
  url: string
  /** The URL path, e.g. `/v1/account/sessions/current`. */
  path: string
  status: number
  contentType: string
  /** The raw body text. */
  text: string
  /** The parsed body when the content type is JSON; `undefined` when there is none or it does not parse. */
  body: unknown
  /** The JSON parse error, when a JSON content type carried something else. */
  parseError?: string
}

/** Collects responses; the e2e tests drain it after each test and validate everything in it. */
export class ResponseRecorder {
  private records: RecordedResponse[] = []
  private pending = new Set<Promise<void>>()

  /** Records a response without consuming the caller's copy of the body. */
  capture(user: string, method: string, url: URL, response: Response): void {
    const task = response
      .clone()
      .text()
      .then((text) => {
        const contentType = response.headers.get('content-type') ?? ''
        const record: RecordedResponse = { user, method, url: url.href, path: url.pathname, status: response.status, contentType, text, body: undefined }
        if (contentType.includes('application/json')) {
          try {
            record.body = JSON.parse(text)
          } catch (error) {
            record.parseError = (error as Error).message
          }
        }
        this.records.push(record)
      })
      .finally(() => this.pending.delete(task))
    this.pending.add(task)
  }

  /** Everything recorded so far, oldest first, emptying the recorder. */
  async take(): Promise<RecordedResponse[]> {
    await Promise.all(this.pending)
    const out = this.records
    this.records = []
    return out
  }
}

/** The recorder every `sdkUser` writes to unless given another. */
export const sdkResponses = new ResponseRecorder()

/** Chrome 70 on Windows 10: the User-Agent of Appwrite's own account tests, so device fields are known. */
export const CHROME_70_WINDOWS_10 =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.77 Safari/537.36'

export interface SdkUserOptions {
  /** A label for failure messages and the recorder; default `user`. */
  name?: string
  /** Keep and send cookies (default true). False models a cross-site page whose browser blocks the API's cookies. */
  cookies?: boolean
  /** An `Origin` header for every request, as a page on another site would send. None by default. */
  origin?: string
  userAgent?: string
  recorder?: ResponseRecorder
  /** The SDK package to run; default `appwrite` (14.0.1). `appwrite-13` speaks the 1.4 format (`user.sdk as Appwrite13Sdk`). */
  sdkPackage?: SdkPackage
}

/** A simulated browser user: its own SDK instance, cookie jar and localStorage. */
export interface SdkUser {
  name: string
  /** This user's copy of the SDK module: `sdk.ID.unique()`, `sdk.AppwriteException`, `new sdk.Teams(client)`, … */
  sdk: AppwriteSdk
  client: AppwriteModule.Client
  account: AppwriteModule.Account
  cookies: CookieJar
  localStorage: MemoryStorage
  /** `localStorage.cookieFallback` as the SDK stored it, or null. */
  readonly fallback: string | null
  /** A new `Client` in the same browser (same cookies and localStorage), pointed at the same project. */
  newClient(): AppwriteModule.Client
  /** Messages the SDK wrote with `console.warn`/`console.error` (e.g. its localStorage notice). */
  warnings: string[]
  /** `window.location`: the OAuth2 methods navigate by assigning `href`, which a test reads back here. */
  location: { href: string }
  /** Stops this user's pending timers (the SDK's realtime reconnects) and closes its realtime sockets. */
  close(): void
}

/** What `sdkUser` needs from a running emulator. */
export interface EmulatorEndpoint {
  /** The API endpoint, e.g. `http://127.0.0.1:8080/v1`. */
  url: string
}

const compiledSdks = new Map<SdkPackage, vm.Script>()
function sdkScript(pkg: SdkPackage): vm.Script {
  let script = compiledSdks.get(pkg)
  if (!script) {
    const require = createRequire(import.meta.url)
    const file = join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', 'iife', 'sdk.js')
    script = new vm.Script(readFileSync(file, 'utf8'), { filename: file })
    compiledSdks.set(pkg, script)
  }
  return script
}

/** Starts a simulated browser user of the official SDK against `emulator` and `projectId`. */
export function sdkUser(emulator: EmulatorEndpoint, projectId: string, options: SdkUserOptions = {}): SdkUser {
  const name = options.name ?? 'user'
  const recorder = options.recorder ?? sdkResponses
  const cookies = new CookieJar()
  cookies.enabled = options.cookies ?? true
  const localStorage = new MemoryStorage()
  const warnings: string[] = []
  const sockets = new Set<NodeWebSocket>()
  const userAgent = options.userAgent ?? CHROME_70_WINDOWS_10

  const browserFetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    const url = new URL(String(input))
    const method = (init.method ?? 'GET').toUpperCase()
    const headers = new Headers(init.headers)
    headers.set('user-agent', userAgent)
    if (options.origin) headers.set('origin', options.origin)
    const cookieHeader = cookies.header(url)
    if (cookieHeader) headers.set('cookie', cookieHeader)
    const response = await fetch(url, { ...init, method, headers })
    cookies.store(url, response.headers.getSetCookie())
    recorder.capture(name, method, url, response)
    return response
  }

  // The SDK's realtime client calls `new WebSocket(url)`; a browser would send the page's cookies with it.
  class BrowserWebSocket extends NodeWebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      const httpUrl = new URL(String(address).replace(/^ws/, 'http'))
      const cookieHeader = cookies.header(httpUrl)
      super(address, protocols, {
        headers: { 'user-agent': userAgent, ...(cookieHeader && { cookie: cookieHeader }) },
        ...(options.origin && { origin: options.origin }),
      })
      sockets.add(this)
      this.addEventListener('close', () => sockets.delete(this))
    }
  }

  // Timers go through the user so that close() can stop the SDK's realtime reconnect loop.
  const timers = new Set<NodeJS.Timeout>()
  const userSetTimeout = (callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
    const timer = setTimeout(() => {
      timers.delete(timer)
      callback(...args)
    }, ms)
    timers.add(timer)
    return timer
  }
  const userClearTimeout = (timer: NodeJS.Timeout | undefined) => {
    if (timer) timers.delete(timer)
    clearTimeout(timer)
  }

  const location = { href: 'http://localhost/' }
  const record = (level: string) => (...args: unknown[]) => void warnings.push(`${level}: ${args.map(String).join(' ')}`)
  const context = vm.createContext({
    fetch: browserFetch,
    localStorage,
    WebSocket: BrowserWebSocket,
    FormData,
    File,
    Blob,
    Headers,
    Request,
    Response,
    URL,
    URLSearchParams,
    TextEncoder,
    TextDecoder,
    AbortController,
    setTimeout: userSetTimeout,
    clearTimeout: userClearTimeout,
    console: { ...console, warn: record('warn'), error: record('error') },
    location,
    navigator: { userAgent },
  })
  vm.runInContext('globalThis.window = globalThis', context)
  sdkScript(options.sdkPackage ?? 'appwrite').runInContext(context)
  const sdk = (context as { Appwrite: AppwriteSdk }).Appwrite

  const newClient = () => new sdk.Client().setEndpoint(emulator.url).setProject(projectId)
  const client = newClient()
  return {
    name,
    sdk,
    client,
    account: new sdk.Account(client),
    cookies,
    localStorage,
    get fallback() {
      return localStorage.getItem('cookieFallback')
    },
    newClient,
    warnings,
    location,
    close() {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      for (const socket of sockets) socket.terminate()
    },
  }
}

/** The fields of an `AppwriteException` a test checks; the class itself differs per user (one realm each). */
export interface AppwriteErrorShape {
  name: string
  message: string
  code: number
  type: string
  response: unknown
}

/** Awaits a call that must fail and returns its AppwriteException; throws a readable error when it succeeds. */
export async function appwriteError(call: Promise<unknown>): Promise<AppwriteErrorShape> {
  let result: unknown
  try {
    result = await call
  } catch (error) {
    const e = error as Partial<AppwriteErrorShape>
    if (e?.name !== 'AppwriteException') throw error
    return e as AppwriteErrorShape
  }
  throw new Error(`expected an AppwriteException, got success: ${JSON.stringify(result)?.slice(0, 300)}`)
}
