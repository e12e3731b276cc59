import { AppwriteException } from '../errors/appwrite-exception.js'
import { isValidKey } from '../domain/ids.js'

/**
 * Validation for control-API bodies. Every refusal is `400 general_argument_invalid` (the one renderer writes
 * it), with a message naming the field and what it must be, e.g. `Invalid "times": must be an integer from 1`.
 */
export class ControlBody {
  private readonly body: Record<string, unknown>

  constructor(
    raw: unknown,
    private readonly where = 'body',
    /** The keys this body may have; any other is refused, so a typo (`"delay"` for `"delayMs"`) is not ignored. */
    allowed?: readonly string[],
  ) {
    if (raw === undefined || raw === null) raw = {}
    if (typeof raw !== 'object' || Array.isArray(raw)) throw invalid(`The ${where} must be a JSON object.`)
    this.body = raw as Record<string, unknown>
    if (allowed) {
      const unknown = Object.keys(this.body).filter((k) => !allowed.includes(k))
      if (unknown.length) throw invalid(`Unknown key "${unknown[0]}" in the ${where}; allowed: ${allowed.join(', ')}.`)
    }
  }

  has(key: string): boolean {
    return this.body[key] !== undefined
  }

  raw(key: string): unknown {
    return this.body[key]
  }

  string(key: string, options: { required?: boolean; pattern?: RegExp; describe?: string } = {}): string | undefined {
    const v = this.body[key]
    if (v === undefined) return this.missing(key, options.required)
    if (typeof v !== 'string' || (options.pattern && !options.pattern.test(v))) throw this.bad(key, options.describe ?? 'must be a string')
    return v
  }

  integer(key: string, options: { required?: boolean; min: number; max: number }): number | undefined {
    const v = this.body[key]
    if (v === undefined) return this.missing(key, options.required)
    if (typeof v !== 'number' || !Number.isInteger(v) || v < options.min || v > options.max) {
      throw this.bad(key, `must be an integer from ${options.min} to ${options.max}`)
    }
    return v
  }

  number(key: string, options: { min: number; max: number; minExclusive?: boolean }): number | undefined {
    const v = this.body[key]
    if (v === undefined) return undefined
    const low = options.minExclusive ? v as number > options.min : (v as number) >= options.min
    if (typeof v !== 'number' || !Number.isFinite(v) || !low || v > options.max) {
      throw this.bad(key, `must be a number ${options.minExclusive ? 'above' : 'from'} ${options.min} ${options.minExclusive ? 'up ' : ''}to ${options.max}`)
    }
    return v
  }

  boolean(key: string): boolean | undefined {
    const v = this.body[key]
    if (v === undefined) return undefined
    if (typeof v !== 'boolean') throw this.bad(key, 'must be true or false')
    return v
  }

  /** A project ID as the client API accepts it (what `X-Appwrite-Project` may name). */
  projectId(key: string): string {
    const v = this.string(key, { required: true })!
    if (!isValidKey(v) || v === 'console') throw this.bad(key, 'must be a project ID (up to 36 characters a-z, A-Z, 0-9, period, hyphen, underscore; not starting with a special character) other than "console"')
    return v
  }

  bad(key: string, what: string): AppwriteException {
    return invalid(`Invalid "${key}" in the ${this.where}: ${what}.`)
  }

  private missing(key: string, required?: boolean): undefined {
    if (required) throw invalid(`Missing "${key}" in the ${this.where}.`)
    return undefined
  }
}

/** A `400 general_argument_invalid` with a control-API message. */
export function invalid(message: string): AppwriteException {
  return new AppwriteException('general_argument_invalid', message)
}

/** The project of a control route's path; an ID no client could name is `404 project_not_found`. */
export function controlProjectId(projectId: string): string {
  if (!isValidKey(projectId)) throw new AppwriteException('project_not_found')
  return projectId
}
