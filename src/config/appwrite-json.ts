import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { isValidKey } from '../domain/ids.js'
import { parsePermission } from '../domain/permissions.js'

export const SERVICES = ['account', 'avatars', 'databases', 'locale', 'health', 'storage', 'teams', 'users', 'functions', 'graphql', 'messaging'] as const
export type ServiceName = (typeof SERVICES)[number]
export const AUTH_METHODS = ['jwt', 'phone', 'invites', 'anonymous', 'email-otp', 'magic-url', 'email-password'] as const
export type AuthMethod = (typeof AUTH_METHODS)[number]

export interface SecuritySettings {
  /** Session length in seconds. */
  duration: number
  /** Most users a project may have; 0 = unlimited. */
  limit: number
  sessionsLimit: number
  passwordHistory: number
  passwordDictionary: boolean
  personalDataCheck: boolean
  sessionAlerts: boolean
  mockNumbers: { phone: string; otp: string }[]
}

export interface ProjectSettings {
  services: Record<ServiceName, boolean>
  authMethods: Record<AuthMethod, boolean>
  security: SecuritySettings
}

export interface AttributeConfig {
  key: string
  type: 'string' | 'integer' | 'double' | 'boolean' | 'datetime' | 'relationship'
  format: string
  required: boolean
  array: boolean
  default: unknown
  size?: number
  min?: number
  max?: number
  elements?: string[]
  relatedCollection?: string
  relationType?: 'oneToOne' | 'oneToMany' | 'manyToOne' | 'manyToMany'
  twoWay?: boolean
  twoWayKey?: string
  onDelete?: 'cascade' | 'restrict' | 'setNull'
  side?: 'parent' | 'child'
}

export interface IndexConfig {
  key: string
  type: 'key' | 'unique' | 'fulltext'
  attributes: string[]
  orders: ('ASC' | 'DESC')[]
}

export interface DatabaseConfig { $id: string; name: string; enabled: boolean }
export interface CollectionConfig {
  $id: string
  databaseId: string
  name: string
  enabled: boolean
  documentSecurity: boolean
  $permissions: string[]
  attributes: AttributeConfig[]
  indexes: IndexConfig[]
}
export interface BucketConfig {
  $id: string
  name: string
  enabled: boolean
  $permissions: string[]
  fileSecurity: boolean
  maximumFileSize: number
  allowedFileExtensions: string[]
  compression: 'none' | 'gzip' | 'zstd'
  encryption: boolean
  antivirus: boolean
}
export interface FunctionConfig {
  $id: string
  name: string
  runtime: string
  execute: string[]
  events: string[]
  schedule: string
  timeout: number
  enabled: boolean
  logging: boolean
  entrypoint: string
  commands: string
  /** Absolute, resolved against the config file's folder. */
  path: string
  scopes: string[]
  /** The emulator's own field: environment variables the function gets (Appwrite keeps them in the console). */
  vars: Record<string, string>
}
export interface TeamConfig { $id: string; name: string }
/** Appwrite's platform types (src/Appwrite/Network/Client.php). */
export const PLATFORM_TYPES = [
  'web', 'flutter-web', 'flutter-ios', 'flutter-android', 'flutter-macos', 'flutter-windows', 'flutter-linux',
  'apple-ios', 'apple-macos', 'apple-watchos', 'apple-tvos', 'android', 'unity', 'react-native-ios', 'react-native-android',
] as const
export type PlatformType = (typeof PLATFORM_TYPES)[number]
/** Web platforms (`web`, `flutter-web`) are matched by `hostname`; the others by `key` (a bundle or package ID). */
export const HOSTNAME_PLATFORM_TYPES: readonly PlatformType[] = ['web', 'flutter-web']
/** A registered client platform: the emulator's extension of appwrite.json (Appwrite keeps platforms in the console). */
export interface PlatformConfig { type: PlatformType; hostname?: string; key?: string }
export interface TopicConfig { $id: string; name: string; subscribe: string[] }

/** What every project is built from: the settings and schema of one appwrite.json. */
export interface ProjectTemplate {
  /** The config file, or null when the emulator runs without one. */
  file: string | null
  projectId: string | null
  projectName: string | null
  settings: ProjectSettings
  databases: DatabaseConfig[]
  collections: CollectionConfig[]
  buckets: BucketConfig[]
  functions: FunctionConfig[]
  teams: TeamConfig[]
  topics: TopicConfig[]
  /** Registered platforms, or `'*'` for any origin and redirect host (`"platforms": "*"`, `--any-origin`). */
  platforms: PlatformConfig[] | '*'
}

/** A config that cannot be used; the message names the file, the JSON path and the problem. */
export class ConfigError extends Error {
  constructor(file: string, path: string, problem: string) {
    super(`${file}: ${path}: ${problem}`)
    this.name = 'ConfigError'
  }
}

export function defaultSettings(): ProjectSettings {
  return {
    services: Object.fromEntries(SERVICES.map((s) => [s, true])) as Record<ServiceName, boolean>,
    authMethods: Object.fromEntries(AUTH_METHODS.map((m) => [m, true])) as Record<AuthMethod, boolean>,
    security: {
      duration: 31_536_000,
      limit: 0,
      sessionsLimit: 10,
      passwordHistory: 0,
      passwordDictionary: false,
      personalDataCheck: false,
      sessionAlerts: false,
      mockNumbers: [],
    },
  }
}

/** The template used when no appwrite.json is given. */
export function emptyTemplate(): ProjectTemplate {
  return { file: null, projectId: null, projectName: null, settings: defaultSettings(), databases: [], collections: [], buckets: [], functions: [], teams: [], topics: [], platforms: [] }
}

/** Reads and validates an appwrite.json; throws ConfigError naming what is wrong. */
export function loadAppwriteJson(file: string): ProjectTemplate {
  const absolute = resolve(file)
  let text: string
  try {
    text = readFileSync(absolute, 'utf8')
  } catch (error) {
    throw new ConfigError(absolute, '$', `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`)
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (error) {
    throw new ConfigError(absolute, '$', `is not valid JSON (${(error as Error).message})`)
  }
  return parseAppwriteJson(json, absolute)
}

type Obj = Record<string, unknown>

/** Validates parsed appwrite.json content. `file` is used for messages and to resolve relative paths. */
export function parseAppwriteJson(json: unknown, file: string): ProjectTemplate {
  const fail = (path: string, problem: string): never => {
    throw new ConfigError(file, path, problem)
  }
  const obj = (v: unknown, path: string): Obj =>
    typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : fail(path, 'must be an object')
  const list = (v: unknown, path: string): unknown[] => (v === undefined ? [] : Array.isArray(v) ? v : fail(path, 'must be an array'))
  const str = (o: Obj, key: string, path: string, fallback?: string): string => {
    const v = o[key]
    if (v === undefined && fallback !== undefined) return fallback
    return typeof v === 'string' ? v : fail(`${path}.${key}`, 'must be a string')
  }
  const bool = (o: Obj, key: string, path: string, fallback: boolean): boolean => {
    const v = o[key]
    if (v === undefined || v === null) return fallback
    return typeof v === 'boolean' ? v : fail(`${path}.${key}`, 'must be true or false')
  }
  const int = (o: Obj, key: string, path: string, fallback: number, min = 0): number => {
    const v = o[key]
    if (v === undefined || v === null) return fallback
    return typeof v === 'number' && Number.isInteger(v) && v >= min ? v : fail(`${path}.${key}`, `must be an integer of at least ${min}`)
  }
  const num = (o: Obj, key: string, path: string): number | undefined => {
    const v = o[key]
    if (v === undefined || v === null) return undefined
    return typeof v === 'number' ? v : fail(`${path}.${key}`, 'must be a number')
  }
  const id = (o: Obj, key: string, path: string): string => {
    const v = str(o, key, path)
    return isValidKey(v) ? v : fail(`${path}.${key}`, `"${v}" is not a valid ID (1–36 chars of a-z, A-Z, 0-9, period, hyphen, underscore; not starting with a special char)`)
  }
  const strings = (o: Obj, key: string, path: string): string[] =>
    list(o[key], `${path}.${key}`).map((v, i) => (typeof v === 'string' ? v : fail(`${path}.${key}[${i}]`, 'must be a string')))
  const oneOf = <T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], fallback?: T): T => {
    const v = o[key] ?? fallback
    return allowed.includes(v as T) ? (v as T) : fail(`${path}.${key}`, `must be one of ${allowed.join(', ')}`)
  }
  const permissions = (o: Obj, path: string): string[] =>
    strings(o, '$permissions', path).map((perm, i) => {
      const parsed = parsePermission(perm)
      return 'error' in parsed ? fail(`${path}.$permissions[${i}]`, parsed.error) : perm
    })
  const unique = <T extends { $id: string }>(items: T[], path: string, scope: (t: T) => string = () => ''): T[] => {
    const seen = new Set<string>()
    items.forEach((item, i) => {
      const key = `${scope(item)}/${item.$id}`
      if (seen.has(key)) fail(`${path}[${i}].$id`, `"${item.$id}" appears twice`)
      seen.add(key)
    })
    return items
  }

  const vars = (o: Obj, path: string): Record<string, string> => {
    if (o.vars === undefined || o.vars === null) return {}
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(obj(o.vars, `${path}.vars`))) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) fail(`${path}.vars.${k}`, 'is not a valid environment variable name')
      out[k] = typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : fail(`${path}.vars.${k}`, 'must be a string')
    }
    return out
  }

  const root = obj(json, '$')
  const template = emptyTemplate()
  template.file = file
  if (root.projectId !== undefined) template.projectId = id(root, 'projectId', '$')
  if (root.projectName !== undefined) template.projectName = str(root, 'projectName', '$')

  if (root.settings !== undefined) {
    const settings = obj(root.settings, '$.settings')
    if (settings.services !== undefined) {
      const services = obj(settings.services, '$.settings.services')
      for (const [k, v] of Object.entries(services)) {
        if (!SERVICES.includes(k as ServiceName)) fail(`$.settings.services.${k}`, `unknown service (known: ${SERVICES.join(', ')})`)
        if (typeof v !== 'boolean') fail(`$.settings.services.${k}`, 'must be true or false')
        template.settings.services[k as ServiceName] = v as boolean
      }
    }
    if (settings.auth !== undefined) {
      const auth = obj(settings.auth, '$.settings.auth')
      if (auth.methods !== undefined) {
        const methods = obj(auth.methods, '$.settings.auth.methods')
        for (const [k, v] of Object.entries(methods)) {
          if (!AUTH_METHODS.includes(k as AuthMethod)) fail(`$.settings.auth.methods.${k}`, `unknown auth method (known: ${AUTH_METHODS.join(', ')})`)
          if (typeof v !== 'boolean') fail(`$.settings.auth.methods.${k}`, 'must be true or false')
          template.settings.authMethods[k as AuthMethod] = v as boolean
        }
      }
      if (auth.security !== undefined) {
        const p = '$.settings.auth.security'
        const s = obj(auth.security, p)
        const d = template.settings.security
        template.settings.security = {
          duration: int(s, 'duration', p, d.duration, 1),
          limit: int(s, 'limit', p, d.limit),
          sessionsLimit: int(s, 'sessionsLimit', p, d.sessionsLimit, 1),
          passwordHistory: int(s, 'passwordHistory', p, d.passwordHistory),
          passwordDictionary: bool(s, 'passwordDictionary', p, d.passwordDictionary),
          personalDataCheck: bool(s, 'personalDataCheck', p, d.personalDataCheck),
          sessionAlerts: bool(s, 'sessionAlerts', p, d.sessionAlerts),
          mockNumbers: list(s.mockNumbers, `${p}.mockNumbers`).map((m, i) => {
            const mp = `${p}.mockNumbers[${i}]`
            const o = obj(m, mp)
            const phone = str(o, 'phone', mp)
            if (!/^\+[1-9]\d{6,14}$/.test(phone)) fail(`${mp}.phone`, 'must be an E.164 number such as +15555550100')
            const otp = str(o, 'otp', mp)
            if (!/^\d{6}$/.test(otp)) fail(`${mp}.otp`, 'must be 6 digits')
            return { phone, otp }
          }),
        }
      }
    }
  }

  template.databases = unique(
    list(root.databases, '$.databases').map((v, i) => {
      const p = `$.databases[${i}]`
      const o = obj(v, p)
      return { $id: id(o, '$id', p), name: str(o, 'name', p, ''), enabled: bool(o, 'enabled', p, true) }
    }),
    '$.databases',
  )
  const databaseIds = new Set(template.databases.map((d) => d.$id))

  template.collections = unique(
    list(root.collections, '$.collections').map((v, i) => {
      const p = `$.collections[${i}]`
      const o = obj(v, p)
      const databaseId = id(o, 'databaseId', p)
      if (!databaseIds.has(databaseId)) fail(`${p}.databaseId`, `database "${databaseId}" is not in $.databases`)
      const attributes = list(o.attributes, `${p}.attributes`).map((a, j) => parseAttribute(obj(a, `${p}.attributes[${j}]`), `${p}.attributes[${j}]`))
      const keys = new Set(attributes.map((a) => a.key))
      if (keys.size !== attributes.length) fail(`${p}.attributes`, 'has two attributes with the same key')
      const indexes = list(o.indexes, `${p}.indexes`).map((x, j) => {
        const ip = `${p}.indexes[${j}]`
        const io = obj(x, ip)
        const index: IndexConfig = {
          key: id(io, 'key', ip),
          type: oneOf(io, 'type', ip, ['key', 'unique', 'fulltext'] as const),
          attributes: strings(io, 'attributes', ip),
          orders: strings(io, 'orders', ip).map((ord, k) => (ord === 'ASC' || ord === 'DESC' ? ord : fail(`${ip}.orders[${k}]`, 'must be ASC or DESC'))),
        }
        if (index.attributes.length === 0) fail(`${ip}.attributes`, 'must name at least one attribute')
        index.attributes.forEach((attr, k) => {
          if (!keys.has(attr) && !['$id', '$createdAt', '$updatedAt'].includes(attr)) fail(`${ip}.attributes[${k}]`, `"${attr}" is not an attribute of this collection`)
        })
        return index
      })
      return {
        $id: id(o, '$id', p),
        databaseId,
        name: str(o, 'name', p, ''),
        enabled: bool(o, 'enabled', p, true),
        documentSecurity: bool(o, 'documentSecurity', p, false),
        $permissions: permissions(o, p),
        attributes,
        indexes,
      }
    }),
    '$.collections',
    (c) => c.databaseId,
  )
  template.collections.forEach((c, i) =>
    c.attributes.forEach((a, j) => {
      if (a.type === 'relationship' && !template.collections.some((x) => x.databaseId === c.databaseId && x.$id === a.relatedCollection)) {
        fail(`$.collections[${i}].attributes[${j}].relatedCollection`, `collection "${a.relatedCollection}" is not in database "${c.databaseId}"`)
      }
    }),
  )

  template.buckets = unique(
    list(root.buckets, '$.buckets').map((v, i) => {
      const p = `$.buckets[${i}]`
      const o = obj(v, p)
      return {
        $id: id(o, '$id', p),
        name: str(o, 'name', p, ''),
        enabled: bool(o, 'enabled', p, true),
        $permissions: permissions(o, p),
        fileSecurity: bool(o, 'fileSecurity', p, false),
        maximumFileSize: int(o, 'maximumFileSize', p, 30_000_000, 1),
        allowedFileExtensions: strings(o, 'allowedFileExtensions', p),
        compression: oneOf(o, 'compression', p, ['none', 'gzip', 'zstd'] as const, 'none'),
        encryption: bool(o, 'encryption', p, true),
        antivirus: bool(o, 'antivirus', p, true),
      }
    }),
    '$.buckets',
  )

  const baseDir = dirname(file)
  template.functions = unique(
    list(root.functions, '$.functions').map((v, i) => {
      const p = `$.functions[${i}]`
      const o = obj(v, p)
      return {
        $id: id(o, '$id', p),
        name: str(o, 'name', p, ''),
        runtime: str(o, 'runtime', p),
        execute: strings(o, 'execute', p),
        events: strings(o, 'events', p),
        schedule: str(o, 'schedule', p, ''),
        timeout: int(o, 'timeout', p, 15, 1),
        enabled: bool(o, 'enabled', p, true),
        logging: bool(o, 'logging', p, true),
        entrypoint: str(o, 'entrypoint', p, ''),
        commands: str(o, 'commands', p, ''),
        path: resolve(baseDir, str(o, 'path', p, '.')),
        scopes: strings(o, 'scopes', p),
        vars: vars(o, p),
      }
    }),
    '$.functions',
  )

  template.teams = unique(
    list(root.teams, '$.teams').map((v, i) => {
      const p = `$.teams[${i}]`
      const o = obj(v, p)
      return { $id: id(o, '$id', p), name: str(o, 'name', p) }
    }),
    '$.teams',
  )

  template.topics = unique(
    list(root.topics, '$.topics').map((v, i) => {
      const p = `$.topics[${i}]`
      const o = obj(v, p)
      return { $id: id(o, '$id', p), name: str(o, 'name', p, ''), subscribe: strings(o, 'subscribe', p) }
    }),
    '$.topics',
  )
  if (root.platforms === '*') template.platforms = '*'
  else {
    template.platforms = list(root.platforms, '$.platforms').map((v, i) => {
      const p = `$.platforms[${i}]`
      const o = obj(v, p)
      const type = oneOf(o, 'type', p, PLATFORM_TYPES, 'web')
      const field = HOSTNAME_PLATFORM_TYPES.includes(type) ? 'hostname' : 'key'
      const value = str(o, field, p).trim()
      if (!value) fail(`${p}.${field}`, `a ${type} platform needs a ${field}`)
      if (field === 'hostname' && /[/:]/.test(value.replace(/^\[.*\]$/, ''))) fail(`${p}.hostname`, `must be a hostname such as app.example.com, without scheme or port`)
      return { type, [field]: field === 'hostname' ? value.toLowerCase() : value }
    })
  }
  return template

  function parseAttribute(o: Obj, p: string): AttributeConfig {
    const type = oneOf(o, 'type', p, ['string', 'integer', 'double', 'float', 'boolean', 'datetime', 'relationship'] as const)
    const attr: AttributeConfig = {
      key: id(o, 'key', p),
      type: type === 'float' ? 'double' : type,
      format: str(o, 'format', p, ''),
      required: bool(o, 'required', p, false),
      array: bool(o, 'array', p, false),
      default: o.default ?? null,
    }
    if (attr.type === 'string') {
      if (!['', 'email', 'ip', 'url', 'enum'].includes(attr.format)) fail(`${p}.format`, 'must be one of email, ip, url, enum (or empty)')
      if (attr.format === 'enum') {
        attr.elements = strings(o, 'elements', p)
        if (attr.elements.length === 0) fail(`${p}.elements`, 'an enum needs at least one element')
        attr.size = Math.max(...attr.elements.map((e) => e.length))
      } else {
        attr.size = int(o, 'size', p, attr.format ? 2000 : -1, 1)
        if (attr.size < 0) fail(`${p}.size`, 'a string attribute needs a size')
      }
    }
    if (attr.type === 'integer' || attr.type === 'double') {
      attr.min = num(o, 'min', p)
      attr.max = num(o, 'max', p)
      if (attr.min !== undefined && attr.max !== undefined && attr.min > attr.max) fail(`${p}.min`, 'must not be greater than max')
    }
    if (attr.type === 'relationship') {
      attr.relatedCollection = id(o, 'relatedCollection', p)
      attr.relationType = oneOf(o, 'relationType', p, ['oneToOne', 'oneToMany', 'manyToOne', 'manyToMany'] as const)
      attr.twoWay = bool(o, 'twoWay', p, false)
      if (o.twoWayKey !== undefined && o.twoWayKey !== null) attr.twoWayKey = id(o, 'twoWayKey', p)
      attr.onDelete = oneOf(o, 'onDelete', p, ['cascade', 'restrict', 'setNull'] as const, 'restrict')
      attr.side = oneOf(o, 'side', p, ['parent', 'child'] as const, 'parent')
    }
    if (attr.required && attr.default !== null) fail(`${p}.default`, 'a required attribute cannot have a default')
    return attr
  }
}
