import { createRequire } from 'node:module'
import type Sharp from 'sharp'

const require = createRequire(import.meta.url)

/**
 * A CommonJS dependency loaded on first use. Image, font and locale libraries take hundreds of milliseconds to
 * load, and start-up must stay well under a second, so modules that need them call the getter instead.
 */
export function lazyRequire<T>(id: string): () => T {
  let loaded: T | undefined
  return () => (loaded ??= require(id) as T)
}

export const loadSharp = lazyRequire<typeof Sharp>('sharp')
