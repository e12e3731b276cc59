import type { GraphQLFieldConfig, GraphQLFieldConfigMap, GraphQLInputType, GraphQLObjectType, GraphQLOutputType, GraphQLSchema } from 'graphql'
import type { RouteDefinition } from '../../core/route.js'
import { assocValidator, type ParamSpec, type ParamSpecs } from '../../domain/params.js'
import type { GraphqlJs } from './graphql-js.js'
import { routeResolver, type ResolveState } from './resolver.js'
import { appwriteScalars } from './scalars.js'
import { specKey, type Shape, type SpecModel, type SpecOperation, type SpecTypes } from './spec-types.js'

// Appwrite's Mapper::$blacklist: these routes are not in the schema (the OAuth2 session redirects, GraphQL itself).
const EXCLUDED = ['/v1/mock', '/v1/graphql', '/v1/account/sessions/oauth2']

const ucfirst = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)
/** `account.createEmailPasswordSession` → `accountCreateEmailPasswordSession`. */
export const fieldName = (operation: string) => {
  const [namespace = '', method = ''] = operation.split('.')
  return `${namespace}${ucfirst(method)}`
}
/** `$id` → `_id`, as Appwrite escapes field names (Mapper::model). */
const escape = (key: string) => key.replaceAll('$', '_')

/** The keys of a free-form model beyond its `$` fields, JSON-encoded, with `$` keys inside escaped too. */
function dataJson(source: unknown): string {
  const data: Record<string, unknown> = {}
  for (const [key, value] of Object.entries((source ?? {}) as Record<string, unknown>)) {
    if (!key.startsWith('$') && !key.startsWith('_')) data[key] = escapeKeys(value)
  }
  // deviation: Appwrite encodes with JSON_FORCE_OBJECT, which also turns lists inside `data` into objects keyed
  // "0", "1", …; its payload escaping (Resolvers::escapePayload) leaves `$`-keyed lists such as `$permissions` in
  // `data` too and nulls values nested deeper than three levels. Here `data` is the attributes, lists as lists.
  return JSON.stringify(data)
}

function escapeKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(escapeKeys)
  if (typeof value !== 'object' || value === null) return value
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.startsWith('$') ? escape(k) : k, escapeKeys(v)]))
}

/**
 * Generates the GraphQL schema from the route table and the client spec, as Appwrite's Schema::api and
 * Types\Mapper do from its routes and response models: every client operation is a field named
 * `<namespace><Method>` (GET routes on Query, the others on Mutation), its params are the arguments, its
 * response model the type. Models become object types with `$` fields as `_` fields; free-form models
 * (document, preferences, any) get a `data` field with their other keys as JSON text; models without fields
 * (routes answering 204, files, images, redirects) are `None { status }`.
 */
export function buildSchema(gql: GraphqlJs, routes: readonly RouteDefinition<ParamSpecs>[], spec: SpecTypes): GraphQLSchema {
  const { GraphQLObjectType, GraphQLUnionType, GraphQLList, GraphQLNonNull, GraphQLString, GraphQLInt, GraphQLFloat, GraphQLBoolean } = gql
  const scalars = appwriteScalars(gql)
  const types = new Map<string, GraphQLOutputType>()
  const status = { type: GraphQLString, resolve: () => 'OK' }
  const none = new GraphQLObjectType({ name: 'None', fields: { status } })

  const model = (name: string): GraphQLOutputType => {
    const found = types.get(name)
    if (found) return found
    const definition: SpecModel = spec.models[name] ?? { properties: {}, additionalProperties: true }
    const type = new GraphQLObjectType({ name: ucfirst(name), fields: () => modelFields(definition) })
    types.set(name, type)
    return type
  }

  const modelFields = (definition: SpecModel) => {
    const fields: GraphQLFieldConfigMap<unknown, ResolveState> = {}
    if (definition.additionalProperties) fields.data = { type: GraphQLString, description: 'Additional data', resolve: dataJson }
    else if (Object.keys(definition.properties).length === 0) fields.status = status
    for (const [key, shape] of Object.entries(definition.properties)) {
      const field: GraphQLFieldConfig<unknown, ResolveState> = { type: outputType(shape, key) }
      if (key.includes('$')) field.resolve = (source) => (source as Record<string, unknown> | null)?.[key]
      fields[escape(key)] = field
    }
    return fields
  }

  // A property that is one of several models is a union named after it (Mapper::getUnionType, `HashOptions`);
  // the member is the one whose `type` example matches the object's `type`.
  const union = (key: string, members: string[]): GraphQLOutputType => {
    const name = ucfirst(key)
    const found = types.get(`union:${name}`)
    if (found) return found
    const byType = new Map(members.map((m) => [spec.models[m]?.properties.type?.example, ucfirst(m)]))
    const type = new GraphQLUnionType({
      name,
      types: () => members.map((m) => model(m) as GraphQLObjectType),
      resolveType: (value) => byType.get((value as { type?: string } | null)?.type),
    })
    types.set(`union:${name}`, type)
    return type
  }

  const outputType = (shape: Shape, key: string): GraphQLOutputType => {
    if (shape.type === 'array') return new GraphQLList(shape.items ? outputType(shape.items, key) : scalars.Json)
    if (shape.ref) return model(shape.ref)
    if (shape.oneOf) return union(key, shape.oneOf)
    return scalarType(shape.type) ?? scalars.Json
  }

  const scalarType = (type: string | undefined) =>
    type === 'string' ? GraphQLString : type === 'integer' ? GraphQLInt : type === 'number' ? GraphQLFloat : type === 'boolean' ? GraphQLBoolean : undefined

  // Mapper::param: strings, numbers and booleans as such, lists of them, Assoc for key/value params (prefs),
  // Json for other objects (document data), InputFile for uploads.
  const inputType = (shape: Shape | undefined, param: ParamSpec, required: boolean): GraphQLInputType => {
    if (shape?.type === 'array') {
      // Appwrite maps a required list's items as required too (`[String!]!`, e.g. a membership's `roles`).
      const item = inputType(shape.items, param, false)
      return new GraphQLList(required ? new GraphQLNonNull(item) : item)
    }
    if (shape?.type === 'object') return param.validator === assocValidator ? scalars.Assoc : scalars.Json
    return scalarType(shape?.type) ?? GraphQLString
  }

  const args = (route: RouteDefinition<ParamSpecs>, operation: SpecOperation | undefined) =>
    Object.fromEntries(
      Object.entries(route.params).map(([name, param]) => {
        const required = operation ? operation.required.includes(name) : param.required
        const isUpload = route.spoolFile !== undefined && (param as { skipValidation?: boolean }).skipValidation === true
        const type = isUpload ? scalars.InputFile : inputType(operation?.params[name], param, required)
        return [name, { type: required ? new GraphQLNonNull(type) : type }]
      }),
    )

  const queries: GraphQLFieldConfigMap<unknown, ResolveState> = {}
  const mutations: GraphQLFieldConfigMap<unknown, ResolveState> = {}
  for (const route of routes) {
    if (EXCLUDED.some((prefix) => route.path.startsWith(prefix))) continue
    const operation = spec.operations[specKey(route.method, route.path)]
    const field: GraphQLFieldConfig<unknown, ResolveState> = {
      type: operation?.model ? model(operation.model) : operation ? none : model('any'),
      description: operation?.summary,
      args: args(route, operation),
      resolve: routeResolver(route) as GraphQLFieldConfig<unknown, ResolveState>['resolve'],
      // Lists count their children times their `limit` in the complexity limit (limits.ts).
      extensions: { appwriteList: 'queries' in route.params },
    }
    ;(route.method === 'GET' ? queries : mutations)[fieldName(route.operation)] = field
  }
  const sorted = (fields: GraphQLFieldConfigMap<unknown, ResolveState>) => Object.fromEntries(Object.entries(fields).sort(([a], [b]) => (a < b ? -1 : 1)))
  return new gql.GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: sorted(queries) }),
    mutation: new GraphQLObjectType({ name: 'Mutation', fields: sorted(mutations) }),
  })
}

declare module 'graphql' {
  interface GraphQLFieldExtensions<_TSource, _TContext, _TArgs> {
    /** A list route (it takes `queries`): its complexity is its children's times its limit. */
    appwriteList?: boolean
  }
}
