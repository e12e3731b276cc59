import { AsyncLocalStorage } from 'node:async_hooks'
import { createRequire } from 'node:module'
import { File as NodeFile } from 'node:buffer'
import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import { WebSocket as NodeWebSocket } from 'ws'
import { CookieJar, MemoryStorage } from './browser-state.js'

/**
 * `import 'appwrite-emulator/node'` (before `appwrite`) gives the web SDK appwrite@13/14 in Node what a browser
 * tab gives it, so browser code runs unchanged in scripts and tests:
 *
 * - Each `Client` is its own browser: its own cookie jar (Appwrite's session cookies travel as a browser would
 *   send them) and its own `localStorage` (the SDK's `cookieFallback`). Two clients are two users.
 * - Requests go through Node's own `fetch` (the SDK's `cross-fetch` would use an old `node-fetch`).
 * - Node's own `FormData` and `File` stay in place (the SDK's `isomorphic-form-data` swaps in the `form-data`
 *   package, on which uploading a `File` fails with `source.on is not a function`).
 * - `client.subscribe` gets a `window` (for its timers) and a global `WebSocket` (the `ws` package) that sends the
 *   client's cookies on the handshake.
 *
 * Globals it sets: `window` (a small object, only when none exists), `WebSocket` (replaced), `FormData` and `File`
 * (Node's own). It changes nothing for code that does not use the SDK, except that `typeof window` is no longer
 * 'undefined'.
 */

/** `require` as seen from the SDK's folder. */
export type SdkRequire = (id: string) => unknown

/** What one `Client` has of a browser. */
export interface BrowserState {
  cookies: CookieJar
  localStorage: MemoryStorage
}

/** The per-client state, made on the client's first request. */
const states = new WeakMap<object, BrowserState>()
/** The client whose call (or realtime callback) is running, so that fetch and localStorage pick its state. */
const current = new AsyncLocalStorage<BrowserState>()
/** For code that touches `window.localStorage` outside any client's call. */
const sharedStorage = new MemoryStorage()

/** The cookie jar and localStorage of one client (made on first use), e.g. to read `cookieFallback` in a test. */
export function browserOf(client: object): BrowserState {
  let state = states.get(client)
  if (!state) {
    state = { cookies: new CookieJar(), localStorage: new MemoryStorage() }
    states.set(client, state)
  }
  return state
}

/** `fetch` as a browser tab does it: the running client's cookies go out, its `Set-Cookie`s are kept. */
async function browserFetch(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
  const state = current.getStore()
  if (!state) return fetch(input, init)
  const url = new URL(input instanceof Request ? input.url : String(input))
  const headers = new Headers(init.headers)
  const cookie = state.cookies.header(url)
  if (cookie) headers.set('cookie', cookie)
  // `credentials: 'include'` means nothing to Node's fetch; the cookie header above is what it stands for.
  const response = await fetch(url, { ...init, headers })
  state.cookies.store(url, response.headers.getSetCookie())
  return response
}

/** `WebSocket` for the SDK's realtime: the client's cookies on the upgrade, its listeners run as that client. */
class BrowserWebSocket extends NodeWebSocket {
  private readonly state: BrowserState | undefined
  private readonly wrapped = new Map<unknown, (...args: unknown[]) => void>()

  constructor(address: string | URL, protocols?: string | string[]) {
    const state = current.getStore()
    const cookie = state?.cookies.header(new URL(String(address).replace(/^ws/, 'http')))
    super(address, protocols, cookie ? { headers: { cookie } } : {})
    this.state = state
  }

  override addEventListener(type: string, listener: unknown, options?: unknown): void {
    const state = this.state
    const call = (...args: unknown[]) => {
      const run = () => (typeof listener === 'function' ? listener.apply(this, args) : (listener as { handleEvent(...a: unknown[]): void }).handleEvent(...args))
      return state ? current.run(state, run) : run()
    }
    this.wrapped.set(listener, call)
    super.addEventListener(type as 'message', call as never, options as never)
  }

  override removeEventListener(type: string, listener: unknown): void {
    const call = this.wrapped.get(listener)
    if (call) super.removeEventListener(type as 'message', call as never)
  }
}

/** The little of `window` the SDK reads: `localStorage` (the running client's) and timers. */
const windowShim = {
  get localStorage() {
    return current.getStore()?.localStorage ?? sharedStorage
  },
  setTimeout: (callback: () => void, ms?: number) => setTimeout(callback, ms),
  clearTimeout: (timer: ReturnType<typeof setTimeout> | undefined) => clearTimeout(timer),
  // The SDK's notice about `cookieFallback` is for pages on another site than the API; here each client keeps cookies.
  console: {
    ...console,
    warn: (...args: unknown[]) => {
      if (typeof args[0] === 'string' && args[0].startsWith('Appwrite is using localStorage for session management')) return
      console.warn(...args)
    },
  },
}

let prepared = false

/**
 * Sets up the globals and points the SDK's `cross-fetch` at the browser-like fetch. Runs when this module is
 * imported; for the SDK's ESM build it must run before `appwrite` is first imported (the build binds `fetch` on load).
 */
export function prepareNode(sdkRequire: SdkRequire = sdkRequireFor()): void {
  if (prepared) return
  prepared = true
  const nativeFormData = globalThis.FormData
  sdkRequire('isomorphic-form-data')
  globalThis.FormData = nativeFormData
  globalThis.File ??= NodeFile as unknown as typeof File
  const crossFetch = sdkRequire('cross-fetch') as { fetch: unknown; default: unknown }
  crossFetch.fetch = browserFetch
  crossFetch.default = browserFetch
  ;(globalThis as { WebSocket: unknown }).WebSocket = BrowserWebSocket
  const g = globalThis as { window?: unknown }
  if (g.window === undefined) g.window = windowShim
}

/** Makes every instance of this SDK `Client` class its own browser (idempotent). */
export function patchClient(Client: { prototype: object }): void {
  const proto = Client.prototype as Record<string, unknown> & { [PATCHED]?: true }
  if (proto[PATCHED]) return
  proto[PATCHED] = true
  for (const method of ['call', 'subscribe']) {
    const original = proto[method]
    if (typeof original !== 'function') continue
    proto[method] = function (this: object, ...args: unknown[]) {
      return current.run(browserOf(this), () => original.apply(this, args))
    }
  }
}
const PATCHED = Symbol.for('appwrite-emulator/node:patched')

/**
 * `require` from the `appwrite` package's folder (the one beside this package, else the working directory's), so
 * that its `cross-fetch` and `isomorphic-form-data` are the ones patched.
 */
export function sdkRequireFor(): SdkRequire {
  const here = createRequire(import.meta.url)
  let manifest: string
  try {
    manifest = here.resolve('appwrite/package.json', { paths: [dirname(fileURLToPath(import.meta.url)), process.cwd()] })
  } catch {
    throw new Error('appwrite-emulator/node: the web SDK is not installed here (npm install appwrite@14)')
  }
  return createRequire(manifest)
}
