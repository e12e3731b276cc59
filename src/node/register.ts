import { patchClient, prepareNode, sdkRequireFor } from './index.js'

/**
 * The entry behind `appwrite-emulator/node`: sets up the globals, then makes each `Client` of the SDK's CommonJS
 * build its own browser. The ESM entry (`node.mjs`, written by scripts/bundle.mjs) loads this first, then
 * `appwrite`'s ESM build, and patches that `Client` too.
 */
const sdkRequire = sdkRequireFor()
prepareNode(sdkRequire)
patchClient((sdkRequire('appwrite') as { Client: { prototype: object } }).Client)

export { browserOf, patchClient, type BrowserState } from './index.js'
export { CookieJar, MemoryStorage } from './browser-state.js'
