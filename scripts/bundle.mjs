// Bundles the emulator's own code (dependencies stay in node_modules) into dist/bundle, so that starting it
// reads and compiles a handful of files instead of two hundred: start-up must stay well under a second.
import { build } from 'esbuild'

await build({
  entryPoints: ['src/cli.ts', 'src/index.ts'],
  outdir: 'dist/bundle',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  sourcemap: true,
  logLevel: 'warning',
})
