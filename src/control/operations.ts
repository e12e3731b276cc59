import { existsSync, readFileSync } from 'node:fs'
import type { RouteDefinition } from '../core/route.js'
import { PROJECT_ONLY } from '../core/operation.js'
import type { ParamSpec } from '../domain/params.js'
import generated from './operation-errors.generated.json' with { type: 'json' }

/** How a param travels: in the path, the query string (reads) or the body (writes). */
export type ParamLocation = 'path' | 'query' | 'body'

/** A param's type as the console's forms know them, told from its validator. */
export type ParamType = 'string' | 'integer' | 'boolean' | 'array' | 'object' | 'file' | 'enum'

/** One param of an operation, for the explorer's form. */
export interface ParamDescription {
  name: string
  in: ParamLocation
  type: ParamType
  required: boolean
  default: unknown
  /** The validator's description, the text Appwrite puts in `general_argument_invalid` messages. */
  rule: string
  /** The allowed values of a whitelist param. */
  values?: string[]
  /** From the spec when it is present. */
  description?: string
  /** The SDKs' enum type of a whitelist param (`ImageFormat`), and its members' names when they differ from the values. */
  enumName?: string
  enumKeys?: string[]
  example?: unknown
}

/** One operation of the route table, as the explorer shows it. */
export interface OperationDescription {
  operation: string
  namespace: string
  name: string
  method: RouteDefinition['method']
  /** The path as the SDKs write it, `{param}` style, with `/v1`. */
  path: string
  scope: string
  groups: string[]
  authMethod: string | null
  rateLimit: { limit: number; window: number; keys: string[] } | null
  params: ParamDescription[]
  /**
   * Error types the operation can answer: first those the shared pipeline can raise for it, in the order its checks
   * run (`pipelineErrors`), then those its handler's code can raise, sorted (operation-errors.generated.json, made
   * by scripts/gen-operation-errors.mjs).
   */
  errors: string[]
  /** From the official spec when it is present beside the package (`../shared`); null otherwise. */
  summary: string | null
  description: string | null
  responseModel: string | null
  status: number | null
}

const ENUM = /one of \((.*)\)$/

/** Tells a param's form type from its validator, the one piece of type knowledge the route table carries. */
export function paramType(rule: string): { type: ParamType; values?: string[] } {
  const whitelist = ENUM.exec(rule)
  if (whitelist && !rule.includes('array')) return { type: 'enum', values: whitelist[1].split(', ') }
  if (rule === 'File') return { type: 'file' }
  if (rule.startsWith('Value must be a valid boolean')) return { type: 'boolean' }
  if (rule.startsWith('Value must be a valid range')) return { type: 'integer' }
  if (rule.startsWith('Value must a valid array') || rule.startsWith('Permissions')) return { type: 'array' }
  if (rule === 'Value must be a valid object.' || rule.includes('valid JSON')) return { type: 'object' }
  return { type: 'string' }
}

interface SpecProperty {
  description?: string
  'x-example'?: unknown
  'x-enum-name'?: string
  'x-enum-keys'?: string[]
  items?: SpecProperty
}

type SpecParam = { description?: string; example?: unknown; enumName?: string; enumKeys?: string[] }

function specParam(prop: SpecProperty | undefined, description?: string): SpecParam {
  const enumOf = prop?.['x-enum-name'] ? prop : prop?.items
  return {
    description: description ?? prop?.description,
    example: prop?.['x-example'],
    ...(enumOf?.['x-enum-name'] ? { enumName: enumOf['x-enum-name'], enumKeys: enumOf['x-enum-keys'] ?? [] } : {}),
  }
}

/** The official client spec's operations by `METHOD path`, or an empty map when the spec is not beside the package. */
export interface SpecOperation {
  summary?: string
  description?: string
  responses?: Record<string, { content?: Record<string, { schema?: { $ref?: string; oneOf?: { $ref?: string }[] } }> }>
  parameters?: { name: string; description?: string; schema?: SpecProperty }[]
  requestBody?: { content?: Record<string, { schema?: { properties?: Record<string, SpecProperty> } }> }
}

export function readSpec(file: string): Map<string, SpecOperation> {
  const out = new Map<string, SpecOperation>()
  if (!existsSync(file)) return out
  try {
    const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, SpecOperation>> }
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) out.set(`${method.toUpperCase()} /v1${path}`, op)
    }
  } catch {
    // An unreadable spec leaves the explorer with the route table's own facts.
  }
  return out
}

const specPath = (path: string) => path.replace(/:(\w+)/g, '{$1}')

function specFacts(op: SpecOperation | undefined) {
  if (!op) return { summary: null, description: null, responseModel: null, status: null, params: new Map<string, SpecParam>() }
  const [status, response] = Object.entries(op.responses ?? {})[0] ?? []
  const schema = response?.content ? Object.values(response.content)[0]?.schema : undefined
  const ref = schema?.$ref ?? schema?.oneOf?.map((s) => s.$ref).join(' | ')
  const params = new Map<string, SpecParam>()
  for (const p of op.parameters ?? []) params.set(p.name, specParam(p.schema, p.description))
  for (const content of Object.values(op.requestBody?.content ?? {})) {
    for (const [name, prop] of Object.entries(content.schema?.properties ?? {})) params.set(name, specParam(prop))
  }
  return {
    summary: op.summary ?? null,
    description: op.description ?? null,
    responseModel: ref ? ref.replace(/#\/components\/schemas\//g, '') : null,
    status: status ? Number(status) : null,
    params,
  }
}

const WRITES: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])

/**
 * The errors the shared pipeline (src/core/operation.ts) can answer for a route, in the order its checks run
 * (BEHAVIORS §0): what applies to every route, then what the route's method, namespace, groups, auth method, rate
 * limit and params bring in. The test holds their union against the pipeline's code (`pipeline` in the generated file).
 */
export function pipelineErrors(route: RouteDefinition): string[] {
  const groups = route.groups ?? []
  const errors = ['project_not_found', 'user_jwt_invalid']
  if (WRITES.has(route.method)) errors.push('general_unknown_origin')
  errors.push('general_service_disabled', 'general_unauthorized_scope', 'user_blocked')
  if (!groups.includes('mfa')) errors.push('user_more_factors_required')
  if (route.rateLimit) errors.push('general_rate_limit_exceeded')
  if (PROJECT_ONLY.has(route.operation.split('.')[0])) errors.push('general_access_forbidden')
  if (groups.includes('session') && !route.path.includes('oauth2')) errors.push('user_session_already_exists')
  if (route.authMethod) errors.push('user_auth_method_unsupported')
  if (groups.includes('mfaProtected')) errors.push('user_challenge_required')
  // A 1.4 SDK's old query strings are converted before validation; one that does not parse is refused.
  if ('queries' in route.params) errors.push('general_query_invalid')
  if (Object.keys(route.params).length) errors.push('general_argument_invalid')
  return errors
}

const handlerErrors: Readonly<Record<string, readonly string[]>> = generated.operations

/** The pipeline's errors for the route, then its handler's (generated from the code), each once. */
export function operationErrors(route: RouteDefinition): string[] {
  return [...new Set([...pipelineErrors(route), ...(handlerErrors[route.operation] ?? [])])]
}

/** Describes every route of the table for the explorer; the spec, when given, adds prose, examples and the response model. */
export function describeOperations(routes: readonly RouteDefinition<any>[], spec: Map<string, SpecOperation> = new Map()): OperationDescription[] {
  return routes.map((route) => {
    const pathParams = new Set([...route.path.matchAll(/:(\w+)/g)].map((m) => m[1]))
    const facts = specFacts(spec.get(`${route.method} ${specPath(route.path)}`))
    const params = Object.entries<ParamSpec>(route.params).map(([name, param]): ParamDescription => {
      const rule = param.validator.description
      const where: ParamLocation = pathParams.has(name) ? 'path' : route.method === 'GET' ? 'query' : 'body'
      const fromSpec = facts.params.get(name)
      return {
        name,
        in: where,
        ...paramType(rule),
        // Path params are always required, whatever the spec says of their optionality.
        required: where === 'path' || param.required,
        default: param.defaultValue ?? null,
        rule,
        ...(fromSpec?.description ? { description: fromSpec.description } : {}),
        ...(fromSpec?.example !== undefined ? { example: fromSpec.example } : {}),
        ...(fromSpec?.enumName ? { enumName: fromSpec.enumName, enumKeys: fromSpec.enumKeys } : {}),
      }
    })
    const [namespace, name] = route.operation.split('.')
    return {
      operation: route.operation,
      namespace,
      name,
      method: route.method,
      path: specPath(route.path),
      scope: route.scope,
      groups: route.groups ?? [],
      authMethod: route.authMethod ?? null,
      rateLimit: route.rateLimit ?? null,
      params,
      errors: operationErrors(route),
      summary: facts.summary,
      description: facts.description,
      responseModel: facts.responseModel,
      status: facts.status,
    }
  })
}
