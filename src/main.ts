import { join } from 'node:path'
import { buildApp } from './app.js'
import { emptyTemplate, loadAppwriteJson, type ProjectTemplate } from './config/appwrite-json.js'
import { resolveOptions, type EmulatorOptions } from './config/options.js'
import { SqliteStore } from './store/sqlite/sqlite-store.js'
import { randomBytes } from 'node:crypto'
import { DiskBlobStore } from './files/disk-blob-store.js'
import { MemoryBlobStore } from './files/memory-blob-store.js'
import { loadOrCreateKey } from './files/at-rest.js'
import { securePrivateFolder, touchPrivateFile } from './files/private-folder.js'

/** A running emulator. */
export interface RunningEmulator {
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
}

export interface EmulatorMessage {
  $id: string
  $createdAt: string
  channel: 'email' | 'sms'
  to: string
  subject: string
  text: string
  html: string
  data: Record<string, string>
}

/** Starts the emulator: loads the config, opens the store, listens. Throws ConfigError for a bad config. */
export async function startEmulator(given: Partial<EmulatorOptions> = {}): Promise<RunningEmulator> {
  const options = resolveOptions(given)
  const template = withPlatforms(options.config ? loadAppwriteJson(options.config) : emptyTemplate(), options)
  if (!options.inMemory) {
    securePrivateFolder(options.data)
    touchPrivateFile(join(options.data, 'emulator.sqlite'))
  }
  const store = SqliteStore.open(options.inMemory ? ':memory:' : join(options.data, 'emulator.sqlite'))
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
    blobs: options.inMemory ? new MemoryBlobStore() : new DiskBlobStore(join(options.data, 'files')),
    storageKey: options.inMemory ? randomBytes(32) : loadOrCreateKey(join(options.data, 'storage.key')),
    logger: options.logLevel === 'silent' ? false : { level: options.logLevel },
  })
  await server.listen({ port: options.port, host: options.host })
  const stopSweeping = services.storage.startSweeping()
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : options.port
  const host = options.host.includes(':') ? `[${options.host}]` : options.host
  const origin = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`
  // Functions call the emulator back here; their schedules start now, off the start-up path.
  services.functions.endpoint = `${origin}/v1`
  setImmediate(() => void services.functions.startSchedules().catch(() => {}))
  let stopped: Promise<void> | null = null
  return {
    url: `${origin}/v1`,
    origin,
    options: { ...options, port },
    platforms: template.platforms,
    stop() {
      stopped ??= (stopSweeping(), server.close().then(() => store.close()))
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

/** appwrite.json's platforms with the `--platform` hostnames added as web platforms; `--any-origin` makes them `*`. */
export function withPlatforms(template: ProjectTemplate, options: Pick<EmulatorOptions, 'platforms' | 'anyOrigin'>): ProjectTemplate {
  if (options.anyOrigin || template.platforms === '*') return { ...template, platforms: '*' }
  const known = new Set(template.platforms.map((p) => p.hostname))
  const extra = options.platforms.filter((hostname) => !known.has(hostname)).map((hostname) => ({ type: 'web' as const, hostname }))
  return { ...template, platforms: [...template.platforms, ...extra] }
}
