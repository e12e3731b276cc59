import type { Shape, SpecModel, SpecOperation, SpecTypes } from '../spec-types.js'

type Schema = Record<string, any>

const refName = (ref: string) => ref.replace('#/components/schemas/', '')

/** A spec schema reduced to what the GraphQL types need. */
function shape(schema: Schema, keepExample = false): Shape {
  const out: Shape = {}
  if (schema.$ref) out.ref = refName(schema.$ref)
  if (schema.type) out.type = schema.type
  if (schema.type === 'array' && schema.items) out.items = shape(schema.items)
  else if (schema.items?.oneOf) out.oneOf = schema.items.oneOf.map((s: Schema) => refName(s.$ref))
  else if (schema.items?.$ref) {
    // An object property whose `items` names a model is that model (`prefs` → preferences), not a list of it.
    out.ref = refName(schema.items.$ref)
    delete out.type
  }
  if (keepExample && typeof schema['x-example'] === 'string') out.example = schema['x-example']
  return out
}

function operation(op: Schema): SpecOperation {
  const params: Record<string, Shape> = {}
  const required: string[] = []
  for (const p of op.parameters ?? []) {
    params[p.name] = shape(p.schema ?? {})
    if (p.required) required.push(p.name)
  }
  const body = Object.values<Schema>(op.requestBody?.content ?? {})[0]?.schema
  for (const [name, property] of Object.entries<Schema>(body?.properties ?? {})) params[name] = shape(property)
  required.push(...(body?.required ?? []))
  let model: string | null = null
  for (const [status, response] of Object.entries<Schema>(op.responses ?? {})) {
    const ref = Object.values<Schema>(response.content ?? {})[0]?.schema?.$ref
    if (status.startsWith('2') && ref) {
      model = refName(ref)
      break
    }
  }
  return { summary: op.summary ?? '', params, required, model }
}

/** Extracts the GraphQL schema's inputs from the client OpenAPI document (`client-openapi3.json`). */
export function extractSpecTypes(document: Schema): SpecTypes {
  const operations: Record<string, SpecOperation> = {}
  for (const [template, methods] of Object.entries<Schema>(document.paths)) {
    for (const [method, op] of Object.entries<Schema>(methods)) operations[`${method.toUpperCase()} ${template}`] = operation(op)
  }
  const models: Record<string, SpecModel> = {}
  for (const [name, schema] of Object.entries<Schema>(document.components.schemas)) {
    const properties: Record<string, Shape> = {}
    for (const [key, property] of Object.entries<Schema>(schema.properties ?? {})) properties[key] = shape(property, key === 'type')
    models[name] = { properties, additionalProperties: schema.additionalProperties === true }
  }
  return { operations, models }
}
