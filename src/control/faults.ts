import { AppwriteException } from '../errors/appwrite-exception.js'
import { errorCatalog, type ErrorType } from '../errors/catalog.js'
import { ControlBody, invalid } from './body.js'
import type { FaultRule } from './public-types.js'
export type { FaultRule }


interface ProjectFaults {
  rules: FaultRule[]
  random: () => number
  seed: number | null
}

const RULE_KEYS = ['operation', 'error', 'message', 'delayMs', 'times', 'probability'] as const
const MAX_RULES = 100
const MAX_DELAY_MS = 120_000

/** mulberry32: a small seeded generator, so `probability` rules can repeat exactly across runs. */
function seeded(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * Fault injection per project: rules matched against each operation after its checks and params passed, just
 * before its handler. A matching rule waits `delayMs`, then throws its catalogue error, which the one renderer
 * writes as Appwrite would (status, `{message, code, type, version}`, headers).
 */
export class FaultInjector {
  private readonly projects = new Map<string, ProjectFaults>()
  private nextId = 1

  constructor(private readonly operations: ReadonlySet<string>) {}

  /** True when some project has rules: the operation core skips the lookup otherwise. */
  get active(): boolean {
    return this.projects.size > 0
  }

  /** Adds the rules of a POST body: one rule, or `{ "rules": [...], "seed"?: n }`. Returns the project's rules. */
  add(projectId: string, raw: unknown): { seed: number | null; rules: FaultRule[] } {
    const top = new ControlBody(raw)
    const isList = top.has('rules')
    const outer = isList ? new ControlBody(raw, 'body', ['rules', 'seed']) : null
    const seed = outer ? outer.integer('seed', { min: 0, max: 2 ** 32 - 1 }) : undefined
    const list = isList ? top.raw('rules') : [raw]
    if (!Array.isArray(list) || list.length === 0) throw invalid('Invalid "rules" in the body: must be a non-empty array of rules.')
    const current = this.projects.get(projectId)
    if ((current?.rules.length ?? 0) + list.length > MAX_RULES) throw invalid(`A project holds at most ${MAX_RULES} fault rules; DELETE them first.`)
    const parsed = list.map((r, i) => this.parse(r, isList ? `rules[${i}]` : 'body'))
    const entry = current ?? { rules: [], random: Math.random, seed: null }
    if (seed !== undefined) {
      entry.random = seeded(seed)
      entry.seed = seed
    }
    entry.rules.push(...parsed)
    this.projects.set(projectId, entry)
    return this.list(projectId)
  }

  list(projectId: string): { seed: number | null; rules: FaultRule[] } {
    const entry = this.projects.get(projectId)
    return { seed: entry?.seed ?? null, rules: entry ? entry.rules.map((r) => ({ ...r })) : [] }
  }

  clear(projectId: string): void {
    this.projects.delete(projectId)
  }

  /**
   * Applies the first rule that matches and fires: waits its delay, then throws its error (if it has one).
   * `headers` gets what Appwrite would send with that error (rate-limit headers for a 429).
   */
  async apply(projectId: string, operation: string, headers: Record<string, string>, nowMs: number): Promise<void> {
    const entry = this.projects.get(projectId)
    if (!entry) return
    for (const rule of entry.rules) {
      if (!matches(rule.operation, operation)) continue
      if ((rule.times !== null && rule.hits >= rule.times) || (rule.probability < 1 && entry.random() >= rule.probability)) {
        rule.misses++
        continue
      }
      rule.hits++
      if (rule.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, rule.delayMs))
      if (!rule.error) return
      if (rule.error === 'general_rate_limit_exceeded') {
        headers['X-RateLimit-Remaining'] = '0'
        headers['X-RateLimit-Limit'] ??= '10'
        headers['X-RateLimit-Reset'] ??= String(Math.floor(nowMs / 1000) + 60)
      }
      throw new AppwriteException(rule.error, rule.message ?? undefined)
    }
  }

  private parse(raw: unknown, where: string): FaultRule {
    const body = new ControlBody(raw, where, RULE_KEYS)
    const operation = body.string('operation', { required: true })!
    const namespace = operation.endsWith('.*') ? operation.slice(0, -2) : null
    const known = operation === '*' || this.operations.has(operation) || (namespace !== null && [...this.operations].some((o) => o.startsWith(`${namespace}.`)))
    if (!known) throw body.bad('operation', `"${operation}" is not an operation of the route table (e.g. "databases.createDocument"), a "<namespace>.*" or "*"`)
    const error = body.string('error')
    if (error !== undefined && !(error in errorCatalog)) throw body.bad('error', `"${error}" is not an Appwrite 1.5 error type (e.g. "general_server_error")`)
    const delayMs = body.integer('delayMs', { min: 0, max: MAX_DELAY_MS }) ?? 0
    if (error === undefined && delayMs === 0) throw invalid(`A fault rule (${where}) needs an "error", a "delayMs", or both.`)
    return {
      $id: `fault${this.nextId++}`,
      operation,
      error: (error as ErrorType | undefined) ?? null,
      message: body.string('message') ?? null,
      delayMs,
      times: body.integer('times', { min: 1, max: 1_000_000 }) ?? null,
      probability: body.number('probability', { min: 0, max: 1, minExclusive: true }) ?? 1,
      hits: 0,
      misses: 0,
    }
  }
}

function matches(pattern: string, operation: string): boolean {
  if (pattern === '*' || pattern === operation) return true
  return pattern.endsWith('.*') && operation.startsWith(pattern.slice(0, -1))
}
