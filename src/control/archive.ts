import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { extract, pack } from 'tar-stream'
import type { ProjectTemplate } from '../config/appwrite-json.js'
import { decodeAtRest, encodeAtRest } from '../files/at-rest.js'
import { readAll } from '../services/storage/file-bytes.js'
import { formatDate } from '../domain/dates.js'
import { AppwriteException } from '../errors/appwrite-exception.js'
import type { Services } from '../services/index.js'
import { ProjectDumpMismatch, type FileRecord, type ProjectDump, type Store } from '../store/types.js'
import { invalid } from './body.js'
import { projectBlobRoots, type ProjectStates } from './project-states.js'

/** The first entry of every archive. */
interface Manifest {
  format: 'appwrite-emulator-project'
  version: 1
  projectId: string
  exportedAt: string
}

const FORMAT = 'appwrite-emulator-project'
/** The most an import reads (bytes, all entries together); past it the import is refused and nothing changes. */
export const MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024
const ROOT_NAMES = ['files/', 'uploads/']

/** One project's archive, read whole: its manifest, its rows and its file bytes by project-relative key. */
interface ArchiveContent {
  manifest: Manifest
  dump: ProjectDump
  /** `files/<bucket>/…` or `uploads/<bucket>/…` → bytes as kept at rest, except `plain` ones (decrypted). */
  blobs: Map<string, { bytes: Buffer; decrypted: boolean }>
}

/**
 * Export and import of a project (`/_emulator/projects/{id}/export|import`, `--export-on-exit`, `--import`): a
 * tar of `manifest.json`, the project's `appwrite.json`, one JSON-lines file per table (`tables/<table>.jsonl`:
 * the column names, then one row per line, record JSON kept as the exact text stored) and the file bytes
 * (`blobs/…`, as kept at rest; encrypted files' bytes are stored decrypted under `decrypted/…` and encrypted again
 * with the importing emulator's key, so an archive moves between data folders).
 */
export class ProjectArchives {
  constructor(
    private readonly services: Services,
    private readonly store: Store,
    private readonly states: ProjectStates,
  ) {}

  /** The archive of one project as a stream. Rows and bytes are read in one transaction's turn: a consistent moment. */
  async export(projectId: string): Promise<Readable> {
    const project = await this.services.projects.get(projectId)
    if (!project || project.isConsole) throw new AppwriteException('project_not_found')
    const { blobs, storageKey } = this.services
    const entries: [string, Buffer][] = []
    await this.store.transaction(async () => {
      const rows = await this.store.dumpProject(projectId)
      const manifest: Manifest = { format: FORMAT, version: 1, projectId, exportedAt: formatDate(this.services.clock.now()) }
      entries.push(['manifest.json', Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`)])
      entries.push(['appwrite.json', Buffer.from(`${JSON.stringify(appwriteJson(project.template, projectId), null, 2)}\n`)])
      for (const table of rows.tables) {
        const lines = [JSON.stringify(table.columns), ...table.rows.map((r) => JSON.stringify(r))]
        entries.push([`tables/${encodeURIComponent(table.name)}.jsonl`, Buffer.from(`${lines.join('\n')}\n`)])
      }
      const encrypted = new Set((await this.store.files.list(projectId)).filter((f) => f.encrypted).map((f) => f.blob))
      for (const root of projectBlobRoots(projectId)) {
        const name = ROOT_NAMES[projectBlobRoots(projectId).indexOf(root)]!
        for (const { key } of await blobs.list(root.slice(0, -1))) {
          const bytes = await readAll(blobs.read(key))
          const relative = name + key.slice(root.length)
          if (encrypted.has(key)) entries.push([`decrypted/${relative}`, await decodeAtRest(bytes, { algorithm: 'none', encrypted: true }, storageKey)])
          else entries.push([`blobs/${relative}`, bytes])
        }
      }
    })
    const tar = pack()
    const mtime = new Date(this.services.clock.now())
    for (const [name, bytes] of entries) tar.entry({ name, size: bytes.length, mtime, mode: 0o600 }, bytes)
    tar.finalize()
    return Readable.from(tar as unknown as AsyncIterable<Buffer>)
  }

  /** Writes the archive to `file` through a temporary file renamed over it, so a failed export keeps the old one. */
  async exportToFile(projectId: string, file: string): Promise<void> {
    const temporary = `${file}.${process.pid}.${Date.now()}.partial`
    try {
      await pipeline(await this.export(projectId), createWriteStream(temporary, { mode: 0o600 }))
      await rename(temporary, file)
    } catch (error) {
      await rm(temporary, { force: true })
      throw error
    }
  }

  /**
   * Replaces project `projectId` (default: the archive's own) with an archive's content, in one transaction: a
   * bad archive, an archive of another schema or a failure part-way leaves the project as it was.
   */
  async import(source: AsyncIterable<Buffer> | Readable, projectId?: string): Promise<{ projectId: string; tables: number; rows: number; files: number }> {
    const content = await readArchive(source)
    const target = projectId ?? content.manifest.projectId
    const project = await this.services.projects.get(target)
    if (!project || project.isConsole) throw new AppwriteException('project_not_found')
    const dump = retarget(content.dump, content.manifest.projectId, target)
    const { blobs, storageKey } = this.services
    await this.states.replaceBytes(target, async (written) => {
      for (const [relative, { bytes, decrypted }] of content.blobs) {
        const root = projectBlobRoots(target)[ROOT_NAMES.findIndex((n) => relative.startsWith(n))]!
        const key = root + relative.slice(relative.indexOf('/') + 1)
        const stored = decrypted ? await encodeAtRest(bytes, { algorithm: 'none', encrypted: true }, storageKey) : bytes
        await blobs.write(key, Readable.from([stored]))
        written.push(key)
      }
      await this.services.documents.wipeProject(target)
      try {
        await this.store.loadProject(target, dump)
      } catch (error) {
        if (error instanceof ProjectDumpMismatch) throw invalid(`The archive does not fit this emulator's schema: ${error.message}.`)
        throw error
      }
    })
    return { projectId: target, tables: dump.tables.length, rows: dump.tables.reduce((n, t) => n + t.rows.length, 0), files: content.blobs.size }
  }

  /** `import` from a file on disk (`--import`). */
  importFile(file: string, projectId?: string) {
    return this.import(createReadStream(file), projectId)
  }
}

/** Reads a whole archive into memory, refusing anything that is not one (a clear 400, before any change). */
async function readArchive(source: AsyncIterable<Buffer> | Readable): Promise<ArchiveContent> {
  const tables = new Map<string, Buffer>()
  const blobs = new Map<string, { bytes: Buffer; decrypted: boolean }>()
  let manifestBytes: Buffer | null = null
  let total = 0
  const reader = extract()
  const feeding = pipeline(source, reader as unknown as NodeJS.WritableStream).catch((error: unknown) => {
    reader.destroy(error as Error)
  })
  try {
    for await (const entry of reader) {
      const parts: Buffer[] = []
      for await (const chunk of entry) {
        total += (chunk as Buffer).length
        if (total > MAX_ARCHIVE_BYTES) throw invalid(`The archive is larger than ${MAX_ARCHIVE_BYTES} bytes.`)
        parts.push(chunk as Buffer)
      }
      const name = entry.header.name
      const bytes = Buffer.concat(parts)
      if (entry.header.type !== 'file') continue
      if (name === 'manifest.json') manifestBytes = bytes
      else if (name.startsWith('tables/') && name.endsWith('.jsonl')) tables.set(decodeURIComponent(name.slice(7, -6)), bytes)
      else if (name.startsWith('blobs/') || name.startsWith('decrypted/')) {
        const decrypted = name.startsWith('decrypted/')
        const relative = name.slice(decrypted ? 10 : 6)
        if (!ROOT_NAMES.some((r) => relative.startsWith(r)) || relative.split('/').some((s) => !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,254}$/.test(s))) {
          if (!ROOT_NAMES.includes(`${relative.split('/')[0]}/`)) throw invalid(`The archive entry "${name}" is not under blobs/files/ or blobs/uploads/.`)
          throw invalid(`The archive entry "${name}" is not a valid blob key.`)
        }
        blobs.set(relative, { bytes, decrypted })
      }
    }
  } catch (error) {
    if (error instanceof AppwriteException) throw error
    throw invalid(`The body is not a project archive (a tar from GET /_emulator/projects/{projectId}/export): ${(error as Error).message}`)
  } finally {
    await feeding
  }
  if (!manifestBytes) throw invalid('The archive has no manifest.json; it is not a project archive from GET /_emulator/projects/{projectId}/export.')
  const manifest = parseJson(manifestBytes, 'manifest.json') as Manifest
  if (manifest?.format !== FORMAT || manifest.version !== 1 || typeof manifest.projectId !== 'string') {
    throw invalid(`manifest.json is not a version 1 "${FORMAT}" manifest.`)
  }
  const dump: ProjectDump = { tables: [] }
  for (const [name, bytes] of tables) {
    const lines = bytes.toString('utf8').split('\n').filter((l) => l !== '')
    const columns = parseJson(Buffer.from(lines[0] ?? ''), `tables/${name}.jsonl`)
    if (!Array.isArray(columns) || !columns.every((c) => typeof c === 'string')) throw invalid(`tables/${name}.jsonl must start with a JSON array of column names.`)
    const rows = lines.slice(1).map((line, i) => {
      const row = parseJson(Buffer.from(line), `tables/${name}.jsonl line ${i + 2}`)
      if (!Array.isArray(row) || row.length !== columns.length) throw invalid(`tables/${name}.jsonl line ${i + 2} must be a JSON array of ${columns.length} values.`)
      return row as unknown[]
    })
    dump.tables.push({ name, columns: columns as string[], rows })
  }
  return { manifest, dump, blobs }
}

function parseJson(bytes: Buffer, where: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'))
  } catch (error) {
    throw invalid(`${where} is not valid JSON: ${(error as Error).message}`)
  }
}

/** File records of an archive made in project `from` point at `from`'s blob keys; into another project they move. */
function retarget(dump: ProjectDump, from: string, to: string): ProjectDump {
  if (from === to) return dump
  const roots = projectBlobRoots(from).map((root, i) => [root, projectBlobRoots(to)[i]!] as const)
  return {
    tables: dump.tables.map((table) => {
      const data = table.columns.indexOf('data')
      if (table.name !== 'files' || data < 0) return table
      return {
        ...table,
        rows: table.rows.map((row) => {
          const record = JSON.parse(String(row[data])) as FileRecord
          const root = roots.find(([a]) => record.blob.startsWith(a))
          if (!root) return row
          const copy = [...row]
          copy[data] = JSON.stringify({ ...record, blob: root[1] + record.blob.slice(root[0].length) })
          return copy
        }),
      }
    }),
  }
}

/** The project's schema in appwrite.json's shape (the Appwrite CLI's keys), as the emulator was configured. */
function appwriteJson(template: ProjectTemplate, projectId: string) {
  const { file: _file, ...rest } = template
  return { ...rest, projectId, projectName: template.projectName ?? projectId }
}
