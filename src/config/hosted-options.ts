/**
 * The options of the hosted, multi-process mode (docs/decisions/hosted-mode.md). Without any of them the emulator
 * runs as before: SQLite under `--data`, the in-process bus, counters in memory.
 */
export interface HostedOptions {
  /** `postgres://user@host:5432/db`: keep every table in PostgreSQL instead of SQLite (`--store`). */
  store: string | null
  /** `redis://host:6379`: carry realtime events and rate-limit counters between processes (`--bus`). */
  bus: string | null
  /** A folder every process can reach for file bytes (`--files`); default `<data>/files`. */
  files: string | null
  /** Per-project quotas for a shared deployment (`--project-quota`); null for none. */
  projectQuota: ProjectQuota | null
}

/** Limits one project may not pass (`requests=600/min,documents=100000,storage=1GB`). */
export interface ProjectQuota {
  /** Requests per window, counted across processes when `--bus` is given. */
  requests?: { limit: number; windowSeconds: number }
  /** Documents across all collections. */
  documents?: number
  /** Bytes of files (as uploaded). */
  storageBytes?: number
}

export const HOSTED_ENV = {
  store: 'APPWRITE_EMULATOR_STORE',
  bus: 'APPWRITE_EMULATOR_BUS',
  files: 'APPWRITE_EMULATOR_FILES',
  projectQuota: 'APPWRITE_EMULATOR_PROJECT_QUOTA',
} as const

/** Thrown for a hosted option that cannot be used; options.ts turns it into its OptionsError. */
export class HostedOptionError extends Error {}

const WINDOWS: Record<string, number> = { s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 }
const UNITS: Record<string, number> = { b: 1, kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3, tib: 1024 ** 4 }

/** Parses `requests=600/min,documents=100000,storage=1GB`; throws HostedOptionError naming the bad part. */
export function parseProjectQuota(text: string, source = '--project-quota'): ProjectQuota {
  const quota: ProjectQuota = {}
  for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value = ''] = part.split('=').map((s) => s.trim())
    const bad = (why: string) => new HostedOptionError(`${source}: "${part}" ${why}`)
    if (name === 'requests') {
      const m = /^(\d+)\s*\/\s*(\d*)\s*([a-z]+)$/i.exec(value)
      if (!m || !WINDOWS[m[3].toLowerCase()] || Number(m[1]) < 1) throw bad('must be a count per window, e.g. requests=600/min')
      quota.requests = { limit: Number(m[1]), windowSeconds: (m[2] ? Number(m[2]) : 1) * WINDOWS[m[3].toLowerCase()] }
    } else if (name === 'documents') {
      if (!/^\d+$/.test(value) || Number(value) < 1) throw bad('must be a whole number of at least 1, e.g. documents=100000')
      quota.documents = Number(value)
    } else if (name === 'storage') {
      const m = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i.exec(value)
      const unit = m ? UNITS[(m[2] || 'b').toLowerCase()] : undefined
      if (!m || !unit || Number(m[1]) <= 0) throw bad('must be a size, e.g. storage=1GB or storage=500MiB')
      quota.storageBytes = Math.floor(Number(m[1]) * unit)
    } else {
      throw bad('is not a quota (requests, documents or storage)')
    }
  }
  if (Object.keys(quota).length === 0) throw new HostedOptionError(`${source} names no quota, e.g. requests=600/min,documents=100000,storage=1GB`)
  return quota
}

type GivenHosted = Partial<Omit<HostedOptions, 'projectQuota'>> & { projectQuota?: ProjectQuota | string | null }

/** The hosted options from explicit values, then environment variables; the URLs are checked here. */
export function resolveHostedOptions(given: GivenHosted, env: Record<string, string | undefined>): HostedOptions {
  const pick = (key: keyof typeof HOSTED_ENV) => (given[key] !== undefined ? { value: given[key], source: `--${key === 'projectQuota' ? 'project-quota' : key}` } : { value: env[HOSTED_ENV[key]] || null, source: HOSTED_ENV[key] })
  const store = pick('store')
  if (store.value !== null && !/^postgres(?:ql)?:\/\/[^\s]+$/.test(String(store.value))) {
    throw new HostedOptionError(`${store.source} must be a PostgreSQL URL such as postgres://postgres@127.0.0.1:5432/emulator, got "${store.value}"`)
  }
  const bus = pick('bus')
  if (bus.value !== null && !/^rediss?:\/\/[^\s]+$/.test(String(bus.value))) {
    throw new HostedOptionError(`${bus.source} must be a Redis URL such as redis://127.0.0.1:6379, got "${bus.value}"`)
  }
  const files = pick('files')
  if (files.value === '') throw new HostedOptionError(`${files.source} must name a folder`)
  const quota = pick('projectQuota')
  return {
    store: (store.value as string | null) ?? null,
    bus: (bus.value as string | null) ?? null,
    files: (files.value as string | null) ?? null,
    projectQuota: quota.value === null ? null : typeof quota.value === 'string' ? parseProjectQuota(quota.value, quota.source) : (quota.value as ProjectQuota),
  }
}
