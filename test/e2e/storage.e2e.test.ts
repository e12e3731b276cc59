import { createHash, randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../../src/index.js'
import { appwriteError, sdkResponses, sdkUser, type SdkUser } from '../harness/sdk.js'
import { sharedAvailable } from '../harness/shared.js'
import { onPostgresPass } from '../harness/pg-e2e.js'
import { assertResponsesMatchSpec } from '../harness/spec.js'

/**
 * Storage through the official web SDK `appwrite@14.0.1` against an emulator that keeps its files on disk:
 * a small file in one request, a 12 MB one in 5 MB chunks (and resumed after an interruption), both read back
 * byte for byte, and an image previewed to every output format, its real size decoded with sharp.
 */

const PASSWORD = 'password123'
const dataDir = mkdtempSync(join(tmpdir(), 'storage-e2e-'))
let emulator: RunningEmulator
let projectCount = 0
let projectId: string
let users: SdkUser[] = []

beforeAll(async () => {
  const config = join(dataDir, 'appwrite.json')
  writeFileSync(
    config,
    JSON.stringify({
      projectId: 'storage-e2e',
      buckets: [
        { $id: 'photos', name: 'Photos', $permissions: ['create("users")', 'read("users")'], fileSecurity: true, compression: 'zstd', encryption: true },
        { $id: 'plain', name: 'Plain', $permissions: ['create("users")'], fileSecurity: true, compression: 'none', encryption: false },
        { $id: 'docs', name: 'Docs', $permissions: ['create("users")'], allowedFileExtensions: ['pdf'], maximumFileSize: 1000 },
      ],
    }),
  )
  emulator = await startEmulator({ port: 0, data: join(dataDir, 'data'), config, logLevel: 'silent' })
})
afterAll(async () => {
  await emulator?.stop()
  rmSync(dataDir, { recursive: true, force: true })
})
afterEach(async () => {
  for (const user of users) user.close()
  users = []
  const records = await sdkResponses.take()
  if (sharedAvailable('checking e2e responses against client-openapi3.json')) assertResponsesMatchSpec(records)
})

async function signedIn(name: string): Promise<SdkUser> {
  projectId ??= `Files${++projectCount}`
  const user = sdkUser(emulator, projectId, { name })
  users.push(user)
  await user.account.create(user.sdk.ID.unique(), `${name}@example.test`, PASSWORD)
  await user.account.createEmailPasswordSession(`${name}@example.test`, PASSWORD)
  return user
}

/** GETs a URL the SDK built (download, view, preview), as the browser would with its cookies. */
async function fetchAs(user: SdkUser, url: URL | string, headers: Record<string, string> = {}): Promise<Response> {
  const u = new URL(String(url))
  return fetch(u, { headers: { cookie: user.cookies.header(u), ...headers } })
}

const md5 = (b: Uint8Array) => createHash('md5').update(b).digest('hex')
const bytesOf = async (res: Response) => Buffer.from(await res.arrayBuffer())

describe('storage through the web SDK', () => {
  it('uploads a small file and a 12 MB file in chunks, and reads both back byte for byte', async () => {
    const alice = await signedIn('alice')
    const storage = new alice.sdk.Storage(alice.client)
    const small = randomBytes(1234)
    const big = randomBytes(12 * 1024 * 1024)

    const smallFile = await storage.createFile('plain', alice.sdk.ID.unique(), new File([small], 'small.bin'))
    expect(smallFile).toMatchObject({ name: 'small.bin', sizeOriginal: 1234, chunksTotal: 1, chunksUploaded: 1, signature: md5(small) })

    const progress: number[] = []
    const bigFile = await storage.createFile('photos', 'big-one', new File([big], 'big.bin'), undefined, (p) => void progress.push(p.chunksUploaded))
    expect(progress).toEqual([1, 2, 3])
    expect(bigFile).toMatchObject({ $id: 'big-one', sizeOriginal: big.length, chunksTotal: 3, chunksUploaded: 3, signature: md5(big), mimeType: 'application/octet-stream' })
    expect(await storage.getFile('photos', 'big-one')).toMatchObject({ signature: md5(big) })

    const smallBack = await fetchAs(alice, storage.getFileDownload('plain', smallFile.$id))
    expect(smallBack.status).toBe(200)
    expect(smallBack.headers.get('content-disposition')).toBe('attachment; filename="small.bin"')
    expect((await bytesOf(smallBack)).equals(small)).toBe(true)
    const bigBack = await fetchAs(alice, storage.getFileDownload('photos', 'big-one'))
    expect((await bytesOf(bigBack)).equals(big), 'the 12 MB file reads back unchanged').toBe(true)
    const ranged = await fetchAs(alice, storage.getFileView('photos', 'big-one'), { range: 'bytes=5242870-5242899' })
    expect(ranged.status).toBe(206)
    expect((await bytesOf(ranged)).equals(big.subarray(5242870, 5242900))).toBe(true)

    // On disk: bytes under <data>/files, the key beside them (on PostgreSQL, the key is in the store for every
    // process instead); nothing left of the chunks.
    expect(existsSync(join(dataDir, 'data', 'storage.key'))).toBe(!onPostgresPass())
    const uploads = join(dataDir, 'data', 'files', 'uploads')
    expect(existsSync(uploads) ? readdirSync(uploads, { recursive: true }).filter((f) => /\/\d+$/.test(String(f))) : []).toEqual([])

    const list = await storage.listFiles('photos')
    expect(list.files.map((f) => f.$id)).toEqual(['big-one'])
  })

  it('resumes an interrupted chunked upload from chunksUploaded', async () => {
    const alice = await signedIn('alice2')
    const storage = new alice.sdk.Storage(alice.client)
    const big = randomBytes(11 * 1024 * 1024)
    const interrupted = storage.createFile('plain', 'resumed', new File([big], 'r.bin'), undefined, () => {
      throw new Error('connection lost')
    })
    await expect(interrupted).rejects.toThrow('connection lost')
    expect(await storage.getFile('plain', 'resumed')).toMatchObject({ chunksTotal: 3, chunksUploaded: 1, signature: '' })

    const resumed = await storage.createFile('plain', 'resumed', new File([big], 'r.bin'))
    expect(resumed).toMatchObject({ chunksTotal: 3, chunksUploaded: 3, signature: md5(big) })
    expect((await bytesOf(await fetchAs(alice, storage.getFileDownload('plain', 'resumed')))).equals(big)).toBe(true)
  })

  it('previews an image to every output format at its real size, and refuses what the bucket refuses', async () => {
    const alice = await signedIn('alice3')
    const storage = new alice.sdk.Storage(alice.client)
    const jpeg = await sharp({ create: { width: 1000, height: 1000, channels: 3, background: '#fd366e' } }).jpeg().toBuffer()
    const photo = await storage.createFile('photos', alice.sdk.ID.unique(), new File([jpeg], 'photo.jpg'))
    expect(photo.mimeType).toBe('image/jpeg')

    const formats = { jpg: 'jpeg', jpeg: 'jpeg', png: 'png', gif: 'gif', webp: 'webp' } as const
    for (const [output, format] of Object.entries(formats)) {
      const url = storage.getFilePreview('photos', photo.$id, 200, 120, undefined, 90, undefined, undefined, undefined, undefined, undefined, undefined, output as never)
      const res = await fetchAs(alice, url, { accept: 'image/webp,image/*' })
      expect(res.status, output).toBe(200)
      expect(res.headers.get('content-type')).toBe(`image/${format}`)
      expect(await sharp(await bytesOf(res)).metadata(), output).toMatchObject({ format, width: 200, height: 120 })
    }

    const docs = new alice.sdk.Storage(alice.client)
    expect(await appwriteError(docs.createFile('docs', 'x', new File(['x'], 'x.txt')))).toMatchObject({ code: 400, type: 'storage_file_type_unsupported' })
    expect(await appwriteError(docs.createFile('docs', 'x', new File([Buffer.alloc(2000)], 'x.pdf')))).toMatchObject({ code: 400, type: 'storage_invalid_file_size' })
    expect(await appwriteError(storage.getFile('photos', 'missing'))).toMatchObject({ code: 404, type: 'storage_file_not_found' })
  })
})
