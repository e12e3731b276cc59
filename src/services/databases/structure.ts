import { AppwriteException } from '../../errors/appwrite-exception.js'
import { normalizeDatetime } from '../../domain/query/datetime.js'
import { emailValidator, textValidator, type Validator } from '../../domain/params.js'
import type { AttributeSchema, CollectionSchema } from '../../store/documents/schema.js'

/** Keys utopia's Structure validator knows besides the attributes; the service sets them, so users never pass them through. */
const INTERNAL_KEYS = new Set(['$id', '$internalId', '$collection', '$tenant', '$permissions', '$createdAt', '$updatedAt'])

const PHP_INT_MIN = '-9,223,372,036,854,775,808'
const PHP_INT_MAX = '9,223,372,036,854,775,807'

/** PHP `number_format($n)`: rounded to an integer, thousands separated by commas. */
function numberFormat(n: number): string {
  if (!Number.isFinite(n)) return String(n)
  return BigInt(Math.round(n)).toLocaleString('en-US')
}

const structureError = (message: string) => new AppwriteException('document_invalid_structure', `Invalid document structure: ${message}`)

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
function isIp(v: string): boolean {
  if (IPV4.test(v)) return true
  if (!v.includes(':') || !/^[0-9A-Fa-f:.]+$/.test(v)) return false
  try {
    return new URL(`http://[${v}]/`).hostname.length > 2
  } catch {
    return false
  }
}

function isUrl(v: string): boolean {
  try {
    const u = new URL(v)
    return /^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) && (u.host !== '' || !/^https?:$/.test(u.protocol))
  } catch {
    return false
  }
}

/** The validators utopia and Appwrite's formats run for one attribute, in order, and the label of their message. */
function validatorsOf(a: AttributeSchema): { label: 'type' | 'format'; list: Validator[] } {
  const check = (description: string, test: (v: unknown) => boolean): Validator => ({ description, parse: (v) => (test(v) ? { ok: true, value: v } : { ok: false }) })
  switch (a.type) {
    case 'string': {
      const list: Validator[] = [textValidator(a.size ?? 0, 0)]
      if (a.format === 'email') list.push(emailValidator)
      if (a.format === 'ip') list.push(check('Value must be a valid IP address', (v) => isIp(String(v))))
      if (a.format === 'url') list.push(check('Value must be a valid URL', (v) => isUrl(String(v))))
      if (a.format === 'enum') list.push(check(`Value must be one of (${(a.elements ?? []).join(', ')})`, (v) => (a.elements ?? []).includes(v as string)))
      return { label: a.format ? 'format' : 'type', list }
    }
    case 'integer': {
      // Appwrite gives every integer attribute the `intRange` format, so its messages say "format".
      const min = a.min ?? Number.MIN_SAFE_INTEGER
      const max = a.max ?? Number.MAX_SAFE_INTEGER
      const range = `Value must be a valid range between ${a.min === undefined ? PHP_INT_MIN : numberFormat(a.min)} and ${a.max === undefined ? PHP_INT_MAX : numberFormat(a.max)}`
      return {
        label: 'format',
        list: [check('Value must be a valid integer', (v) => typeof v === 'number' && Number.isInteger(v)), check(range, (v) => (v as number) >= min && (v as number) <= max)],
      }
    }
    case 'double': {
      const min = a.min ?? -Number.MAX_VALUE
      const max = a.max ?? Number.MAX_VALUE
      const range = `Value must be a valid range between ${numberFormat(min)} and ${numberFormat(max)}`
      return {
        label: 'format',
        list: [check('Value must be a valid float', (v) => typeof v === 'number' && Number.isFinite(v)), check(range, (v) => (v as number) >= min && (v as number) <= max)],
      }
    }
    case 'boolean':
      return { label: 'type', list: [check('Value must be a valid boolean', (v) => typeof v === 'boolean')] }
    case 'datetime':
      return { label: 'type', list: [check('Value must be valid date.', (v) => normalizeDatetime(v) !== null)] }
    default:
      return { label: 'type', list: [] }
  }
}

/**
 * utopia's `encode` then `Structure::isValid`, on the document's own attributes (`$`-keys other than the
 * internal ones are unknown): defaults fill missing or null values; then required attributes, unknown keys,
 * and each value by type, in the document's key order. Datetimes come back in UTC. Relationship values are
 * left to the relationship code.
 */
export function validateStructure(schema: CollectionSchema, input: Record<string, unknown>): Record<string, unknown> {
  const doc: Record<string, unknown> = { ...input }
  for (const a of schema.attributes) {
    if (a.hidden) continue
    if ((doc[a.key] === null || doc[a.key] === undefined) && a.default !== null && a.default !== undefined) doc[a.key] = a.default
  }
  for (const a of schema.attributes) {
    if (a.hidden) continue
    if (a.required && (doc[a.key] === null || doc[a.key] === undefined)) throw structureError(`Missing required attribute "${a.key}"`)
  }
  for (const key of Object.keys(doc)) {
    const a = schema.byKey.get(key)
    if ((!a || a.hidden) && !INTERNAL_KEYS.has(key)) throw structureError(`Unknown attribute: "${key}"`)
  }
  for (const [key, value] of Object.entries(doc)) {
    const a = schema.byKey.get(key)
    if (!a || a.type === 'relationship') continue
    if (!a.required && (value === null || value === undefined)) continue
    const { label, list } = validatorsOf(a)
    const fail = (name: string, description: string) => structureError(`Attribute "${name}" has invalid ${label}. ${description}`)
    if (a.array) {
      if (!a.required && Array.isArray(value) && value.length === 0) continue
      if (!Array.isArray(value)) throw structureError(`Attribute "${key}" must be an array`)
      value.forEach((child, i) => {
        if (!a.required && child === null) return
        for (const v of list) if (!v.parse(child).ok) throw fail(`${key}['${i}']`, v.description)
      })
      if (a.type === 'datetime') doc[key] = value.map((x) => (x === null ? null : normalizeDatetime(x)))
    } else {
      for (const v of list) if (!v.parse(value).ok) throw fail(key, v.description)
      if (a.type === 'datetime') doc[key] = normalizeDatetime(value)
    }
  }
  return doc
}
