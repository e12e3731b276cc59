import { readFileSync } from 'node:fs'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import formatsPlugin from 'ajv-formats'
import type { RecordedResponse } from './sdk.js'
import { sharedPath } from './shared.js'

/**
 * Holds response bodies against Appwrite's client OpenAPI document (`../shared/appwrite-1.5/client-openapi3.json`).
 * The operation is found by method and path template, the schema by the returned status (with the corrections
 * below), `$ref`s resolve inside the document, and error bodies (status >= 400) are checked against `error`.
 */

export interface OpenApiOperation {
  operationId: string
  tags?: string[]
  parameters?: { name: string; in: string; required?: boolean }[]
  requestBody?: { content: Record<string, { schema: { properties?: Record<string, unknown>; required?: string[] } }> }
  responses: Record<string, { description?: string; content?: Record<string, { schema?: { $ref?: string } }> }>
  'x-appwrite': {
    method: string
    scope: string
    'rate-limit': number
    'rate-time': number
    'rate-key': string | string[]
    [key: string]: unknown
  }
}

interface OpenApiDocument {
  servers: { url: string }[]
  paths: Record<string, Record<string, OpenApiOperation>>
  components: { schemas: Record<string, Record<string, any>> }
}

/** One operation of the spec, e.g. `GET /account/sessions/{sessionId}`. */
export interface SpecOperation {
  method: string
  /** The path template without the `/v1` base, as the spec writes it. */
  template: string
  operation: OpenApiOperation
}

/**
 * Where Appwrite 1.5.11 answers with another status than its spec declares (BEHAVIORS §11): the body is then
 * checked against `schema`. Keyed by operationId, then the status actually returned.
 */
export const STATUS_CORRECTIONS: Record<string, Record<number, { schema: string; why: string }>> = {
  accountCreateMfaChallenge: { 200: { schema: 'mfaChallenge', why: 'BEHAVIORS §11: 200, spec says 201' } },
  accountUpdateMfaChallenge: { 200: { schema: 'session', why: 'BEHAVIORS §11: 200 Session JSON, spec says 204' } },
  accountCreateMfaRecoveryCodes: { 200: { schema: 'mfaRecoveryCodes', why: 'BEHAVIORS §11: 200, spec says 201' } },
  functionsCreateExecution: { 202: { schema: 'execution', why: 'BEHAVIORS §17: an async execution answers 202' } },
}

/** Operations whose errors are HTML pages, not JSON (BEHAVIORS §3, routes labelled `error`). */
export const HTML_ERROR_OPERATIONS = new Set(['accountCreateOAuth2Session', 'accountCreateOAuth2Token'])

/**
 * Datetime fields that may be `''` (never set yet): every other datetime must be `Y-m-d\TH:i:s.vP` in UTC
 * (BEHAVIORS §5). A datetime field is one whose spec example is an ISO date.
 */
export const DATETIMES_MAY_BE_EMPTY = new Set([
  'session.providerAccessTokenExpiry',
  'session.mfaUpdatedAt',
  'identity.providerAccessTokenExpiry',
  'user.passwordUpdate',
  'membership.joined',
])

const ISO_EXAMPLE = /^\d{4}-\d\d-\d\dT/
const APPWRITE_DATETIME = '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+00:00$'

/**
 * The spec's schemas, corrected where it is looser than or differs from what Appwrite 1.5.11 sends:
 * - `error.code` is an integer on the wire (BEHAVIORS §3), the spec says string; `error.version` is `1.5.11`;
 * - a model without `additionalProperties` admits no extra keys, because Appwrite's `Response::output` writes
 *   only the model's rules (secrets such as `password` or `hash` must not leak in through unknown keys);
 * - datetimes must have Appwrite's format, see `DATETIMES_MAY_BE_EMPTY`.
 */
function correctedSchemas(schemas: Record<string, Record<string, any>>): Record<string, Record<string, any>> {
  const out = structuredClone(schemas)
  for (const [name, schema] of Object.entries(out)) {
    if (schema.properties && schema.additionalProperties === undefined) schema.additionalProperties = false
    for (const [field, property] of Object.entries<Record<string, any>>(schema.properties ?? {})) {
      if (property.type === 'string' && typeof property['x-example'] === 'string' && ISO_EXAMPLE.test(property['x-example'])) {
        property.pattern = DATETIMES_MAY_BE_EMPTY.has(`${name}.${field}`) ? `^$|${APPWRITE_DATETIME}` : APPWRITE_DATETIME
      }
    }
  }
  out.error.properties.code = { type: 'integer', description: 'Error code (an integer on the wire).' }
  out.error.properties.version = { type: 'string', const: '1.5.11' }
  return out
}

const SPEC_ID = 'appwrite-client-1.5'

class ClientSpec {
  readonly document: OpenApiDocument
  readonly basePath: string
  readonly operations: SpecOperation[]
  private readonly ajv: Ajv
  private readonly validators = new Map<string, ValidateFunction>()

  constructor(file: string) {
    this.document = JSON.parse(readFileSync(file, 'utf8')) as OpenApiDocument
    this.basePath = new URL(this.document.servers[0]!.url).pathname.replace(/\/$/, '')
    this.operations = Object.entries(this.document.paths).flatMap(([template, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), template, operation })),
    )
    // strict: false because the spec uses OpenAPI keywords (x-example, nullable with items on objects, …).
    this.ajv = new Ajv({ strict: false, allErrors: true })
    ;(formatsPlugin as unknown as (ajv: Ajv) => void)(this.ajv)
    this.ajv.addSchema({ $id: SPEC_ID, components: { schemas: correctedSchemas(this.document.components.schemas) } })
  }

  /** The operation for a request path (with the `/v1` base); literal segments win over `{params}`. */
  find(method: string, path: string): SpecOperation | undefined {
    if (!path.startsWith(`${this.basePath}/`)) return undefined
    const segments = path.slice(this.basePath.length).split('/')
    let best: { op: SpecOperation; literals: number } | undefined
    for (const op of this.operations) {
      if (op.method !== method.toUpperCase()) continue
      const parts = op.template.split('/')
      if (parts.length !== segments.length) continue
      let literals = 0
      const matches = parts.every((part, i) => {
        if (/^\{[^}]+\}$/.test(part)) return segments[i] !== ''
        literals++
        return part === segments[i]
      })
      if (matches && (!best || literals > best.literals)) best = { op, literals }
    }
    return best?.op
  }

  /** A validator for a schema reference such as `#/components/schemas/session` or a bare name (`session`). */
  validator(ref: string): ValidateFunction {
    const name = ref.replace('#/components/schemas/', '')
    let validate = this.validators.get(name)
    if (!validate) {
      validate = this.ajv.compile({ $ref: `${SPEC_ID}#/components/schemas/${name}` })
      this.validators.set(name, validate)
    }
    return validate
  }
}

let loaded: ClientSpec | undefined
/** The client spec from `../shared`, parsed once. */
export function clientSpec(): ClientSpec {
  loaded ??= new ClientSpec(sharedPath('appwrite-1.5/client-openapi3.json'))
  return loaded
}

/** What is wrong with one recorded response, as readable lines; empty when it matches the spec. */
export function responseProblems(record: RecordedResponse): string[] {
  const spec = clientSpec()
  const op = spec.find(record.method, record.path)
  const isJson = record.contentType.includes('application/json')
  if (record.parseError) return [`the body is not JSON although the content type says so: ${record.parseError}`]

  if (record.status >= 400) {
    if (!isJson) return op && HTML_ERROR_OPERATIONS.has(op.operation.operationId) ? [] : [`an error without a JSON body (${record.contentType || 'no content type'})`]
    return schemaProblems(spec.validator('error'), record.body, 'error')
  }
  if (!op) return [`no operation ${record.method} ${record.path} in the spec`]
  const id = op.operation.operationId
  const corrected = STATUS_CORRECTIONS[id]?.[record.status]
  if (corrected) return isJson ? schemaProblems(spec.validator(corrected.schema), record.body, `${corrected.schema} (${corrected.why})`) : [`${id} ${record.status}: a JSON ${corrected.schema} was expected (${corrected.why})`]
  const declared = op.operation.responses[String(record.status)]
  if (!declared) return [`${id} answered ${record.status}; the spec declares ${Object.keys(op.operation.responses).join(', ')}`]
  if (record.status === 204 || record.status === 301) return record.text === '' ? [] : [`${id} ${record.status} must have an empty body, got ${excerpt(record.text)}`]
  const ref = declared.content?.['application/json']?.schema?.$ref
  if (!ref) return isJson ? [`${id} ${record.status}: the spec declares no JSON body, got ${excerpt(record.text)}`] : []
  if (!isJson) return [`${id} ${record.status}: expected JSON ${ref}, got ${record.contentType || 'no content type'}`]
  return schemaProblems(spec.validator(ref), record.body, ref.replace('#/components/schemas/', ''))
}

function schemaProblems(validate: ValidateFunction, body: unknown, schemaName: string): string[] {
  if (validate(body)) return []
  return (validate.errors ?? []).map((e) => `${schemaName}${e.instancePath || ''}: ${describeError(e)}`)
}

function describeError(e: ErrorObject): string {
  if (e.keyword === 'additionalProperties') return `unexpected key "${(e.params as { additionalProperty: string }).additionalProperty}"`
  if (e.keyword === 'required') return `missing key "${(e.params as { missingProperty: string }).missingProperty}"`
  return e.message ?? e.keyword
}

const excerpt = (text: string) => (text.length > 200 ? `${JSON.stringify(text.slice(0, 200))}…` : JSON.stringify(text))

/** Fails with one readable message listing every recorded response that does not match the spec. */
export function assertResponsesMatchSpec(records: RecordedResponse[], tolerated?: (problem: string) => boolean): void {
  const failures = records.flatMap((r) => {
    const problems = tolerated ? responseProblems(r).filter((p) => !tolerated(p)) : responseProblems(r)
    if (problems.length === 0) return []
    return [`${r.user}: ${r.method} ${r.path} → ${r.status}\n    ${problems.join('\n    ')}\n    body: ${excerpt(r.text)}`]
  })
  if (failures.length) throw new Error(`${failures.length} of ${records.length} responses do not match the client spec:\n  ${failures.join('\n  ')}`)
}

/** What is wrong with a body as one of the spec's models (`document`, `user`, `file`…): a realtime payload, say. */
export function modelProblems(schemaName: string, body: unknown): string[] {
  return schemaProblems(clientSpec().validator(schemaName), body, schemaName)
}
