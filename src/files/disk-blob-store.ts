import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { assertBlobKey, type BlobStore } from './blob-store.js'

const STREAM_BUFFER = 1024 * 1024

/** Blobs as files under one folder (`<data>/files`); keys map to relative paths and are checked to stay inside. */
export class DiskBlobStore implements BlobStore {
  readonly root: string

  constructor(root: string) {
    this.root = resolve(root)
  }

  /** The absolute path of a key; throws for a key whose path would leave the root. */
  pathOf(key: string): string {
    assertBlobKey(key)
    const path = resolve(this.root, ...key.split('/'))
    const rel = relative(this.root, path)
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`blob key escapes the store: ${key}`)
    return path
  }

  localPath(key: string): string {
    return this.pathOf(key)
  }

  async write(key: string, source: AsyncIterable<Buffer> | Readable, options: { offset?: number } = {}): Promise<number> {
    const path = this.pathOf(key)
    await mkdir(dirname(path), { recursive: true, mode: 0o700 })
    let flags = 'w'
    if (options.offset !== undefined) {
      // Create without truncating, then write in place: chunks of one upload may arrive in any order.
      await (await open(path, 'a', 0o600)).close()
      flags = 'r+'
    }
    const out = createWriteStream(path, { flags, mode: 0o600, start: options.offset ?? 0, highWaterMark: STREAM_BUFFER })
    await pipeline(source, out)
    return out.bytesWritten
  }

  read(key: string, range?: { start: number; end: number }): Readable {
    return createReadStream(this.pathOf(key), { ...(range && { start: range.start, end: range.end }), highWaterMark: STREAM_BUFFER })
  }

  async size(key: string): Promise<number | null> {
    try {
      const s = await stat(this.pathOf(key))
      return s.isFile() ? s.size : null
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
      throw error
    }
  }

  async move(from: string, to: string): Promise<void> {
    const target = this.pathOf(to)
    await mkdir(dirname(target), { recursive: true, mode: 0o700 })
    await rename(this.pathOf(from), target)
  }

  async delete(key: string): Promise<void> {
    await rm(this.pathOf(key), { force: true })
  }

  async list(prefix: string): Promise<{ key: string; modifiedAt: number }[]> {
    const dir = this.pathOf(prefix)
    const out: { key: string; modifiedAt: number }[] = []
    let entries
    try {
      entries = await readdir(dir, { recursive: true, withFileTypes: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return out
      throw error
    }
    for (const entry of entries) {
      if (!entry.isFile()) continue
      const path = join(entry.parentPath ?? (entry as unknown as { path: string }).path, entry.name)
      try {
        const s = await stat(path)
        out.push({ key: relative(this.root, path).split(sep).join('/'), modifiedAt: s.mtimeMs })
      } catch {
        // Deleted while listing.
      }
    }
    return out
  }

  async deletePrefix(prefix: string): Promise<void> {
    await rm(this.pathOf(prefix), { recursive: true, force: true })
  }
}
