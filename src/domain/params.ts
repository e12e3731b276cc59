import { isValidKey } from './ids.js'
import { parsePermission, type PermissionAction } from './permissions.js'

/** A param validator as utopia's: a description that goes into the error message, and a parse that may coerce. */
export interface Validator<T = unknown> {
  readonly description: string
  parse(value: unknown, context?: ParamContext): { ok: true; value: T } | { ok: false; description?: string }
}

/** What a validator may need from the request: the registered hosts a redirect URL may name. */
export interface ParamContext {
  /** Appwrite's `clients` (localhost, the API's own host, the web platforms); null when any host passes. */
  redirectHosts(): readonly string[] | null
  isRedirectHost(hostname: string): boolean
  /** Called when a URL is refused for its host, so the emulator can log how to register it. */
  refusedRedirect(url: string): void
}

/** A declared param: its validator, whether it may be left out, and its default. */
export interface ParamSpec<T = unknown> {
  readonly validator: Validator<T>
  readonly required: boolean
  readonly defaultValue?: T
  optional<D extends T | null>(defaultValue?: D): ParamSpec<T>
}

function spec<T>(validator: Validator<T>, required = true, defaultValue?: T): ParamSpec<T> {
  return {
    validator,
    required,
    defaultValue,
    optional: (d) => spec(validator, false, d as T),
  }
}

const ok = <T>(value: T) => ({ ok: true as const, value })
const fail = { ok: false as const }

/** A validator from a description and a predicate. */
export function validator<T>(description: string, check: (v: unknown) => boolean): Validator<T> {
  return { description, parse: (v) => (check(v) ? ok(v as T) : fail) }
}

/** utopia `Text(length, min = 1)`. Lengths count Unicode code points, as PHP `mb_strlen`. */
export function textValidator(length: number, min = 1): Validator<string> {
  let description = 'Value must be a valid string'
  if (min) description += ` and at least ${min} chars`
  if (length) description += ` and no longer than ${length} chars`
  return validator(description, (v) => {
    if (typeof v !== 'string') return false
    const n = codePointLength(v)
    return n >= min && (length === 0 || n <= length)
  })
}

export function codePointLength(s: string): number {
  let n = 0
  for (const _ of s) n++
  return n
}

// PHP FILTER_VALIDATE_EMAIL in spirit: a dot-atom local part and a dotted hostname of letters, digits and hyphens.
const EMAIL_PATTERN =
  /^(?!\.)[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]{1,64}(?<!\.)@(?!-)[A-Za-z0-9-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))+$/

export const emailValidator = validator<string>('Value must be a valid email address', (v) =>
  typeof v === 'string' && v.length <= 320 && EMAIL_PATTERN.test(v) && !v.includes('..'),
)

/** utopia `Password`: 8–256 bytes. Used by sign-in. */
export const passwordValidator = validator<string>('Password must be between 8 and 256 characters long.', (v) => {
  if (typeof v !== 'string') return false
  const bytes = Buffer.byteLength(v)
  return bytes >= 8 && bytes <= 256
})

/** Appwrite `PasswordDictionary` without the dictionary: the length rule and its message, typo included. */
export const newPasswordValidator = validator<string>(
  // Appwrite's message says 265 (a typo in its source); clients may match on it.
  'Password must be between 8 and 265 characters long, and should not be one of the commonly used password.',
  (v) => passwordValidator.parse(v).ok,
)

export const CUSTOM_ID_DESCRIPTION =
  "Parameter must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, period, hyphen, and underscore. Can't start with a special char"
export const UID_DESCRIPTION =
  "UID must contain at most 36 chars. Valid chars are a-z, A-Z, 0-9, and underscore. Can't start with a leading underscore"

/** Appwrite `CustomId`: `unique()` or a key. */
export const customIdValidator = validator<string>(CUSTOM_ID_DESCRIPTION, (v) => v === 'unique()' || isValidKey(v))
/** utopia `UID`, used for IDs in paths. */
export const uidValidator = validator<string>(UID_DESCRIPTION, isValidKey)

/** utopia `Boolean`; strict accepts only JSON booleans, loose also "true"/"false"/"1"/"0"/1/0. */
export function booleanValidator(loose = false): Validator<boolean> {
  return {
    description: 'Value must be a valid boolean',
    parse(v) {
      if (typeof v === 'boolean') return ok(v)
      if (!loose) return fail
      if (v === 'true' || v === '1' || v === 1) return ok(true)
      if (v === 'false' || v === '0' || v === 0) return ok(false)
      return fail
    },
  }
}

/** utopia `Assoc`: a JSON object, not a list. */
export const assocValidator = validator<Record<string, unknown>>(
  'Value must be a valid object.',
  (v) => typeof v === 'object' && v !== null && !Array.isArray(v),
)

/** Appwrite `Phone`: E.164, a plus and 7–15 digits. */
export const phoneValidator = validator<string>(
  "Phone number must start with a '+' can have a maximum of fifteen digits.",
  (v) => typeof v === 'string' && /^\+[1-9]\d{6,14}$/.test(v),
)

/** utopia `Range` (integer): numeric strings are accepted and converted. */
export function rangeValidator(min: number, max: number): Validator<number> {
  // Thousands separators as PHP's number_format; Intl would cost start-up time for the same string.
  const fmt = (n: number) => (n === Number.MAX_SAFE_INTEGER ? '9,223,372,036,854,775,807' : String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','))
  return {
    description: `Value must be a valid range between ${fmt(min)} and ${fmt(max)}`,
    parse(v) {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v
      if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) return fail
      return ok(n)
    },
  }
}

/** utopia `WhiteList`. */
export function whiteListValidator<T extends string>(values: readonly T[], caseInsensitive = false): Validator<T> {
  return {
    description: `Value must be one of (${values.join(', ')})`,
    parse(v) {
      if (typeof v !== 'string') return fail
      const found = values.find((x) => (caseInsensitive ? x.toLowerCase() === v.toLowerCase() : x === v))
      return found === undefined ? fail : ok(found)
    },
  }
}

/** utopia `ArrayList`: a real array of at most `max` items, each valid. */
export function arrayValidator<T>(item: Validator<T>, max = 100): Validator<T[]> {
  return {
    description: `Value must a valid array no longer than ${max} items and ${item.description}`,
    parse(v) {
      if (!Array.isArray(v) || v.length > max) return fail
      const out: T[] = []
      for (const x of v) {
        const r = item.parse(x)
        if (!r.ok) return fail
        out.push(r.value)
      }
      return ok(out)
    },
  }
}

/**
 * Appwrite's `Host` validator around a URL check: the URL must pass `url`, and its host must be one of the
 * registered platform hostnames (`clients`). Its description is `URL host must be one of: …` whatever failed.
 * Without a context, or with every host allowed (`--any-origin`), only `url` is checked, with its own description.
 */
export function hostValidator(url: Validator<string>): Validator<string> {
  return {
    description: url.description,
    parse(v, context) {
      const hosts = context?.redirectHosts() ?? null
      const checked = url.parse(v, context)
      if (hosts === null) return checked
      const description = `URL host must be one of: ${hosts.join(', ')}`
      if (!checked.ok) return { ok: false, description }
      if (context!.isRedirectHost(urlHostname(checked.value))) return checked
      context!.refusedRedirect(checked.value)
      return { ok: false, description }
    },
  }
}

/** The host of a URL as PHP's `parse_url` gives it ('' when it has none). */
function urlHostname(url: string): string {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/.exec(url)?.[1] ?? ''
}

/** The URL check of redirect params: a scheme, and a host for http(s). */
const redirectUrlFormat = validator<string>('Value must be a valid URL', (v) => {
  if (typeof v !== 'string' || v.length > 2048) return false
  try {
    const url = new URL(v)
    return /^[a-z][a-z0-9+.-]*:$/i.test(url.protocol) && (url.host !== '' || !['http:', 'https:'].includes(url.protocol))
  } catch {
    return false
  }
})

/** The `url` of magic URL, verification and recovery: Appwrite's `Host(clients)`. */
export const redirectUrlValidator = hostValidator(redirectUrlFormat)

/**
 * utopia's `Permissions` validator: at most 100 permission strings, each `action("role")` with an allowed
 * action and a valid role; the message names the first problem.
 */
export function permissionsValidator(actions: readonly PermissionAction[], max = 100): Validator<string[]> {
  return {
    description: `Value must a valid array no longer than ${max} items and Permission string must be of the form action("role")`,
    parse(v) {
      if (!Array.isArray(v)) return { ok: false, description: 'Permissions must be an array of strings.' }
      if (v.length > max) return { ok: false, description: `You can only provide up to ${max} permissions.` }
      for (const item of v) {
        if (typeof item !== 'string') return { ok: false, description: 'Every permission must be of type string.' }
        const parsed = parsePermission(item, actions)
        if ('error' in parsed) return { ok: false, description: parsed.error }
      }
      return { ok: true, value: v as string[] }
    },
  }
}

/** Param builders for route definitions. */
export const p = {
  text: (length: number, min = 1) => spec(textValidator(length, min)),
  email: () => spec(emailValidator),
  password: () => spec(passwordValidator),
  newPassword: () => spec(newPasswordValidator),
  customId: () => spec(customIdValidator),
  uid: () => spec(uidValidator),
  boolean: (loose = false) => spec(booleanValidator(loose)),
  assoc: () => spec(assocValidator),
  phone: () => spec(phoneValidator),
  range: (min: number, max: number) => spec(rangeValidator(min, max)),
  whiteList: <T extends string>(values: readonly T[], caseInsensitive = false) => spec(whiteListValidator(values, caseInsensitive)),
  array: <T>(item: Validator<T>, max = 100) => spec(arrayValidator(item, max)),
  redirectUrl: () => spec(redirectUrlValidator),
  /** Document and file permissions: read, update, delete, write. */
  permissions: () => spec(permissionsValidator(['read', 'update', 'delete', 'write'])),
  custom: <T>(v: Validator<T>) => spec(v),
}

export type ParamSpecs = Record<string, ParamSpec<any>>
export type ParamValues<S extends ParamSpecs> = { [K in keyof S]: S[K] extends ParamSpec<infer T> ? T : never }
