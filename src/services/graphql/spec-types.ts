/**
 * The slice of Appwrite's client OpenAPI document the GraphQL schema is generated from, as `spec-types.json`
 * holds it: each operation's params and response model, and each model's properties. The JSON is extracted
 * from `../shared/appwrite-1.5/client-openapi3.json` by `testing/extract-spec.ts` (never edited by hand);
 * `spec-types.test.ts` keeps it equal to a fresh extraction.
 */

/** A param's or property's schema: a primitive `type`, a list (`items`), a model (`ref`) or a union (`oneOf`). */
export interface Shape {
  type?: string
  items?: Shape
  /** A model name, e.g. `session`. */
  ref?: string
  /** Model names, for a property that is one of several models (`hashOptions`). */
  oneOf?: string[]
  /** The spec's example, kept only for the `type` properties that tell union members apart. */
  example?: string
}

export interface SpecOperation {
  summary: string
  /** Path, query and body params by name. */
  params: Record<string, Shape>
  required: string[]
  /** The success response's model, or null when it has none (204, images, files, redirects). */
  model: string | null
}

export interface SpecModel {
  properties: Record<string, Shape>
  /** Free-form models (`document`, `preferences`, `any`) take keys beyond their properties. */
  additionalProperties: boolean
}

export interface SpecTypes {
  /** By `<METHOD> <path template>`, e.g. `GET /account/sessions/{sessionId}`. */
  operations: Record<string, SpecOperation>
  models: Record<string, SpecModel>
}

/** The spec key of a route: `/v1/teams/:teamId` → `/teams/{teamId}`. */
export const specKey = (method: string, path: string) => `${method} ${path.replace(/^\/v1/, '').replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`

/** The extracted spec, loaded on first use (start-up never pays for it). */
export async function loadSpecTypes(): Promise<SpecTypes> {
  const module = await import('./spec-types.json', { with: { type: 'json' } })
  return module.default as SpecTypes
}
