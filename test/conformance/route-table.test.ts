import { expect, it } from 'vitest'
import type { RouteDefinition } from '../../src/core/route.js'
import { routeTable } from '../../src/services/routes.js'
import { describeWithShared } from '../harness/shared.js'
import { clientSpec, type SpecOperation } from '../harness/spec.js'

/**
 * Client operations of the 1.5 spec that have no route yet. Adding a route must remove its line here, and this
 * list may only shrink: an operation with no route that is not listed fails, and so does a listed one that has a route.
 */
const PENDING: string[] = []

type ParamShape = { name: string; required: boolean }

/** `/v1/account/sessions/:sessionId` → `/account/sessions/{sessionId}`. */
const toTemplate = (path: string, basePath: string) => path.slice(basePath.length).replace(/:([A-Za-z0-9_]+)/g, '{$1}')
const key = (method: string, template: string) => `${method} ${template}`

/** Path params in template order, then query params, then body properties in the spec's order. */
function specParams(op: SpecOperation): ParamShape[] {
  const parameters = op.operation.parameters ?? []
  const fromParameters = (where: string) => parameters.filter((p) => p.in === where).map((p) => ({ name: p.name, required: p.required ?? false }))
  const body = Object.values(op.operation.requestBody?.content ?? {})[0]?.schema
  const fromBody = Object.keys(body?.properties ?? {}).map((name) => ({ name, required: body?.required?.includes(name) ?? false }))
  return [...fromParameters('path'), ...fromParameters('query'), ...fromBody]
}

/** The route's params with its path params first (in path order), the rest in declaration order. */
function routeParams(route: RouteDefinition): ParamShape[] {
  const pathNames = [...route.path.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => m[1]!)
  const all = Object.entries(route.params).map(([name, spec]) => ({ name, required: spec.required }))
  return [...pathNames.map((n) => all.find((p) => p.name === n) ?? { name: n, required: true }), ...all.filter((p) => !pathNames.includes(p.name))]
}

function specRateLimit(op: SpecOperation) {
  const x = op.operation['x-appwrite']
  if (!x['rate-limit']) return undefined
  return { limit: x['rate-limit'], window: x['rate-time'], keys: Array.isArray(x['rate-key']) ? x['rate-key'] : [x['rate-key']] }
}

function routeRateLimit(route: RouteDefinition) {
  const r = route.rateLimit
  return r && r.limit > 0 ? { limit: r.limit, window: r.window, keys: r.keys } : undefined
}

describeWithShared('route table against client-openapi3.json', () => {
  const spec = clientSpec()
  const byKey = new Map(spec.operations.map((op) => [key(op.method, op.template), op]))
  const rows = routeTable.map((route) => ({ route, name: key(route.method, route.path) }))

  it('has one route per method and path', () => {
    const names = rows.map((r) => r.name)
    expect(names.filter((n, i) => names.indexOf(n) !== i)).toEqual([])
  })

  it.each(rows)('$name matches its spec operation', ({ route }) => {
    const op = byKey.get(key(route.method, toTemplate(route.path, spec.basePath)))
    if (!op) throw new Error(`${route.method} ${route.path} is not a client operation in the spec`)
    const x = op.operation['x-appwrite']
    expect(route.operation, 'operation name = <tag>.<SDK method>').toBe(`${op.operation.tags?.[0]}.${x.method}`)
    expect(route.scope, 'scope').toBe(x.scope)
    const want = specParams(op)
    const got = routeParams(route)
    const sorted = (ps: ParamShape[]) => [...ps].sort((a, b) => a.name.localeCompare(b.name))
    expect(sorted(got), 'params by name and required-ness').toEqual(sorted(want))
    // Appwrite validates params in declaration order, so the order decides which error a client sees first.
    expect(got.map((p) => p.name), 'param order').toEqual(want.map((p) => p.name))
    expect(routeRateLimit(route), 'rate limit (x-appwrite rate-limit/rate-time/rate-key)').toEqual(specRateLimit(op))
  })

  it('lists exactly the operations without a route as PENDING', () => {
    const routed = new Set(rows.map((r) => key(r.route.method, toTemplate(r.route.path, spec.basePath))))
    const missing = spec.operations.map((op) => key(op.method, op.template)).filter((k) => !routed.has(k))
    const implemented = spec.operations.length - missing.length
    console.log(`route table: ${implemented}/${spec.operations.length} client operations implemented`)
    const stale = PENDING.filter((k) => !missing.includes(k))
    const unlisted = missing.filter((k) => !PENDING.includes(k))
    expect(stale, 'these have a route now (or are not in the spec): remove them from PENDING').toEqual([])
    expect(unlisted, 'these spec operations have no route and are not PENDING').toEqual([])
    expect(new Set(PENDING).size, 'PENDING has duplicates').toBe(PENDING.length)
  })
})
