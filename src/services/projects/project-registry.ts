import { isValidKey } from '../../domain/ids.js'
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

export const CONSOLE_PROJECT_ID = 'console'

/**
 * Knows every project. A project the config does not name is created on first use with the config's schema
 * and settings, so each test can isolate itself by project ID.
 */
export class ProjectRegistry {
  private readonly known = new Map<string, Project>()
  private readonly pending = new Map<string, Promise<Project>>()
  private readonly provisioners: Provisioner[] = []

  constructor(
    private readonly store: Store,
    private readonly template: ProjectTemplate,
    private readonly clock: Clock,
  ) {}

  /** Registers work to run when a project is created or reset. */
  onProvision(provisioner: Provisioner): void {
    this.provisioners.push(provisioner)
  }

  /** The project with this ID, created on first use; null when the ID cannot name a project. */
  async get(projectId: string): Promise<Project | null> {
    const cached = this.known.get(projectId)
    if (cached) return cached
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
    await this.get(projectId)
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
        await this.store.projects.insert(projectId, { id: projectId, createdAt: formatDate(this.clock.now()) })
        if (!project.isConsole) for (const provision of this.provisioners) await provision(project)
      })
    }
    this.known.set(projectId, project)
    return project
  }
}
