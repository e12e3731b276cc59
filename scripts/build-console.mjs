// Builds the web console (console/) into dist/console: one hashed script and stylesheet, an index.html naming
// them, and brotli and gzip twins the emulator serves to browsers that accept them. Preact and esbuild only.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { brotliCompressSync, gzipSync, constants } from 'node:zlib'
import { build } from 'esbuild'

/** Builds the console into `outdir`; resolves to the files written and their compressed sizes. */
export async function buildConsole(outdir = 'dist/console') {
  await rm(outdir, { recursive: true, force: true })
  const result = await build({
    entryPoints: { app: 'console/src/main.tsx', styles: 'console/src/styles.css' },
    outdir: join(outdir, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    minify: true,
    format: 'esm',
    target: ['chrome111', 'firefox115', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    metafile: true,
    sourcemap: false,
    legalComments: 'none',
    logLevel: 'warning',
    tsconfig: 'console/tsconfig.json',
  })
  const outputs = Object.keys(result.metafile.outputs)
  const js = outputs.find((f) => f.endsWith('.js'))
  const css = outputs.find((f) => f.endsWith('.css'))
  const html = (await readFile('console/index.html', 'utf8')).replace('%JS%', `/console/assets/${basename(js)}`).replace('%CSS%', `/console/assets/${basename(css)}`)
  await mkdir(outdir, { recursive: true })
  await writeFile(join(outdir, 'index.html'), html)
  const sizes = {}
  for (const file of [join(outdir, 'index.html'), ...outputs]) {
    const body = await readFile(file)
    const br = brotliCompressSync(body, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } })
    await writeFile(`${file}.br`, br)
    await writeFile(`${file}.gz`, gzipSync(body, { level: 9 }))
    sizes[basename(file)] = { bytes: body.length, brotli: br.length }
  }
  return sizes
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const sizes = await buildConsole(process.argv[2])
  const total = Object.values(sizes).reduce((n, s) => n + s.brotli, 0)
  console.log(`console: ${Object.keys(sizes).length} files, ${(total / 1024).toFixed(1)} KB brotli`)
}
