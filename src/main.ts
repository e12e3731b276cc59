import { join } from 'node:path'
import { buildApp } from './app.js'
import { emptyTemplate, formatProblem, readAppwriteJson, type ConfigProblem, type ProjectTemplate } from './config/appwrite-json.js'
import { ENV, resolveOptions, type EmulatorOptions } from './config/options.js'
import { loggerOptions } from './config/logging.js'
import type { EmulatorMessage } from './testing/message.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'
import { randomBytes } from 'node:crypto'
import { DiskBlobStore } from './files/disk-blob-store.js'
import { MemoryBlobStore } from './files/memory-blob-store.js'
import { loadOrCreateKey } from './files/at-rest.js'
import { securePrivateFolder, touchPrivateFile } from './files/private-folder.js'
import { openHosted } from './hosted/hosted-runtime.js'
import { emulatorTestFeatures, writeCoverageReport } from './control/emulator-api.js'
import type { EmulatorTestFeatures } from './control/public-types.js'
import { coverageTable } from './control/coverage.js'

/** A running emulator, with the control API's test features as functions (`clock`, `faults`, `snapshot()`…). */
export interface RunningEmulator extends EmulatorTestFeatures {
  /** The API endpoint to give the SDK, e.g. `http://127.0.0.1:8080/v1`. */
  url: string
  /** The server's origin, for the control API: `http://127.0.0.1:8080`. */
  origin: string
  options: EmulatorOptions
  /** The registered platforms (appwrite.json's and `--platform`'s), or `'*'` for any origin. */
  platforms: ProjectTemplate['platforms']
  stop(): Promise<void>
  /** Wipes one project and rebuilds it from the config. */
  reset(projectId: string): Promise<void>
  /** The emails and SMS the emulator "sent" for one project, oldest first. */
  messages(projectId: string): Promise<EmulatorMessage[]>
  /** What the config gave every project (IDs), for the banner and for tests: empty lists without a config. */
  loaded: LoadedConfig
  /** The coverage report as a readable table (what `--coverage-report` writes to `<file>.txt`). */
  coverageTable(projectId?: string): string
}

/** The IDs a config defined (collections as `databaseId/collectionId`). */
export interface LoadedConfig {
  projectId: string | null
  databases: string[]
  collections: string[]
  buckets: string[]
  functions: string[]
  teams: string[]
  topics: string[]
  /** Keys the config has that the emulator does not know (each also logged at `warn` on start). */
  warnings: ConfigProblem[]
}

/** Start-up failed for a reason outside the config file (the data folder, the port); the message is one line. */
export class StartError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StartError'
  }
}

export type { EmulatorMessage } from './testing/message.js'

/** Starts the emulator: loads the config, opens the store, listens. Throws ConfigError for a bad config. */
export async function startEmulator(given: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const options = resolveOptions(given)
  const read = options.config ? readAppwriteJson(options.config) : { template: emptyTemplate(), warnings: [] }
  const template = withPlatforms(read.template, options)
  // --store, --bus, --files, --project-quota: the hosted mode (docs/decisions/hosted-mode.md); without them, as before.
  const hosted = options.store || options.bus || options.files || options.projectQuota ? await openHosted(options).catch((error: Error) => Promise.reject(new StartError(error.message, { cause: error }))) : null
  const store = hosted?.store ?? openDataFolder(options, given)
  const blobs = options.inMemory ? new MemoryBlobStore() : new DiskBlobStore(join(options.data, 'files'))
  const { server, services } = await buildApp({
    store,
    template,
    rateLimits: options.rateLimits,
    trustProxy: options.trustProxy,
    allowPrivateUrls: options.allowPrivateUrls,
    smtp: options.smtp,
    controlToken: options.controlToken,
    maxProjects: options.maxProjects,
    projectTtlMs: options.projectTtl,
    functionBuilds: options.functionBuilds,
    functionTriggers: options.functionTriggers,
    // File bytes live in <data>/files, encrypted with <data>/storage.key; --in-memory keeps both in the process.
    blobs: hosted ? hosted.prepare(store, blobs) : blobs,
    storageKey: hosted?.storageKey ?? (options.inMemory ? randomBytes(32) : loadOrCreateKey(join(options.data, 'storage.key'))),
    logger: loggerOptions(options),
  })
  try {
    await hosted?.attach(services, (error) => server.log.error({ err: error }, 'hosted mode: Redis failed'))
  } catch (error) {
    await server.close().catch(() => {})
    await store.close()
    throw new StartError((error as Error).message, { cause: error })
  }
  try {
    await server.listen({ port: options.port, host: options.host })
  } catch (error) {
    await server.close().catch(() => {})
    store.close()
    await hosted?.close()
    throw listenError(error, options, given)
  }
  for (const warning of read.warnings) server.log.warn(`config: ${formatProblem(warning)}`)
  const stopSweeping = services.storage.startSweeping()
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const origin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  // Functions call the emulator back here; their schedules start now, off the start-up path.
  services.functions.endpoint = `${origin}/v1`
  setImmediate(() => void services.functions.startSchedules().catch(() => {}))
  const features = emulatorTestFeatures(services)
  // --import loads an archive into its project before the emulator is handed over; a bad one stops start-up.
  const imported = options.importFile ? await features.importProject(options.importFile).catch(async (error: Error) => {
    await server.close().catch(() => {})
    await store.close()
    throw new StartError(`--import ${options.importFile}: ${error.message}`, { cause: error })
  }) : null
  const exportProject = template.projectId ?? imported?.projectId ?? null
  // On stop, before the server closes: --export-on-exit, then --coverage-report.
  const beforeStop = async () => {
    if (options.exportOnExit && exportProject) await features.exportProject(exportProject, options.exportOnExit).catch((error: Error) => server.log.error(`--export-on-exit: ${error.message}`))
    if (options.coverageReport) await writeCoverageReport(features.coverage(), options.coverageReport).catch((error: Error) => server.log.error(`--coverage-report: ${error.message}`))
  }
  let stopped: Promise<void> | null = null
  return {
    ...features,
    coverageTable: (projectId) => coverageTable(features.coverage(projectId)),
    url: `${origin}/v1`,
    origin,
    options: { ...options, port },
    platforms: template.platforms,
    loaded: {
      projectId: template.projectId,
      databases: template.databases.map((d) => d.$id),
      collections: template.collections.map((c) => `${c.databaseId}/${c.$id}`),
      buckets: template.buckets.map((b) => b.$id),
      functions: template.functions.map((f) => f.$id),
      teams: template.teams.map((t) => t.$id),
      topics: template.topics.map((t) => t.$id),
      warnings: read.warnings,
    },
    stop() {
      stopped ??= (stopSweeping(), beforeStop().then(() => server.close()).then(() => store.close()).then(() => hosted?.close()))
      return stopped
    },
    async reset(projectId) {
      await services.projects.reset(projectId)
      services.rateLimiter.forget(projectId)
    },
    async messages(projectId) {
      const rows = await store.messages.list(projectId)
      return rows.map((m) => ({ $id: m.id, $createdAt: m.createdAt, channel: m.channel, to: m.to, subject: m.subject, text: m.text, html: m.html, data: m.data }))
    },
  }
}

/** Where an option came from, for messages: the flag when given, its environment variable when set, else the flag's default. */
function sourceOf(given: Partial<EmulatorOptions>, key: 'data' | 'port', flag: string): string {
  if (given[key] !== undefined) return flag
  return process.env[ENV[key]] !== undefined ? ENV[key] : `${flag} (default)`
}

/** Makes the data folder private and opens its SQLite file (or an in-memory store); a folder that cannot be used is one StartError. */
function openDataFolder(options: EmulatorOptions, given: Partial<EmulatorOptions>): SqliteStore {
  if (options.inMemory) return SqliteStore.open(':memory:')
  try {
    securePrivateFolder(options.data)
    touchPrivateFile(join(options.data, 'emulator.sqlite'))
    return SqliteStore.open(join(options.data, 'emulator.sqlite'))
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    const why =
      code === 'EEXIST' || code === 'ENOTDIR' ? 'it (or a folder above it) is a file, not a folder'
      : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
      : code === 'EROFS' ? 'the file system is read-only'
      : (error as Error).message.split('\n')[0]
    throw new StartError(`cannot use ${options.data} as the data folder (${sourceOf(given, 'data', '--data')}): ${why}; name another with --data, or use --in-memory`, { cause: error })
  }
}

/** The StartError for a failed listen: a busy port suggests `--port 0`. */
function listenError(error: unknown, options: EmulatorOptions, given: Partial<EmulatorOptions>): unknown {
  const code = (error as NodeJS.ErrnoException).code
  const where = `${options.host}:${options.port} (${sourceOf(given, 'port', '--port')})`
  if (code === 'EADDRINUSE') return new StartError(`cannot listen on ${where}: the port is in use; stop what holds it, or pass --port 0 for a free one`, { cause: error })
  if (code === 'EACCES') return new StartError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges); try --port 0`, { cause: error })
  if (code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return new StartError(`cannot listen on ${where}: no such address on this machine (--host)`, { cause: error })
  }
  return error
}

/** appwrite.json's platforms with the `--platform` hostnames added as web platforms; `--any-origin` makes them `*`. */
export function withPlatforms(template: ProjectTemplate, options: Pick<EmulatorOptions, 'platforms' | 'anyOrigin'>): ProjectTemplate {
  if (options.anyOrigin || template.platforms === '*') return { ...template, platforms: '*' }
  const known = new Set(template.platforms.map((p) => p.hostname))
  const extra = options.platforms.filter((hostname) => !known.has(hostname)).map((hostname) => ({ type: 'web' as const, hostname }))
  return { ...template, platforms: [...template.platforms, ...extra] }
}
