import { GraphqlExecutor } from './executor.js'
import { loadGraphql } from './graphql-js.js'
import { buildSchema } from './schema.js'
import { loadSpecTypes } from './spec-types.js'

/** The executor over the generated schema, and how long loading and building it took. */
export interface GraphqlEngine {
  executor: GraphqlExecutor
  buildMs: number
}

let engine: Promise<GraphqlEngine> | undefined

/**
 * The GraphQL engine, built on the first GraphQL request (never at start-up) and then shared: the schema
 * depends only on the route table and the spec, and resolvers get the app's services from each request.
 */
export function graphqlEngine(): Promise<GraphqlEngine> {
  engine ??= build().catch((error: unknown) => {
    engine = undefined
    throw error
  })
  return engine
}

async function build(): Promise<GraphqlEngine> {
  const started = performance.now()
  const gql = loadGraphql()
  // The route table imports this service's routes, so it is read here, on first use, not at import time.
  const [{ routeTable }, spec] = await Promise.all([import('../routes.js'), loadSpecTypes()])
  const schema = buildSchema(gql, routeTable, spec)
  // graphql-js checks a schema on its first validation; doing it now keeps that out of the first query's path.
  gql.assertValidSchema(schema)
  return { executor: new GraphqlExecutor(gql, schema), buildMs: performance.now() - started }
}
