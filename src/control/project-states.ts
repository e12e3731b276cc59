import { placeFilesOnThread } from '../files/link-files.js'
import { readdirSync, type Dirent } from 'node:fs'
import { copyFile, link, mkdir, unlink } from 'node:fs/promises'
import { dirname, join, sep } from 'node:path'
import { formatDate } from '../domain/dates.js'
import { uniqueId } from '../domain/ids.js'
import { AppwriteException } from '../errors/appwrite-exception.js'
import type { BlobStore } from '../files/blob-store.js'
import type { Services } from '../services/index.js'
import type { Store } from '../store/types.js'
import { invalid } from './body.js'
import type { SnapshotInfo } from './public-types.js'
export type { SnapshotInfo }


// Snapshot rows live in the same tables under a project ID no client can name (keys start with a letter or digit).
const hiddenProject = (snapshotId: string) => `~snapshot~${snapshotId}`
const META = 'snapshot:'

/** The blob prefixes of a project's file bytes: finished files and running uploads. */
export const projectBlobRoots = (projectId: string) => [`files/${projectId}/`, `uploads/${projectId}/`]
const snapshotBlobRoots = (snapshotId: string) => [`snapshots/${snapshotId}/files/`, `snapshots/${snapshotId}/uploads/`]
const pairs = (from: string[], to: string[]): [string, string][] => from.map((f, i) => [f, to[i]!])

/**
 * Snapshots, restores and forks: whole-project copies inside one store transaction (records, documents, the
 * outbox, executions; the file bytes are copied in the same transaction's turn). Nothing half-done is left: a
 * failure rolls the rows back and removes the bytes it wrote.
 */
export class ProjectStates {
  constructor(
    private readonly services: Services,
    private readonly store: Store,
  ) {}

  async snapshot(projectId: string): Promise<SnapshotInfo> {
    await this.existing(projectId)
    const info: SnapshotInfo = { $id: uniqueId(), projectId, $createdAt: formatDate(this.services.clock.now()) }
    try {
      await this.store.transaction(async () => {
        for (const [from, to] of pairs(projectBlobRoots(projectId), snapshotBlobRoots(info.$id))) await copyBlobs(this.services.blobs, from, to)
        await this.store.copyProject(projectId, hiddenProject(info.$id), { blobPrefixes: pairs(projectBlobRoots(projectId), snapshotBlobRoots(info.$id)) })
        await this.store.setMeta(META + info.$id, JSON.stringify(info))
        await this.setIndex(projectId, [...(await this.index(projectId)), info.$id])
      })
    } catch (error) {
      await this.services.blobs.deletePrefix(`snapshots/${info.$id}`)
      throw error
    }
    return info
  }

  /** The project's snapshots, oldest first. */
  async list(projectId: string): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = []
    for (const id of await this.index(projectId)) {
      const raw = await this.store.getMeta(META + id)
      if (raw) out.push(JSON.parse(raw) as SnapshotInfo)
    }
    return out
  }

  /** Puts a snapshot's state back into its project; the project's current state goes. */
  async restore(projectId: string, snapshotId: string): Promise<void> {
    await this.find(projectId, snapshotId)
    await this.existing(projectId)
    await this.replaceBytes(projectId, async (written) => {
      for (const [from, to] of pairs(snapshotBlobRoots(snapshotId), projectBlobRoots(projectId))) written.push(...(await copyBlobs(this.services.blobs, from, to)))
      await this.services.documents.wipeProject(projectId)
      await this.store.copyProject(hiddenProject(snapshotId), projectId, { blobPrefixes: pairs(snapshotBlobRoots(snapshotId), projectBlobRoots(projectId)) })
    })
  }

  /** Copies a project's state into a new project `to`, which must not exist yet. */
  async fork(from: string, to: string): Promise<void> {
    if (from === to) throw invalid('The fork needs a "projectId" other than the project it copies.')
    await this.existing(from)
    if (await this.store.projects.get(to, to)) throw new AppwriteException('general_argument_invalid', `Project "${to}" already exists; fork into a new project ID, or DELETE /_emulator/projects/${to} first.`)
    const written: string[] = []
    // The bytes are placed while SQLite copies the rows: listed first, then linked on a thread of their own.
    const copying: Promise<void>[] = []
    try {
      await this.store.transaction(async () => {
        if (await this.store.projects.get(to, to)) throw invalid(`Project "${to}" already exists.`)
        for (const [a, b] of pairs(projectBlobRoots(from), projectBlobRoots(to))) {
          const started = await startCopyBlobs(this.services.blobs, a, b)
          written.push(...started.written)
          copying.push(started.done)
        }
        // deviation: a fork does not count against --max-projects (the registry counts projects created by requests).
        await this.store.projects.insert(to, { id: to, createdAt: formatDate(this.services.clock.now()) })
        await this.store.copyProject(from, to, { blobPrefixes: pairs(projectBlobRoots(from), projectBlobRoots(to)) })
        await Promise.all(copying)
      })
    } catch (error) {
      await Promise.allSettled(copying)
      for (const key of written) await this.services.blobs.delete(key)
      throw error
    }
  }

  async delete(projectId: string, snapshotId: string): Promise<void> {
    await this.find(projectId, snapshotId)
    await this.store.transaction(async () => {
      await this.store.wipeProject(hiddenProject(snapshotId))
      await this.services.documents.wipeProject(hiddenProject(snapshotId))
      await this.store.setMeta(META + snapshotId, '')
      await this.setIndex(projectId, (await this.index(projectId)).filter((id) => id !== snapshotId))
    })
    await this.services.blobs.deletePrefix(`snapshots/${snapshotId}`)
  }

  /**
   * Replaces a project's rows and bytes: `work` runs inside one transaction and writes bytes (listing them in
   * `written`). Afterwards, bytes no file record of the project points at go, whether `work` succeeded (the old
   * state's) or failed (the new state's, the rows having rolled back).
   */
  async replaceBytes(projectId: string, work: (written: string[]) => Promise<void>): Promise<void> {
    const blobs = this.services.blobs
    const before: string[] = []
    for (const root of projectBlobRoots(projectId)) before.push(...(await blobs.list(root.slice(0, -1))).map((b) => b.key))
    const written: string[] = []
    try {
      await this.store.transaction(() => work(written))
    } finally {
      await this.pruneBlobs(projectId, [...before, ...written])
    }
  }

  /** Deletes those of `candidates` that no file record of the project points at. */
  private async pruneBlobs(projectId: string, candidates: string[]): Promise<void> {
    const files = await this.store.files.list(projectId)
    const kept = new Set(files.map((f) => f.blob))
    const isKept = (key: string) => kept.has(key) || kept.has(key.slice(0, key.lastIndexOf('/')))
    for (const key of new Set(candidates)) if (!isKept(key)) await this.services.blobs.delete(key)
  }

  /** The project, provisioned from the config if it was never used (so its teams and topics exist). */
  private async existing(projectId: string): Promise<void> {
    const project = await this.services.projects.get(projectId)
    if (!project || project.isConsole) throw new AppwriteException('project_not_found')
  }

  private async find(projectId: string, snapshotId: string): Promise<SnapshotInfo> {
    const raw = /^[A-Za-z0-9]{1,36}$/.test(snapshotId) ? await this.store.getMeta(META + snapshotId) : null
    const info = raw ? (JSON.parse(raw) as SnapshotInfo) : null
    if (!info || info.projectId !== projectId) throw new AppwriteException('general_argument_invalid', `Project "${projectId}" has no snapshot "${snapshotId}".`)
    return info
  }

  private async index(projectId: string): Promise<string[]> {
    return JSON.parse((await this.store.getMeta(`${META}index:${projectId}`)) || '[]') as string[]
  }

  private async setIndex(projectId: string, ids: string[]): Promise<void> {
    await this.store.setMeta(`${META}index:${projectId}`, JSON.stringify(ids))
  }
}

/** From this many files on disk, a copy runs on the copy thread (its first start costs tens of milliseconds of CPU; it is kept). */
const THREAD_THRESHOLD = 32

/**
 * Copies every blob under `from` to the same key under `to`; returns the keys written. Files on disk are linked or
 * copied directly: many on a thread of their own, a few here, 16 at a time.
 */
export async function copyBlobs(blobs: BlobStore, from: string, to: string): Promise<string[]> {
  const { written, done } = await startCopyBlobs(blobs, from, to)
  await done
  return written
}

/**
 * `copyBlobs` in two steps: resolves once the blobs are listed and their copy has started, with the keys it
 * writes and a promise of the copy's end. Many files on disk go to a thread of their own, which keeps going while
 * SQLite holds this one.
 */
export async function startCopyBlobs(blobs: BlobStore, from: string, to: string): Promise<{ written: string[]; done: Promise<void> }> {
  const immutable = from.startsWith('files/') || from.includes('/files/')
  const onDisk = blobs.localPath && listOnDisk(blobs.localPath(from.slice(0, -1)))
  const keys = onDisk ? onDisk.files.map((file) => from + file.split(sep).join('/')) : (await blobs.list(from.slice(0, -1))).map((b) => b.key)
  if (onDisk && keys.length >= THREAD_THRESHOLD) {
    // Paths from the two folders' own (checked once), not a key's each: the walk found these files inside.
    const targetFolder = blobs.localPath!(to.slice(0, -1))
    const done = placeFilesOnThread(onDisk.files.map((file) => ({ source: join(onDisk.folder, file), target: join(targetFolder, file), immutable })))
    done.catch(() => {}) // the caller awaits it
    return { written: keys.map((key) => to + key.slice(from.length)), done }
  }
  const written: string[] = []
  const folders = new Set<string>()
  let next = 0
  const worker = async () => {
    while (next < keys.length) {
      const key = keys[next++]!
      const target = to + key.slice(from.length)
      if (blobs.localPath) {
        const path = blobs.localPath(target)
        const folder = dirname(path)
        if (!folders.has(folder)) {
          folders.add(folder)
          await mkdir(folder, { recursive: true, mode: 0o700 })
        }
        await linkOrCopy(blobs.localPath(key), path, immutable)
      } else {
        await blobs.write(target, blobs.read(key))
      }
      written.push(target)
    }
  }
  return { written, done: Promise.all(Array.from({ length: Math.min(16, keys.length) }, worker)).then(() => undefined) }
}

/**
 * The files below a folder of a blob store on disk (paths relative to it), read in one synchronous walk: a
 * hundred files cost about a millisecond, where the store's `list` awaits a `stat` per file (tens of
 * milliseconds on a busy machine, inside the copy's transaction). The same files `list` gives.
 */
function listOnDisk(folder: string): { folder: string; files: string[] } {
  let entries: Dirent[]
  try {
    entries = readdirSync(folder, { recursive: true, withFileTypes: true })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { folder, files: [] }
    throw error
  }
  const files: string[] = []
  for (const entry of entries) {
    if (!entry.isFile()) continue
    const parent = entry.parentPath
    files.push(parent === folder ? entry.name : parent.slice(folder.length + 1) + sep + entry.name)
  }
  return { folder, files }
}

/**
 * A finished file's blob is never written again (a new version gets a new key), so copies of it are hard links:
 * no bytes move. Anything else (uploads still being written) is copied. A target that exists is replaced.
 */
async function linkOrCopy(source: string, target: string, immutable: boolean): Promise<void> {
  if (immutable) {
    try {
      await link(source, target)
      return
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code
      if (code === 'EEXIST') {
        await unlink(target)
        return linkOrCopy(source, target, immutable)
      }
      // Another file system, or one without hard links: copy instead.
      if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EMLINK') throw error
    }
  }
  await copyFile(source, target)
}
