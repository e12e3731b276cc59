import { lazyRequire } from '../../lazy.js'

/** graphql-js, the reference implementation. */
export type GraphqlJs = typeof import('graphql')

/** graphql-js, loaded on the first GraphQL request: start-up never pays for it. */
export const loadGraphql = lazyRequire<GraphqlJs>('graphql')
