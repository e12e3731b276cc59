import type { Readable } from 'node:stream'

/**
 * Where file bytes live: a flat namespace of keys such as `files/<project>/<bucket>/<file>/<version>`. The disk
 * implementation keeps them under `--data`, the memory one in the process (`--in-memory`). Every operation
 * streams; nothing here needs a whole file in memory (except the memory store, whose point is to hold it).
 */
export interface BlobStore {
  /**
   * Streams `source` into `key`. With `offset` the blob is created when missing and written from that byte
   * without truncating (chunks of an upload); without it the blob is replaced. Resolves to the bytes written.
   */
  write(key: string, source: AsyncIterable<Buffer> | Readable, options?: { offset?: number }): Promise<number>
  /** The bytes from `start` to `end` inclusive, or all of them. */
  read(key: string, range?: { start: number; end: number }): Readable
  /** The blob's size, or null when there is none. */
  size(key: string): Promise<number | null>
  /** Renames a blob, replacing `to`. */
  move(from: string, to: string): Promise<void>
  /** Deletes a blob; a missing one is fine. */
  delete(key: string): Promise<void>
  /** Every blob under `prefix` (a key followed by `/`), with its last write time in ms. */
  list(prefix: string): Promise<{ key: string; modifiedAt: number }[]>
  /** Deletes every blob under `prefix`. */
  deletePrefix(prefix: string): Promise<void>
  /** The blob's file on this machine, when it has one (lets a worker thread read it). */
  localPath?(key: string): string
}

// A key segment: starts with a letter or digit, so `.` and `..` can never appear, and holds no separator.
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/

/** Joins segments into a key, refusing any segment that could leave the store's folder. */
export function blobKey(...segments: string[]): string {
  for (const s of segments) if (!SEGMENT.test(s)) throw new InvalidBlobKey(s)
  return segments.join('/')
}

/** Checks a whole key (as read back from a record) segment by segment. */
export function assertBlobKey(key: string): string {
  blobKey(...key.split('/'))
  return key
}

export class InvalidBlobKey extends Error {
  constructor(segment: string) {
    super(`invalid blob key segment: ${JSON.stringify(segment).slice(0, 80)}`)
    this.name = 'InvalidBlobKey'
  }
}
