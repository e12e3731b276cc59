import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

let cached: string | undefined

/** This package's version, read from its package.json (found upwards from this file: src/, dist/ or dist/bundle/). */
export function packageVersion(): string {
  if (cached) return cached
  let dir = dirname(fileURLToPath(import.meta.url))
  for (let i = 0; i < 4; i++, dir = dirname(dir)) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string }
      if (pkg.name === 'appwrite-emulator' && pkg.version) return (cached = pkg.version)
    } catch {
      // no package.json here: look one folder up
    }
  }
  return (cached = 'unknown')
}
