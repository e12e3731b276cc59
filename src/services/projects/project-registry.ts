import { isValidKey } from '../../domain/ids.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import type { ProjectSettings, ProjectTemplate } from '../../config/appwrite-json.js'
import { defaultSettings } from '../../config/appwrite-json.js'
import type { Store } from '../../store/types.js'

/** A project as requests see it: its ID, name and settings, built from the config template. */
export interface Project {
  id: string
  name: string
  /** Appwrite's built-in console project, used when a request names no project. */
  isConsole: boolean
  settings: ProjectSettings
  template: ProjectTemplate
}

/** Work that fills a new (or reset) project from the template, e.g. the teams listed in appwrite.json. */
export type Provisioner = (project: Project) => Promise<void>

/** Work that removes what a dropped project kept outside the store's tables (file bytes, documents, counters). */
export type Dropper = (projectId: string) => Promise<void> | void

/** How many projects may exist, and how long one may sit idle before it is dropped. */
export interface TenantLimits {
  maxProjects: number
  /** Milliseconds; null keeps idle projects forever. */
  idleTtlMs: number | null
}

export const CONSOLE_PROJECT_ID = 'console'

/**
 * Knows every project. A project the config does not name is created on first use with the config's schema
 * and settings, so each test can isolate itself by project ID.
 */
export class ProjectRegistry {
  private readonly known = new Map<string, Project>()
  private readonly pending = new Map<string, Promise<Project>>()
  private readonly provisioners: Provisioner[] = []
  private readonly droppers: Dropper[] = []
  /** When each project was last named by a request, for `idleTtlMs`. Projects not seen since start count from start. */
  private readonly lastSeen = new Map<string, number>()
  /** When this process last wrote a project's `seenAt` to the store. */
  private readonly seenWritten = new Map<string, number>()
  private readonly startedAt: number
  /** The number of projects in the store, read once on the first creation. */
  private total: number | null = null

  constructor(
    private readonly store: Store,
    private readonly template: ProjectTemplate,
    private readonly clock: Clock,
    private readonly limits: TenantLimits = { maxProjects: 10_000, idleTtlMs: null },
  ) {
    this.startedAt = clock.now()
  }

  /** Registers work to run when a project is dropped for idling. */
  onDrop(dropper: Dropper): void {
    this.droppers.push(dropper)
  }

  /** Registers work to run when a project is created or reset. */
  onProvision(provisioner: Provisioner): void {
    this.provisioners.push(provisioner)
  }

  /** The project with this ID, created on first use; null when the ID cannot name a project. */
  async get(projectId: string): Promise<Project | null> {
    const cached = this.known.get(projectId)
    if (cached) {
      if (this.limits.idleTtlMs !== null) this.seen(projectId, this.limits.idleTtlMs)
      return cached
    }
    if (projectId !== CONSOLE_PROJECT_ID && !isValidKey(projectId)) return null
    let pending = this.pending.get(projectId)
    if (!pending) {
      pending = this.load(projectId).finally(() => this.pending.delete(projectId))
      this.pending.set(projectId, pending)
    }
    return pending
  }

  /** Wipes a project's data and builds it again from the config. */
  async reset(projectId: string): Promise<void> {
    this.known.delete(projectId)
    await this.store.wipeProject(projectId)
    if (this.total !== null && projectId !== CONSOLE_PROJECT_ID) this.total--
    await this.get(projectId)
  }

  /**
   * Drops every project no request has named for longer than `idleTtlMs` (the configured project and the console
   * stay); returns the IDs dropped. The emulator runs it on a timer when `--project-ttl` is set.
   */
  async dropIdle(): Promise<string[]> {
    const ttl = this.limits.idleTtlMs
    if (ttl === null) return []
    const cutoff = this.clock.now() - ttl
    const dropped: string[] = []
    for (const id of await this.store.projectIds()) {
      if (id === CONSOLE_PROJECT_ID || id === this.template.projectId || this.pending.has(id)) continue
      if ((this.lastSeen.get(id) ?? this.startedAt) > cutoff) continue
      const idle = await this.store.transaction(async () => {
        // Another process sharing the store may have seen it lately (hosted mode); its `seenAt` says so.
        const record = await this.store.projects.get(id, id)
        if (!record || (record.seenAt ?? 0) > cutoff) return false
        await this.store.wipeProject(id)
        for (const drop of this.droppers) await drop(id)
        return true
      })
      if (!idle) continue
      this.known.delete(id)
      this.lastSeen.delete(id)
      this.seenWritten.delete(id)
      if (this.total !== null) this.total--
      dropped.push(id)
    }
    return dropped
  }

  /**
   * Notes a request naming the project; the store's `seenAt` follows a few times per TTL, off the request path.
   * When that finds the project gone (another process dropped it), it is forgotten here and made again on next use.
   */
  private seen(projectId: string, ttl: number): void {
    const now = this.clock.now()
    this.lastSeen.set(projectId, now)
    if (now - (this.seenWritten.get(projectId) ?? 0) < ttl / 4) return
    this.seenWritten.set(projectId, now)
    const { projects } = this.store
    void this.store
      .transaction(async () => {
        const record = await projects.get(projectId, projectId)
        if (!record) return false
        // Writes from several processes may land out of order: the latest sighting wins, never an older one.
        if ((record.seenAt ?? 0) >= now) return true
        return projects.update(projectId, { ...record, seenAt: now })
      })
      .then(
        (kept) => kept || this.known.delete(projectId),
        () => this.seenWritten.delete(projectId),
      )
  }

  /** The IDs the config names, for the banner. */
  configuredProjectIds(): string[] {
    return this.template.projectId ? [this.template.projectId] : []
  }

  private describe(projectId: string): Project {
    const isConsole = projectId === CONSOLE_PROJECT_ID
    return {
      id: projectId,
      name: isConsole ? 'Appwrite' : projectId === this.template.projectId && this.template.projectName ? this.template.projectName : projectId,
      isConsole,
      // The console project is Appwrite's own: it does not take the app's settings.
      settings: isConsole ? defaultSettings() : this.template.settings,
      template: this.template,
    }
  }

  private async load(projectId: string): Promise<Project> {
    const project = this.describe(projectId)
    if (!(await this.store.projects.get(projectId, projectId))) {
      await this.store.transaction(async () => {
        if (await this.store.projects.get(projectId, projectId)) return
        this.total ??= (await this.store.projectIds()).length
        if (!project.isConsole && this.total >= this.limits.maxProjects) {
          // Unknown projects are created on first use; past the bound a new ID is what it is on Appwrite: unknown.
          throw new AppwriteException(
            'project_not_found',
            `Project "${projectId}" does not exist, and the emulator already holds ${this.limits.maxProjects} projects (--max-projects). Reset or drop projects, or raise the limit.`,
          )
        }
        await this.store.projects.insert(projectId, { id: projectId, createdAt: formatDate(this.clock.now()) })
        this.total++
        if (!project.isConsole) for (const provision of this.provisioners) await provision(project)
      })
    }
    this.known.set(projectId, project)
    if (this.limits.idleTtlMs !== null) this.seen(projectId, this.limits.idleTtlMs)
    return project
  }
}
