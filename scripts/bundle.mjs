// Bundles the emulator's own code (dependencies stay in node_modules) into dist/bundle, so that starting it
// reads and compiles two files instead of two hundred: start-up must stay well under a second.
// CommonJS output lets Node require the (mostly CommonJS) dependencies directly, without parsing each one for
// ESM named exports first; ESM-only packages are loaded with import() on first use.
// The small entries (the Node shim for the web SDK, the vitest and Jest helpers) load the emulator from
// ./index.cjs instead of bundling a second copy; vitest's are ESM, as vitest is.
import { build } from 'esbuild'
import { writeFile } from 'node:fs/promises'

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
}

/** `import … from '../index.js'` in a small entry: the emulator's own bundle, beside it. */
const emulatorBesideIt = {
  name: 'emulator-beside-it',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/index\.js$/ }, () => ({ path: './index.cjs', external: true }))
  },
}

const entries = [
  { in: 'src/cli.ts', out: 'cli.cjs' },
  { in: 'src/index.ts', out: 'index.cjs' },
  { in: 'src/node/register.ts', out: 'node.cjs', small: true },
  { in: 'src/testing/jest.ts', out: 'jest.cjs', small: true },
  { in: 'src/testing/jest-setup.ts', out: 'jest-setup.cjs', small: true },
  { in: 'src/testing/jest-teardown.ts', out: 'jest-teardown.cjs', small: true },
  { in: 'src/testing/vitest.ts', out: 'vitest.mjs', small: true },
  { in: 'src/testing/vitest-setup.ts', out: 'vitest-setup.mjs', small: true },
]

await Promise.all(
  entries.map((entry) => {
    const esm = entry.out.endsWith('.mjs')
    return build({
      ...common,
      entryPoints: [entry.in],
      outfile: `dist/bundle/${entry.out}`,
      format: esm ? 'esm' : 'cjs',
      plugins: entry.small ? [emulatorBesideIt] : [],
      // Modules resolve package files relative to themselves (createRequire(import.meta.url)).
      ...(!esm && {
        define: { 'import.meta.url': '__importMetaUrl' },
        banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
      }),
    })
  }),
)

// `import 'appwrite-emulator/node'` from ESM: node.cjs sets up the globals and points the SDK's fetch at the
// browser-like one before the SDK's ESM build loads (it binds `fetch` on load); then that build's Client is patched.
await writeFile(
  'dist/bundle/node.mjs',
  `import shim from './node.cjs'
import * as sdk from 'appwrite'
shim.patchClient(sdk.Client)
export const { browserOf, patchClient, CookieJar, MemoryStorage } = shim
`,
)
