// Bundles the emulator's own code (dependencies stay in node_modules) into dist/bundle, so that starting it
// reads and compiles two files instead of two hundred: start-up must stay well under a second.
// CommonJS output lets Node require the (mostly CommonJS) dependencies directly, without parsing each one for
// ESM named exports first; ESM-only packages are loaded with import() on first use.
import { build } from 'esbuild'

for (const entry of ['cli', 'index']) {
  await build({
    entryPoints: [`src/${entry}.ts`],
    outfile: `dist/bundle/${entry}.cjs`,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    sourcemap: true,
    logLevel: 'warning',
    // Modules resolve package files relative to themselves (createRequire(import.meta.url)).
    define: { 'import.meta.url': '__importMetaUrl' },
    banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  })
}
