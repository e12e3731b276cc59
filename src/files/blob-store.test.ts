import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { afterAll, describe, expect, it } from 'vitest'
import { blobKey, type BlobStore } from './blob-store.js'
import { DiskBlobStore } from './disk-blob-store.js'
import { MemoryBlobStore } from './memory-blob-store.js'

const folders: string[] = []
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })))

async function text(stream: Readable): Promise<string> {
  const parts: Buffer[] = []
  for await (const c of stream) parts.push(c as Buffer)
  return Buffer.concat(parts).toString()
}

const stores: [string, () => BlobStore][] = [
  ['memory', () => new MemoryBlobStore()],
  ['disk', () => {
    const dir = mkdtempSync(join(tmpdir(), 'blobs-'))
    folders.push(dir)
    return new DiskBlobStore(dir)
  }],
]

describe.each(stores)('%s blob store', (_name, make) => {
  it('writes, reads ranges, sizes, moves and deletes', async () => {
    const blobs = make()
    expect(await blobs.write('a/b', Readable.from([Buffer.from('hello '), Buffer.from('world')]))).toBe(11)
    expect(await text(blobs.read('a/b'))).toBe('hello world')
    expect(await text(blobs.read('a/b', { start: 6, end: 10 }))).toBe('world')
    expect(await blobs.size('a/b')).toBe(11)
    await blobs.move('a/b', 'c/d')
    expect(await blobs.size('a/b')).toBeNull()
    expect((await blobs.list('c')).map((e) => e.key)).toEqual(['c/d'])
    await blobs.delete('c/d')
    await blobs.delete('c/d')
    expect(await blobs.size('c/d')).toBeNull()
  })

  it('writes at offsets in any order without truncating', async () => {
    const blobs = make()
    await blobs.write('u/1', Readable.from([Buffer.from('world')]), { offset: 6 })
    await blobs.write('u/1', Readable.from([Buffer.from('hello ')]), { offset: 0 })
    expect(await text(blobs.read('u/1'))).toBe('hello world')
  })

  it('deletes a prefix', async () => {
    const blobs = make()
    await blobs.write('p/x/1', Readable.from([Buffer.from('1')]))
    await blobs.write('p/y/2', Readable.from([Buffer.from('2')]))
    await blobs.write('q/3', Readable.from([Buffer.from('3')]))
    await blobs.deletePrefix('p')
    expect(await blobs.list('p')).toEqual([])
    expect(await blobs.size('q/3')).toBe(1)
  })

  it('refuses keys that could leave the folder', async () => {
    const blobs = make()
    for (const key of ['../x', 'a/../../x', '/etc/passwd', 'a//b', '.hidden', 'a/.']) {
      await expect(blobs.write(key, Readable.from([Buffer.from('x')])), key).rejects.toThrow()
    }
    expect(() => blobKey('files', '..')).toThrow()
    expect(() => blobKey('files', 'a/b')).toThrow()
  })
})
