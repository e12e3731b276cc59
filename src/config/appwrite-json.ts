import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { isValidKey } from '../domain/ids.js'
import { parsePermission } from '../domain/permissions.js'
import { JsonSyntaxError, memberPath, parseJsonWithPositions, type JsonPositions } from './json-positions.js'
import { KNOWN_KEYS, nearest, type ConfigObjectKind } from './known-keys.js'

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

/** One problem (or warning) in a config: the file, where in it (when known), the JSON path and what is wrong. */
export interface ConfigProblem {
  file: string
  path: string
  line?: number
  column?: number
  problem: string
}

/** `/app/appwrite.json:12:7: $.buckets[0].compression: must be one of none, gzip, zstd`. */
export const formatProblem = (p: ConfigProblem) => `${p.file}${p.line ? `:${p.line}:${p.column}` : ''}: ${p.path}: ${p.problem}`

/** A config that cannot be used; the message has one line per problem, each naming the file, line, column and JSON path. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[]
  constructor(problems: ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'))
    this.name = 'ConfigError'
    this.problems = problems
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

/** Reads and validates an appwrite.json; throws ConfigError naming every problem. */
export function loadAppwriteJson(file: string): ProjectTemplate {
  return readAppwriteJson(file).template
}

/** Reads and validates an appwrite.json: the template and the warnings (unknown keys); throws ConfigError naming every problem. */
export function readAppwriteJson(file: string): { template: ProjectTemplate; warnings: ConfigProblem[] } {
  const absolute = resolve(file)
  let text: string
  try {
    text = readFileSync(absolute, 'utf8')
  } catch (error) {
    throw new ConfigError([{ file: absolute, path: '$', problem: `cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` }])
  }
  let parsed: { value: unknown; positions: JsonPositions }
  try {
    parsed = parseJsonWithPositions(text)
  } catch (error) {
    if (!(error instanceof JsonSyntaxError)) throw error
    throw new ConfigError([{ file: absolute, path: '$', ...error.position, problem: `is not valid JSON: ${error.message}` }])
  }
  const result = checkAppwriteJson(parsed.value, absolute, parsed.positions)
  if (result.problems.length) throw new ConfigError(result.problems)
  return { template: result.template, warnings: result.warnings }
}

type Obj = Record<string, unknown>

/** Validates parsed appwrite.json content. `file` is used for messages and to resolve relative paths. */
export function parseAppwriteJson(json: unknown, file: string): ProjectTemplate {
  const result = checkAppwriteJson(json, file)
  if (result.problems.length) throw new ConfigError(result.problems)
  return result.template
}

/** Thrown by `fail` to give up on the current item (or section) after recording why; the others are still checked. */
const SKIP = Symbol('skip')

/**
 * Validates parsed appwrite.json content and collects every problem instead of stopping at the first: a value of
 * the wrong kind is recorded and replaced by its default, an item that is not an object is recorded and left out.
 */
export function checkAppwriteJson(json: unknown, file: string, positions?: JsonPositions): { template: ProjectTemplate; problems: ConfigProblem[]; warnings: ConfigProblem[] } {
  const problems: ConfigProblem[] = []
  const warnings: ConfigProblem[] = []
  /** Where a value is, or for a missing one where the object that lacks it is. */
  const positionOf = (path: string) => {
    for (let p = path; p; p = p.replace(/(?:\.[^.[\]]+|\[[^\]]*\])$/, '') || '') {
      const at = positions?.value(p)
      if (at || p === '$') return at
    }
    return undefined
  }
  const report = (path: string, problem: string) => void problems.push({ file, path, ...positionOf(path), problem })
  const fail = (path: string, problem: string): never => {
    report(path, problem)
    throw SKIP
  }
  const attempt = <T>(fn: () => T): T | undefined => {
    try {
      return fn()
    } catch (error) {
      if (error === SKIP) return undefined
      throw error
    }
  }
  /** Warns about keys of `o` this kind of object does not have, naming the nearest one that it has. */
  const knownKeys = (o: Obj, path: string, kind: ConfigObjectKind) => {
    const { read, ignored = [] }: { read: readonly string[]; ignored?: readonly string[] } = KNOWN_KEYS[kind]
    for (const key of Object.keys(o)) {
      if (read.includes(key) || ignored.includes(key)) continue
      const near = nearest(key, read)
      const keyPath = memberPath(path, key)
      warnings.push({ file, path: keyPath, ...positions?.key(keyPath), problem: `unknown key, ignored${near ? `; did you mean "${near}"?` : ''}` })
    }
  }
  const obj = (v: unknown, path: string, kind?: ConfigObjectKind): Obj => {
    if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(path, 'must be an object')
    if (kind) knownKeys(v as Obj, path, kind)
    return v as Obj
  }
  const list = (v: unknown, path: string): unknown[] => {
    if (v === undefined) return []
    if (Array.isArray(v)) return v
    report(path, 'must be an array')
    return []
  }
  /** The items of a list that are usable; the others are reported and left out. */
  const items = <T>(v: unknown, path: string, parse: (item: unknown, itemPath: string) => T): T[] =>
    list(v, path).flatMap((item, i) => {
      const parsed = attempt(() => parse(item, `${path}[${i}]`))
      return parsed === undefined ? [] : [parsed]
    })
  const str = (o: Obj, key: string, path: string, fallback?: string): string => {
    const v = o[key]
    if (v === undefined && fallback !== undefined) return fallback
    if (typeof v === 'string') return v
    report(`${path}.${key}`, 'must be a string')
    return fallback ?? ''
  }
  const bool = (o: Obj, key: string, path: string, fallback: boolean): boolean => {
    const v = o[key]
    if (v === undefined || v === null) return fallback
    if (typeof v === 'boolean') return v
    report(`${path}.${key}`, 'must be true or false')
    return fallback
  }
  const int = (o: Obj, key: string, path: string, fallback: number, min = 0): number => {
    const v = o[key]
    if (v === undefined || v === null) return fallback
    if (typeof v === 'number' && Number.isInteger(v) && v >= min) return v
    report(`${path}.${key}`, `must be an integer of at least ${min}`)
    return fallback
  }
  const num = (o: Obj, key: string, path: string): number | undefined => {
    const v = o[key]
    if (v === undefined || v === null) return undefined
    if (typeof v === 'number') return v
    report(`${path}.${key}`, 'must be a number')
    return undefined
  }
  /** An ID; '' after reporting a bad one, which the cross-reference checks then pass over. */
  const id = (o: Obj, key: string, path: string): string => {
    const v = o[key]
    if (typeof v !== 'string') {
      report(`${path}.${key}`, 'must be a string')
      return ''
    }
    if (isValidKey(v)) return v
    report(`${path}.${key}`, `"${v}" is not a valid ID (1–36 chars of a-z, A-Z, 0-9, period, hyphen, underscore; not starting with a special char)`)
    return ''
  }
  const strings = (o: Obj, key: string, path: string): string[] =>
    list(o[key], `${path}.${key}`).flatMap((v, i) => {
      if (typeof v === 'string') return [v]
      report(`${path}.${key}[${i}]`, 'must be a string')
      return []
    })
  /** One of `allowed`; a bad value is reported and the item given up when there is no fallback to use instead. */
  const oneOf = <T extends string>(o: Obj, key: string, path: string, allowed: readonly T[], fallback?: T): T => {
    const v = o[key] ?? fallback
    if (allowed.includes(v as T)) return v as T
    const problem = `must be one of ${allowed.join(', ')}${typeof v === 'string' && nearest(v, allowed) ? ` (did you mean "${nearest(v, allowed)}"?)` : ''}`
    if (fallback === undefined) fail(`${path}.${key}`, problem)
    report(`${path}.${key}`, problem)
    return fallback as T
  }
  const permissions = (o: Obj, path: string): string[] =>
    strings(o, '$permissions', path).filter((perm, i) => {
      const parsed = parsePermission(perm)
      if ('error' in parsed) report(`${path}.$permissions[${i}]`, parsed.error)
      return !('error' in parsed)
    })
  const unique = <T extends { $id: string }>(list: T[], path: string, scope: (t: T) => string = () => ''): T[] => {
    const seen = new Set<string>()
    list.forEach((item, i) => {
      if (!item.$id) return
      const key = `${scope(item)}/${item.$id}`
      if (seen.has(key)) report(`${path}[${i}].$id`, `"${item.$id}" appears twice`)
      seen.add(key)
    })
    return list
  }

  const vars = (o: Obj, path: string): Record<string, string> => {
    if (o.vars === undefined || o.vars === null) return {}
    const out: Record<string, string> = {}
    for (const [k, v] of Object.entries(attempt(() => obj(o.vars, `${path}.vars`)) ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) report(memberPath(`${path}.vars`, k), 'is not a valid environment variable name')
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = String(v)
      else report(`${path}.vars.${k}`, 'must be a string')
    }
    return out
  }
  /** A map of names to booleans (services, auth methods): unknown names are errors that name the nearest known one. */
  const switches = <K extends string>(v: unknown, path: string, known: readonly K[], what: string, into: Record<K, boolean>) => {
    for (const [k, on] of Object.entries(attempt(() => obj(v, path)) ?? {})) {
      const p = memberPath(path, k)
      if (!known.includes(k as K)) {
        const near = nearest(k, known)
        report(p, `unknown ${what}${near ? `; did you mean "${near}"?` : ''} (known: ${known.join(', ')})`)
      } else if (typeof on !== 'boolean') report(p, 'must be true or false')
      else into[k as K] = on
    }
  }

  const template = emptyTemplate()
  template.file = file
  const root = attempt(() => obj(json, '$', 'root'))
  if (!root) return { template, problems, warnings }
  if (root.projectId !== undefined) template.projectId = id(root, 'projectId', '$') || null
  if (root.projectName !== undefined) template.projectName = str(root, 'projectName', '$')

  if (root.settings !== undefined) {
    attempt(() => {
      const settings = obj(root.settings, '$.settings', 'settings')
      if (settings.services !== undefined) switches(settings.services, '$.settings.services', SERVICES, 'service', template.settings.services)
      if (settings.auth === undefined) return
      const auth = obj(settings.auth, '$.settings.auth', 'auth')
      if (auth.methods !== undefined) switches(auth.methods, '$.settings.auth.methods', AUTH_METHODS, 'auth method', template.settings.authMethods)
      if (auth.security === undefined) return
      const p = '$.settings.auth.security'
      const s = obj(auth.security, p, 'security')
      const d = template.settings.security
      template.settings.security = {
        duration: int(s, 'duration', p, d.duration, 1),
        limit: int(s, 'limit', p, d.limit),
        sessionsLimit: int(s, 'sessionsLimit', p, d.sessionsLimit, 1),
        passwordHistory: int(s, 'passwordHistory', p, d.passwordHistory),
        passwordDictionary: bool(s, 'passwordDictionary', p, d.passwordDictionary),
        personalDataCheck: bool(s, 'personalDataCheck', p, d.personalDataCheck),
        sessionAlerts: bool(s, 'sessionAlerts', p, d.sessionAlerts),
        mockNumbers: items(s.mockNumbers, `${p}.mockNumbers`, (m, mp) => {
          const o = obj(m, mp, 'mockNumber')
          const phone = str(o, 'phone', mp)
          if (phone && !/^\+[1-9]\d{6,14}$/.test(phone)) report(`${mp}.phone`, 'must be an E.164 number such as +15555550100')
          const otp = str(o, 'otp', mp)
          if (otp && !/^\d{6}$/.test(otp)) report(`${mp}.otp`, 'must be 6 digits')
          return { phone, otp }
        }),
      }
    })
  }

  template.databases = unique(
    items(root.databases, '$.databases', (v, p) => {
      const o = obj(v, p, 'database')
      return { $id: id(o, '$id', p), name: str(o, 'name', p, ''), enabled: bool(o, 'enabled', p, true) }
    }),
    '$.databases',
  )
  const databaseIds = new Set(template.databases.map((d) => d.$id))

  template.collections = unique(
    items(root.collections, '$.collections', (v, p) => {
      const o = obj(v, p, 'collection')
      const databaseId = id(o, 'databaseId', p)
      if (databaseId && !databaseIds.has(databaseId)) report(`${p}.databaseId`, `database "${databaseId}" is not in $.databases`)
      const attributes = items(o.attributes, `${p}.attributes`, (a, ap) => parseAttribute(obj(a, ap, 'attribute'), ap))
      const keys = new Set(attributes.map((a) => a.key))
      if (keys.size !== attributes.length) report(`${p}.attributes`, 'has two attributes with the same key')
      const indexes = items(o.indexes, `${p}.indexes`, (x, ip) => {
        const io = obj(x, ip, 'index')
        const index: IndexConfig = {
          key: id(io, 'key', ip),
          type: oneOf(io, 'type', ip, ['key', 'unique', 'fulltext'] as const),
          attributes: strings(io, 'attributes', ip),
          orders: strings(io, 'orders', ip).flatMap((ord, k) => {
            if (ord === 'ASC' || ord === 'DESC') return [ord]
            report(`${ip}.orders[${k}]`, 'must be ASC or DESC')
            return []
          }),
        }
        if (index.attributes.length === 0) report(`${ip}.attributes`, 'must name at least one attribute')
        index.attributes.forEach((attr, k) => {
          if (!keys.has(attr) && !['$id', '$createdAt', '$updatedAt'].includes(attr)) report(`${ip}.attributes[${k}]`, `"${attr}" is not an attribute of this collection`)
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
      if (a.type === 'relationship' && a.relatedCollection && !template.collections.some((x) => x.databaseId === c.databaseId && x.$id === a.relatedCollection)) {
        report(`$.collections[${i}].attributes[${j}].relatedCollection`, `collection "${a.relatedCollection}" is not in database "${c.databaseId}"`)
      }
    }),
  )

  template.buckets = unique(
    items(root.buckets, '$.buckets', (v, p) => {
      const o = obj(v, p, 'bucket')
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
    items(root.functions, '$.functions', (v, p) => {
      const o = obj(v, p, 'function')
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
    items(root.teams, '$.teams', (v, p) => {
      const o = obj(v, p, 'team')
      return { $id: id(o, '$id', p), name: str(o, 'name', p) }
    }),
    '$.teams',
  )

  template.topics = unique(
    items(root.topics, '$.topics', (v, p) => {
      const o = obj(v, p, 'topic')
      return { $id: id(o, '$id', p), name: str(o, 'name', p, ''), subscribe: strings(o, 'subscribe', p) }
    }),
    '$.topics',
  )
  if (root.platforms === '*') template.platforms = '*'
  else {
    template.platforms = items(root.platforms, '$.platforms', (v, p) => {
      const o = obj(v, p, 'platform')
      const type = oneOf(o, 'type', p, PLATFORM_TYPES, 'web')
      const field = HOSTNAME_PLATFORM_TYPES.includes(type) ? 'hostname' : 'key'
      const value = str(o, field, p).trim()
      if (!value) fail(`${p}.${field}`, `a ${type} platform needs a ${field}`)
      if (field === 'hostname' && /[/:]/.test(value.replace(/^\[.*\]$/, ''))) fail(`${p}.hostname`, `must be a hostname such as app.example.com, without scheme or port`)
      return { type, [field]: field === 'hostname' ? value.toLowerCase() : value }
    })
  }
  return { template, problems, warnings }

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
      if (!['', 'email', 'ip', 'url', 'enum'].includes(attr.format)) report(`${p}.format`, 'must be one of email, ip, url, enum (or empty)')
      if (attr.format === 'enum') {
        attr.elements = strings(o, 'elements', p)
        if (attr.elements.length === 0) report(`${p}.elements`, 'an enum needs at least one element')
        attr.size = Math.max(0, ...attr.elements.map((e) => e.length))
      } else {
        attr.size = int(o, 'size', p, attr.format ? 2000 : -1, 1)
        if (attr.size < 0) report(`${p}.size`, 'a string attribute needs a size')
      }
    }
    if (attr.type === 'integer' || attr.type === 'double') {
      attr.min = num(o, 'min', p)
      attr.max = num(o, 'max', p)
      if (attr.min !== undefined && attr.max !== undefined && attr.min > attr.max) report(`${p}.min`, 'must not be greater than max')
    }
    if (attr.type === 'relationship') {
      attr.relatedCollection = id(o, 'relatedCollection', p)
      attr.relationType = oneOf(o, 'relationType', p, ['oneToOne', 'oneToMany', 'manyToOne', 'manyToMany'] as const)
      attr.twoWay = bool(o, 'twoWay', p, false)
      if (o.twoWayKey !== undefined && o.twoWayKey !== null) attr.twoWayKey = id(o, 'twoWayKey', p)
      attr.onDelete = oneOf(o, 'onDelete', p, ['cascade', 'restrict', 'setNull'] as const, 'restrict')
      attr.side = oneOf(o, 'side', p, ['parent', 'child'] as const, 'parent')
    }
    if (attr.required && attr.default !== null) report(`${p}.default`, 'a required attribute cannot have a default')
    return attr
  }
}
