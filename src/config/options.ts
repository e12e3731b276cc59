import { existsSync } from 'node:fs'
import { resolve } from 'node:path'
import { HOSTED_ENV, HostedOptionError, resolveHostedOptions, type HostedOptions } from './hosted-options.js'

/**
 * How the emulator runs: from CLI flags, environment variables, or the programmatic entry. The hosted mode's
 * options (`--store`, `--bus`, `--files`, `--project-quota`) are in hosted-options.ts.
 */
export interface EmulatorOptions extends HostedOptions {
  port: number
  host: string
  /** An appwrite.json, or null for none. */
  config: string | null
  /** Where the SQLite database (and later, files) live. */
  data: string
  inMemory: boolean
  rateLimits: boolean
  trustProxy: boolean
  /** Let avatar routes fetch loopback, private, link-local and metadata addresses (off: a hosted emulator stays out of its own network). */
  allowPrivateUrls: boolean
  /** pino level: fatal, error, warn, info, debug, trace, silent. */
  logLevel: string
  /** `pretty`: one readable line per entry; `json`: pino's JSON lines. Default: pretty on a terminal, JSON otherwise. */
  logFormat: 'pretty' | 'json'
  /** Relay emails to this SMTP server as well, e.g. `smtp://127.0.0.1:1025`. */
  smtp: string | null
  /** When set, the control API wants `Authorization: Bearer <token>`, from loopback or anywhere else. */
  controlToken: string | null
  /** The most projects the emulator keeps; requests naming a new project past it are refused. */
  maxProjects: number
  /** Projects idle longer than this (ms) are dropped; null keeps them forever. */
  projectTtl: number | null
  /** Run functions' `commands` when their dependency files change (`--no-function-builds` turns it off). */
  functionBuilds: boolean
  /** Run functions on events and schedules (`--no-function-triggers` turns it off). */
  functionTriggers: boolean
  /** Hostnames registered as web platforms besides appwrite.json's `platforms` (`--platform`, repeatable). */
  platforms: string[]
  /** Every origin and redirect host counts as registered (`--any-origin`), as `"platforms": "*"` does. */
  anyOrigin: boolean
  /** A project archive (from `GET /_emulator/projects/{id}/export`) loaded into its project at start (`--import`). */
  importFile: string | null
  /** Where the config's project (else the imported one) is exported on stop, through a temporary file (`--export-on-exit`). */
  exportOnExit: string | null
  /** Where the coverage report is written on stop, as JSON, with a readable table beside it as `<file>.txt` (`--coverage-report`). */
  coverageReport: string | null
}

/** Each flag's environment variable. */
export const ENV = {
  port: 'APPWRITE_EMULATOR_PORT',
  host: 'APPWRITE_EMULATOR_HOST',
  config: 'APPWRITE_EMULATOR_CONFIG',
  data: 'APPWRITE_EMULATOR_DATA',
  inMemory: 'APPWRITE_EMULATOR_IN_MEMORY',
  rateLimits: 'APPWRITE_EMULATOR_RATE_LIMITS',
  trustProxy: 'APPWRITE_EMULATOR_TRUST_PROXY',
  allowPrivateUrls: 'APPWRITE_EMULATOR_ALLOW_PRIVATE_URLS',
  logLevel: 'APPWRITE_EMULATOR_LOG_LEVEL',
  logFormat: 'APPWRITE_EMULATOR_LOG_FORMAT',
  smtp: 'APPWRITE_EMULATOR_SMTP',
  controlToken: 'APPWRITE_EMULATOR_CONTROL_TOKEN',
  maxProjects: 'APPWRITE_EMULATOR_MAX_PROJECTS',
  projectTtl: 'APPWRITE_EMULATOR_PROJECT_TTL',
  noFunctionBuilds: 'APPWRITE_EMULATOR_NO_FUNCTION_BUILDS',
  noFunctionTriggers: 'APPWRITE_EMULATOR_NO_FUNCTION_TRIGGERS',
  platforms: 'APPWRITE_EMULATOR_PLATFORMS',
  anyOrigin: 'APPWRITE_EMULATOR_ANY_ORIGIN',
  importFile: 'APPWRITE_EMULATOR_IMPORT',
  exportOnExit: 'APPWRITE_EMULATOR_EXPORT_ON_EXIT',
  coverageReport: 'APPWRITE_EMULATOR_COVERAGE_REPORT',
  ...HOSTED_ENV,
} as const

/** An option that cannot be used; the message starts with the flag or environment variable it came from. */
export class OptionsError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'OptionsError'
  }
}

const truthy = (v: string | undefined) => v !== undefined && ['1', 'true', 'yes', 'on'].includes(v.toLowerCase())

/**
 * Fills in options: explicit values win, then environment variables, then defaults. `./appwrite.json` is used
 * when present and no config is named.
 */
export function resolveOptions(given: Partial<EmulatorOptions>, env: Record<string, string | undefined> = process.env, cwd = process.cwd()): EmulatorOptions {
  /** Where a value came from, for messages: the flag when given explicitly, else its environment variable. */
  const from = (key: keyof EmulatorOptions, flag: string, envKey: keyof typeof ENV = key as keyof typeof ENV) =>
    given[key] !== undefined ? flag : ENV[envKey]
  const portText = given.port !== undefined ? String(given.port) : env[ENV.port] ?? '8080'
  const port = Number(portText)
  if (!/^\d+$/.test(portText.trim()) || port > 65535) throw new OptionsError(`${from('port', '--port')} must be a whole number from 0 to 65535, got "${portText}"`)
  let config = given.config !== undefined ? given.config : env[ENV.config] ?? null
  if (config === null && existsSync(resolve(cwd, 'appwrite.json'))) config = 'appwrite.json'
  const logLevel = given.logLevel ?? env[ENV.logLevel] ?? 'info'
  if (!['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(logLevel)) {
    throw new OptionsError(`${from('logLevel', '--log-level')} must be one of fatal, error, warn, info, debug, trace, silent, got "${logLevel}"`)
  }
  const logFormat = given.logFormat ?? env[ENV.logFormat] ?? (process.stdout.isTTY ? 'pretty' : 'json')
  if (logFormat !== 'pretty' && logFormat !== 'json') throw new OptionsError(`${from('logFormat', '--log-format')} must be pretty or json, got "${logFormat}"`)
  const smtp = given.smtp !== undefined ? given.smtp : env[ENV.smtp] ?? null
  if (smtp !== null && !/^smtps?:\/\/[^/\s]+/.test(smtp)) throw new OptionsError(`${from('smtp', '--smtp')} must be a URL such as smtp://127.0.0.1:1025, got "${smtp}"`)
  const controlToken = given.controlToken !== undefined ? given.controlToken : env[ENV.controlToken] || null
  if (controlToken !== null && controlToken.length < 16) throw new OptionsError(`${from('controlToken', '--control-token')} must be at least 16 characters long`)
  const maxText = given.maxProjects !== undefined ? String(given.maxProjects) : env[ENV.maxProjects] ?? '10000'
  const maxProjects = Number(maxText)
  if (!/^\d+$/.test(maxText) || maxProjects < 1) throw new OptionsError(`${from('maxProjects', '--max-projects')} must be a whole number of at least 1, got "${maxText}"`)
  let projectTtl: number | null = given.projectTtl !== undefined ? given.projectTtl : null
  if (given.projectTtl === undefined && env[ENV.projectTtl]) {
    projectTtl = parseDuration(env[ENV.projectTtl]!)
    if (projectTtl === null) throw new OptionsError(`${ENV.projectTtl} must be a duration such as 90s, 30m, 12h or 7d, got "${env[ENV.projectTtl]}"`)
  }
  const platforms = given.platforms ?? (env[ENV.platforms] ?? '').split(',').map((h) => h.trim()).filter(Boolean)
  for (const hostname of platforms) {
    if (!/^(?:\*\.)?[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$|^\[[0-9A-Fa-f:.]+\]$|^\*$/.test(hostname)) {
      throw new OptionsError(`${from('platforms', '--platform')} must be a hostname such as app.example.com (no scheme or port), got "${hostname}"`)
    }
  }
  return {
    port,
    host: given.host ?? env[ENV.host] ?? '127.0.0.1',
    config: config === null ? null : resolve(cwd, config),
    data: resolve(cwd, given.data ?? env[ENV.data] ?? '.appwrite-emulator'),
    inMemory: given.inMemory ?? truthy(env[ENV.inMemory]),
    rateLimits: given.rateLimits ?? truthy(env[ENV.rateLimits]),
    trustProxy: given.trustProxy ?? truthy(env[ENV.trustProxy]),
    allowPrivateUrls: given.allowPrivateUrls ?? truthy(env[ENV.allowPrivateUrls]),
    logLevel,
    logFormat,
    smtp,
    controlToken,
    maxProjects,
    projectTtl,
    functionBuilds: given.functionBuilds ?? !truthy(env[ENV.noFunctionBuilds]),
    functionTriggers: given.functionTriggers ?? !truthy(env[ENV.noFunctionTriggers]),
    platforms: platforms.map((h) => h.toLowerCase()),
    anyOrigin: given.anyOrigin ?? truthy(env[ENV.anyOrigin]),
    ...testFeatureFiles(given, env, cwd),
    ...hosted(given, env),
  }
}

/** The files of `--import`, `--export-on-exit` and `--coverage-report`, resolved against `cwd`; an import must exist. */
function testFeatureFiles(given: Partial<EmulatorOptions>, env: NodeJS.ProcessEnv, cwd: string): Pick<EmulatorOptions, 'importFile' | 'exportOnExit' | 'coverageReport'> {
  const file = (key: 'importFile' | 'exportOnExit' | 'coverageReport') => {
    const value = given[key] !== undefined ? given[key] : env[ENV[key]] || null
    return value ? resolve(cwd, value) : null
  }
  const importFile = file('importFile')
  if (importFile && !existsSync(importFile)) throw new OptionsError(`${given.importFile !== undefined ? '--import' : ENV.importFile}: no such file ${importFile}`)
  return { importFile, exportOnExit: file('exportOnExit'), coverageReport: file('coverageReport') }
}

/** `90s`, `30m`, `12h`, `7d` or a bare number of seconds, in milliseconds; null when it is none of those. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text)
  if (!m) return null
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }[(m[2] ?? 's') as 'ms' | 's' | 'm' | 'h' | 'd']
  const ms = Number(m[1]) * unit
  return ms > 0 ? ms : null
}

/** The hosted options, their errors as OptionsError. */
function hosted(given: Partial<EmulatorOptions>, env: NodeJS.ProcessEnv): HostedOptions {
  try {
    return resolveHostedOptions(given, env)
  } catch (error) {
    throw error instanceof HostedOptionError ? new OptionsError(error.message) : error
  }
}
