import type {
  DocumentNode, FieldNode, FragmentDefinitionNode, GraphQLCompositeType, GraphQLError, GraphQLSchema, OperationDefinitionNode,
  SelectionSetNode, ValidationRule, ValueNode,
} from 'graphql'
import type { GraphqlJs } from './graphql-js.js'

/**
 * The limits Appwrite adds when abuse checks are on (graphql.php `execute`): introspection disabled, query
 * complexity at most 250, depth at most 3, with the messages of graphql-php 14's `DisableIntrospection`,
 * `QueryComplexity` and `QueryDepth` rules, counted the way those rules count.
 */
export const MAX_COMPLEXITY = 250
export const MAX_DEPTH = 3
/** Appwrite's `APP_LIMIT_LIST_DEFAULT`: a list field without a `limit` query counts 25 items. */
const LIST_DEFAULT = 25

/** graphql-php `DisableIntrospection`: every `__schema` or `__type` field is an error. */
export function noIntrospectionRule(gql: GraphqlJs): ValidationRule {
  return (context) => ({
    Field(node) {
      if (node.name.value !== '__schema' && node.name.value !== '__type') return
      context.reportError(new gql.GraphQLError('GraphQL introspection is not allowed, but the query contained __schema or __type', { nodes: node }))
    },
  })
}

const fragmentsOf = (document: DocumentNode) =>
  new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === 'FragmentDefinition').map((d) => [d.name.value, d]))
const operationsOf = (document: DocumentNode) => document.definitions.filter((d): d is OperationDefinitionNode => d.kind === 'OperationDefinition')

/**
 * graphql-php `QueryDepth`: the deepest field with a selection set counts from 0 at the root, so
 * `accountGet { _id }` is 0 and `databasesListDocuments { documents { _id } }` is 1. One error per operation over the limit.
 */
export function depthErrors(gql: GraphqlJs, document: DocumentNode): GraphQLError[] {
  const fragments = fragmentsOf(document)
  const depthOf = (set: SelectionSetNode | undefined, depth: number, max: number, seen: Set<string>): number => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === 'Field') {
        if (!selection.selectionSet) continue
        max = depthOf(selection.selectionSet, depth + 1, Math.max(max, depth), seen)
      } else if (selection.kind === 'InlineFragment') {
        max = depthOf(selection.selectionSet, depth, max, seen)
      } else {
        const fragment = fragments.get(selection.name.value)
        // Fragment cycles are a validation error already; they must not loop here.
        if (!fragment || seen.has(fragment.name.value)) continue
        max = depthOf(fragment.selectionSet, depth, max, new Set([...seen, fragment.name.value]))
      }
    }
    return max
  }
  const errors: GraphQLError[] = []
  for (const operation of operationsOf(document)) {
    const depth = depthOf(operation.selectionSet, 0, 0, new Set())
    if (depth > MAX_DEPTH) errors.push(new gql.GraphQLError(`Max query depth should be ${MAX_DEPTH} but got ${depth}.`))
  }
  return errors
}

/**
 * graphql-php `QueryComplexity` with Appwrite's list rule (app/init.php `schema`): a field counts its children
 * plus one; a list field (a route with `queries`) counts its children times the `limit(…)` of its queries.
 * Fields skipped by `@skip`/`@include` do not count. One error per operation over the limit.
 */
export function complexityErrors(gql: GraphqlJs, schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): GraphQLError[] {
  const fragments = fragmentsOf(document)
  const excluded = (node: FieldNode) => {
    for (const directive of node.directives ?? []) {
      const condition = directive.arguments?.find((a) => a.name.value === 'if')?.value
      const on = condition ? Boolean(valueOf(condition, variables)) : false
      if (directive.name.value === 'include') return !on
      if (directive.name.value === 'skip') return on
    }
    return false
  }
  const complexityOf = (set: SelectionSetNode | undefined, parent: GraphQLCompositeType | undefined): number => {
    let total = 0
    for (const selection of set?.selections ?? []) {
      if (selection.kind === 'Field') {
        const definition = parent && 'getFields' in parent ? parent.getFields()[selection.name.value] : undefined
        const named = definition ? gql.getNamedType(definition.type) : undefined
        const children = selection.selectionSet ? complexityOf(selection.selectionSet, gql.isCompositeType(named) ? named : undefined) : 0
        if (definition && excluded(selection)) continue
        total += definition?.extensions.appwriteList ? children * listLimit(selection, variables) : children + 1
      } else {
        const fragment = selection.kind === 'InlineFragment' ? selection : fragments.get(selection.name.value)
        if (!fragment) continue
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : parent
        total += complexityOf(fragment.selectionSet, gql.isCompositeType(condition) ? condition : undefined)
      }
    }
    return total
  }
  const errors: GraphQLError[] = []
  for (const operation of operationsOf(document)) {
    const root = operation.operation === 'mutation' ? schema.getMutationType() : operation.operation === 'query' ? schema.getQueryType() : undefined
    const complexity = complexityOf(operation.selectionSet, root ?? undefined)
    if (complexity > MAX_COMPLEXITY) errors.push(new gql.GraphQLError(`Max query complexity should be ${MAX_COMPLEXITY} but got ${complexity}.`))
  }
  return errors
}

/** The value of the first `limit(…)` among a list field's `queries`, else 25; queries that do not parse are left out. */
function listLimit(field: FieldNode, variables: Record<string, unknown>): number {
  const node = field.arguments?.find((a) => a.name.value === 'queries')?.value
  const queries = node ? valueOf(node, variables) : undefined
  for (const query of Array.isArray(queries) ? queries : []) {
    if (typeof query !== 'string') continue
    try {
      const parsed = JSON.parse(query) as { method?: unknown; values?: unknown[] }
      if (parsed?.method === 'limit' && typeof parsed.values?.[0] === 'number') return parsed.values[0]
    } catch {
      // Appwrite's Query::parseQueries refuses these later, in the route.
    }
  }
  return LIST_DEFAULT
}

/** A literal or variable as a plain value (enough for `if:` and `queries:`). */
function valueOf(node: ValueNode, variables: Record<string, unknown>): unknown {
  switch (node.kind) {
    case 'Variable':
      return variables[node.name.value]
    case 'ListValue':
      return node.values.map((v) => valueOf(v, variables))
    case 'StringValue':
    case 'BooleanValue':
    case 'EnumValue':
      return node.value
    case 'IntValue':
    case 'FloatValue':
      return Number(node.value)
    default:
      return null
  }
}
