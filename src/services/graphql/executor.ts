import type { DocumentNode, GraphQLError, GraphQLSchema, ValidationRule } from 'graphql'
import type { GraphqlJs } from './graphql-js.js'
import { complexityErrors, depthErrors, noIntrospectionRule } from './limits.js'
import { RouteError, type ResolveState } from './resolver.js'

/** One GraphQL request of a (possibly batched) HTTP request. */
export interface GraphqlRequest {
  query: string
  variables?: Record<string, unknown>
  operationName?: string
}

/** A formatted error as graphql-php writes it: message, extensions (category…), locations, path. */
export interface FormattedError {
  message: string
  extensions: Record<string, unknown>
  locations?: { line: number; column: number }[]
  path?: (string | number)[]
}

/** A result as graphql-php's `ExecutionResult::toArray` writes it: errors first, then data. */
export interface GraphqlResult {
  errors?: FormattedError[]
  data?: Record<string, unknown> | null
}

/**
 * Most tokens a query may have. graphql-php has no such limit, but a 10 MB query of tokens would keep the
 * server busy for seconds (and some validation rules are quadratic in repeated fields), so this refuses it
 * with a syntax error instead; real queries stay far below it.
 */
// deviation: Appwrite parses queries of any length.
export /** The deepest nesting a query may have; far beyond any real one, well inside the parser's stack. */
const MAX_NESTING = 512
const MAX_TOKENS = 10_000
const CACHE_ENTRIES = 500
const CACHEABLE_LENGTH = 64 * 1024

/** A query parsed and validated once: its document, or the errors that stop it, and its depth errors. */
interface PreparedDocument {
  document?: DocumentNode
  errors: GraphQLError[]
  depthErrors: GraphQLError[]
}

/**
 * Runs GraphQL requests against the generated schema with Appwrite's validation (graphql.php `execute`):
 * the standard rules, plus the abuse limits when rate limits are enforced. Parsed and validated documents
 * are cached by query text.
 */
export class GraphqlExecutor {
  private readonly cache = [new Map<string, PreparedDocument>(), new Map<string, PreparedDocument>()]
  private readonly rules: readonly ValidationRule[][]

  constructor(
    private readonly gql: GraphqlJs,
    readonly schema: GraphQLSchema,
  ) {
    this.rules = [[...gql.specifiedRules], [...gql.specifiedRules, noIntrospectionRule(gql)]]
  }

  /** Runs one request; `limited` adds introspection, complexity and depth limits (Appwrite's abuse checks). */
  async run(request: GraphqlRequest, state: ResolveState, limited: boolean): Promise<GraphqlResult> {
    const prepared = this.prepare(request.query, limited)
    const errors = [...prepared.errors]
    // graphql-php's QueryComplexity counts only a document without errors so far; QueryDepth runs after it.
    if (limited && errors.length === 0 && prepared.document) {
      try {
        errors.push(...complexityErrors(this.gql, this.schema, prepared.document, request.variables ?? {}))
      } catch (error) {
        errors.push(this.asGraphqlError(error, 'The query nests too deeply to be validated.'))
      }
    }
    if (limited) errors.push(...prepared.depthErrors)
    if (errors.length || !prepared.document) return { errors: errors.map((e) => this.format(e)) }
    const result = await this.gql.execute({
      schema: this.schema,
      document: prepared.document,
      variableValues: request.variables,
      operationName: request.operationName,
      contextValue: state,
    })
    const out: GraphqlResult = {}
    if (result.errors?.length) out.errors = result.errors.map((e) => this.format(e))
    if (result.data !== undefined) out.data = result.data as Record<string, unknown> | null
    return out
  }

  private prepare(query: string, limited: boolean): PreparedDocument {
    const cache = this.cache[limited ? 1 : 0]!
    const cached = cache.get(query)
    if (cached) return cached
    const prepared = this.parseAndValidate(query, limited)
    if (query.length <= CACHEABLE_LENGTH) {
      if (cache.size >= CACHE_ENTRIES) cache.delete(cache.keys().next().value!)
      cache.set(query, prepared)
    }
    return prepared
  }

  private parseAndValidate(query: string, limited: boolean): PreparedDocument {
    const { gql } = this
    let document: DocumentNode
    // graphql-js parses and validates recursively: past this nesting the stack (which differs per process) would
    // decide the answer, so the bound is fixed here.
    if (nestingDepth(query) > MAX_NESTING) return { errors: [new gql.GraphQLError('Syntax Error: the query nests too deeply.', { extensions: { category: 'graphql' } })], depthErrors: [] }
    try {
      document = gql.parse(query, { maxTokens: MAX_TOKENS })
    } catch (error) {
      return { errors: [this.asGraphqlError(error, 'Syntax Error: the query nests too deeply.')], depthErrors: [] }
    }
    try {
      const errors = [...gql.validate(this.schema, document, this.rules[limited ? 1 : 0])]
      return { document: errors.length ? undefined : document, errors, depthErrors: limited ? depthErrors(gql, document) : [] }
    } catch (error) {
      return { errors: [this.asGraphqlError(error, 'The query nests too deeply to be validated.')], depthErrors: [] }
    }
  }

  /** A parse or validation failure as a GraphQL error; a stack overflow (hostile nesting) gets `message`. */
  private asGraphqlError(error: unknown, message: string): GraphQLError {
    if (error instanceof this.gql.GraphQLError) return error
    if (error instanceof RangeError) return new this.gql.GraphQLError(message)
    throw error
  }

  // deviation: parse and validation messages are graphql-js's; graphql-php 14 words a few of them differently.
  private format(error: GraphQLError): FormattedError {
    // graphql-js reports a failure outside any field (a stack overflow while collecting fields) as it was thrown.
    const original = error instanceof this.gql.GraphQLError ? error.originalError : error
    let message = error.message
    let extensions: Record<string, unknown>
    if (original instanceof RouteError) {
      // deviation: Appwrite's extensions hold only the category; the REST code and type are added here.
      extensions = { category: 'appwrite', code: original.code, type: original.type }
    } else if (original && !(original instanceof this.gql.GraphQLError)) {
      // An unexpected failure: graphql-php's "Internal server error", never the cause.
      message = 'Internal server error'
      extensions = { category: 'internal' }
    } else {
      extensions = { category: 'graphql' }
    }
    const out: FormattedError = { message, extensions }
    if (error.locations?.length) out.locations = error.locations.map(({ line, column }) => ({ line, column }))
    if (error.path?.length) out.path = [...error.path]
    return out
  }
}

/** The deepest nesting of `{`, `(` and `[` in a query, outside strings and comments. */
function nestingDepth(query: string): number {
  let depth = 0
  let deepest = 0
  for (let i = 0; i < query.length; i++) {
    const c = query.charCodeAt(i)
    if (c === 0x22 /* " */) {
      // A block string ends at the next """, a plain one at the next unescaped ".
      if (query.startsWith('"""', i)) {
        const end = query.indexOf('"""', i + 3)
        i = end < 0 ? query.length : end + 2
      } else {
        for (i++; i < query.length && query.charCodeAt(i) !== 0x22; i++) if (query.charCodeAt(i) === 0x5c) i++
      }
    } else if (c === 0x23 /* # */) {
      const end = query.indexOf('\n', i)
      i = end < 0 ? query.length : end
    } else if (c === 0x7b || c === 0x28 || c === 0x5b) {
      if (++depth > deepest) deepest = depth
    } else if (c === 0x7d || c === 0x29 || c === 0x5d) {
      depth--
    }
  }
  return deepest
}
