import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { NODE_RUNTIME } from './wrappers/node-runtime.js'
import { PYTHON_RUNTIME } from './wrappers/python-runtime.js'
import { DEPENDENCY_FILES } from './runtimes.js'

const SKIPPED = new Set(['node_modules', '.git', '__pycache__', '.venv', 'venv', '.npm', '.cache'])
const MAX_ENTRIES = 5000

/**
 * A cheap fingerprint of a function's source files (names, sizes, modification times), skipping installed
 * dependencies; a change means the next execution gets a fresh process.
 */
export function sourceFingerprint(folder: string): string {
  const hash = createHash('sha1')
  let entries = 0
  const walk = (dir: string) => {
    let items
    try {
      items = readdirSync(dir, { withFileTypes: true })
    } catch {
      hash.update(`!${dir}`)
      return
    }
    for (const item of items) {
      if (++entries > MAX_ENTRIES) return
      const full = join(dir, item.name)
      if (item.isDirectory()) {
        if (!SKIPPED.has(item.name)) walk(full)
        continue
      }
      try {
        const s = statSync(full)
        hash.update(`${full}\0${s.size}\0${s.mtimeMs}\n`)
      } catch {}
    }
  }
  walk(folder)
  return hash.digest('hex')
}

/** A hash of the function's dependency files and build commands: a change runs the commands again. */
export function dependencyFingerprint(folder: string, commands: string): string {
  const hash = createHash('sha1').update(commands)
  for (const name of DEPENDENCY_FILES) {
    try {
      hash.update(`\0${name}\0`).update(readFileSync(join(folder, name)))
    } catch {}
  }
  return hash.digest('hex')
}

let written: { node: string; python: string } | null = null

/**
 * The wrapper files, written once per emulator version into the temp folder (the package ships them inside
 * its code, so they work from `src`, `dist` and the bundle alike).
 */
export function runtimeFiles(): { node: string; python: string } {
  if (written) return written
  const version = createHash('sha1').update(NODE_RUNTIME).update(PYTHON_RUNTIME).digest('hex').slice(0, 12)
  const dir = join(tmpdir(), `appwrite-emulator-runtimes-${process.getuid?.() ?? 'u'}-${version}`)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const node = join(dir, 'node-runtime.cjs')
  const python = join(dir, 'python-runtime.py')
  writeIfChanged(node, NODE_RUNTIME)
  writeIfChanged(python, PYTHON_RUNTIME)
  return (written = { node, python })
}

function writeIfChanged(file: string, text: string): void {
  try {
    if (readFileSync(file, 'utf8') === text) return
  } catch {}
  const temp = `${file}.${process.pid}.tmp`
  writeFileSync(temp, text, { mode: 0o600 })
  // rename is atomic: a concurrent emulator never reads half a file.
  renameSync(temp, file)
}

/** Whether `file` exists as a regular file. */
export function isFile(file: string): boolean {
  try {
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** KEY=value lines of a `.env` file (quotes stripped, `#` comments and blank lines skipped). */
export function readDotEnv(folder: string): Record<string, string> {
  let text: string
  try {
    text = readFileSync(join(folder, '.env'), 'utf8')
  } catch {
    return {}
  }
  const out: Record<string, string> = {}
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    let value = m[2]!
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1)
    else value = value.replace(/\s+#.*$/, '')
    out[m[1]!] = value
  }
  return out
}
