import type { GraphQLScalarType, ValueNode } from 'graphql'
import type { GraphqlJs } from './graphql-js.js'

/** The scalars Appwrite adds to GraphQL (src/Appwrite/GraphQL/Types): free-form JSON, assoc arrays, uploads. */
export interface AppwriteScalars {
  Json: GraphQLScalarType
  Assoc: GraphQLScalarType
  InputFile: GraphQLScalarType
}

/** Builds the scalars with the loaded graphql-js. */
export function appwriteScalars(gql: GraphqlJs): AppwriteScalars {
  const { GraphQLScalarType, GraphQLError, Kind } = gql
  // Appwrite's Json::parseLiteral: strings and booleans as they are, numbers as numbers, objects and lists
  // element by element, anything else null.
  const literal = (node: ValueNode, variables?: Readonly<Record<string, unknown>> | null): unknown => {
    switch (node.kind) {
      case Kind.STRING:
      case Kind.BOOLEAN:
        return node.value
      case Kind.INT:
      case Kind.FLOAT:
        // deviation: Appwrite's PHP turns an integer literal into a float (5 → 5.0), which integer attributes then refuse.
        return Number(node.value)
      case Kind.OBJECT:
        return Object.fromEntries(node.fields.map((field) => [field.name.value, literal(field.value, variables)]))
      case Kind.LIST:
        return node.values.map((value) => literal(value, variables))
      case Kind.VARIABLE:
        // deviation: Appwrite reads a variable nested in a Json literal as null; its value is used here.
        return variables?.[node.name.value] ?? null
      default:
        return null
    }
  }
  const parseJsonText = (text: string): unknown => {
    try {
      return JSON.parse(text)
    } catch {
      // PHP's json_decode gives null; the route's validator then names the param.
      return null
    }
  }
  return {
    Json: new GraphQLScalarType({
      name: 'Json',
      description: 'The `JSON` scalar type represents JSON values as specified by [ECMA-404](https://www.ecma-international.org/publications/files/ECMA-ST/ECMA-404.pdf).',
      serialize: (value) => value,
      parseValue: (value) => value,
      parseLiteral: literal,
    }),
    Assoc: new GraphQLScalarType({
      name: 'Assoc',
      description: 'The `Assoc` scalar type represents associative array values.',
      serialize: (value) => (typeof value === 'string' ? value : JSON.stringify(value)),
      parseValue: (value) => (typeof value === 'string' ? parseJsonText(value) : typeof value === 'object' ? value : null),
      parseLiteral: (node, variables) =>
        node.kind === Kind.STRING
          ? parseJsonText(node.value)
          : // deviation: Appwrite reads only a JSON string literal here; an object literal is taken too.
            node.kind === Kind.OBJECT
            ? literal(node, variables)
            : null,
    }),
    InputFile: new GraphQLScalarType({
      name: 'InputFile',
      description:
        'The `InputFile` special type represents a file to be uploaded in the same HTTP request as specified by\n [graphql-multipart-request-spec](https://github.com/jaydenseric/graphql-multipart-request-spec).',
      serialize: () => '',
      parseValue: (value) => value,
      parseLiteral: (node) => {
        throw new GraphQLError(
          `\`InputFile\` cannot be hardcoded in query, be sure to conform to GraphQL multipart request specification. Instead got: ${node.kind}`,
          { nodes: node },
        )
      },
    }),
  }
}
