import { execFile } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join, relative } from 'node:path'
import { promisify } from 'node:util'
import { build, type Plugin } from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import { generateOperationErrors, OUTPUT, renderOperationErrors } from '../../scripts/gen-operation-errors.mjs'
import { errorCatalog } from '../../src/errors/catalog.js'
import { describeOperations, pipelineErrors } from '../../src/control/operations.js'
import { routeTable } from '../../src/services/routes.js'
import { repoRoot } from '../harness/shared.js'

const committed = JSON.parse(readFileSync(join(repoRoot, OUTPUT), 'utf8')) as { pipeline: string[]; operations: Record<string, string[]> }
const listed = new Map(describeOperations(routeTable).map((o) => [o.operation, o.errors]))

describe('the generated error lists (scripts/gen-operation-errors.mjs)', () => {
  it('match what the generator finds in the code now', { timeout: 120_000 }, () => {
    const generated = generateOperationErrors(repoRoot)
    const { errors, pipeline, notes } = generated
    const fresh = renderOperationErrors(generated)
    const stale = Object.keys({ ...errors, ...committed.operations }).filter((op) => JSON.stringify(errors[op]) !== JSON.stringify(committed.operations[op]))
    if (JSON.stringify(pipeline) !== JSON.stringify(committed.pipeline)) stale.unshift('the pipeline')
    expect(stale, `${OUTPUT} is stale for ${stale.join(', ')}: run \`npm run gen:errors\` and commit it`).toEqual([])
    expect(readFileSync(join(repoRoot, OUTPUT), 'utf8'), `${OUTPUT} is not as generated: run \`npm run gen:errors\``).toBe(fresh)
    // Every `new AppwriteException(x)` the walk meets tells its type; a new unresolvable one shows up here.
    expect(notes).toEqual([])
  })

  it('name only error types of the catalogue and only operations of the route table, all of them', () => {
    const unknown = Object.entries(committed.operations).flatMap(([op, types]) => types.filter((t) => !(t in errorCatalog)).map((t) => `${op}: ${t}`))
    expect(unknown).toEqual([])
    expect(Object.keys(committed.operations).sort()).toEqual(routeTable.map((r) => r.operation).sort())
    expect(routeTable).toHaveLength(95)
    for (const [op, errors] of listed) expect(errors.filter((t) => !(t in errorCatalog)), op).toEqual([])
  })

  it('put the pipeline errors first, then the handler’s, each once', () => {
    const session = listed.get('account.createEmailPasswordSession')!
    expect(session).toEqual([
      'project_not_found', 'user_jwt_invalid', 'general_unknown_origin', 'general_service_disabled', 'general_unauthorized_scope', 'user_blocked',
      'user_more_factors_required', 'general_rate_limit_exceeded', 'user_session_already_exists', 'user_auth_method_unsupported', 'general_argument_invalid',
      'user_invalid_credentials',
    ])
    expect(pipelineErrors(routeTable.find((r) => r.operation === 'account.get')!)).not.toContain('general_unknown_origin')
    for (const [op, errors] of listed) expect(new Set(errors).size, op).toBe(errors.length)
  })

  it('tell, between them, every error the pipeline’s code can raise and no other', () => {
    const told = new Set(routeTable.flatMap((r) => pipelineErrors(r)))
    expect([...told].sort()).toEqual(committed.pipeline)
  })

  it('hold the known pairs', () => {
    const has = (op: string, types: string[]) => expect(listed.get(op), op).toEqual(expect.arrayContaining(types))
    has('account.createEmailPasswordSession', ['user_invalid_credentials'])
    has('databases.getDocument', ['document_not_found', 'collection_not_found', 'database_not_found'])
    has('storage.getFile', ['storage_file_not_found', 'storage_bucket_not_found'])
    has('teams.get', ['team_not_found'])
    has('databases.createDocument', ['document_already_exists', 'document_invalid_structure'])
    // A type no code path of the operation raises is not listed.
    expect(listed.get('locale.get')).not.toContain('document_not_found')
    expect(listed.get('storage.getFile')).not.toContain('user_invalid_credentials')
  })
})

/** One row of a scenario table: the request it sends and the error type it expects. */
interface TableRow {
  file: string
  title: string
  name: string
  method?: string
  url?: string
  type?: string
  failed?: string
}

// The scenario helpers (test/harness, src/services/*/testing, test/e2e/storage-support) become recorders of their
// tables; vitest becomes inert, so the test files' own tests are declared but never run.
const HELPERS = ['scenarios', 'dbScenarios', 'storageScenarios', 'functionScenarios', 'messagingScenarios', 'graphqlScenarios']
const HELPER_FILE = /(test\/harness\/scenarios|src\/services\/[^/]+\/testing\/scenarios|test\/e2e\/storage-support)\.ts$/
const INERT_VITEST = `
const chain = (runs) => {
  const f = new Proxy(function () {}, {
    apply(_, __, args) {
      const fn = runs && args.find((a) => typeof a === 'function')
      if (fn) try { const r = fn(); if (r && typeof r.catch === 'function') r.catch(() => {}) } catch {}
      return f
    },
    get: (_, key) => (key === 'then' || typeof key === 'symbol' ? undefined : f),
  })
  return f
}
export const describe = chain(true), suite = describe
export const it = chain(false), test = it, beforeAll = it, beforeEach = it, afterAll = it, afterEach = it
export const expect = chain(false), vi = chain(false), assert = chain(false), expectTypeOf = chain(false)
`
const RECORD = `
const tables = globalThis.__scenarioTables
// What \`before\` would have put in ctx: a stand-in that reads as "ctx-<name>" in a URL and survives method calls.
const standIn = (name) => {
  const text = () => 'ctx-' + name
  return new Proxy(function () {}, {
    get: (_, key) => (key === Symbol.toPrimitive || key === 'toString' || key === 'valueOf' ? text : key === 'then' || typeof key === 'symbol' ? undefined : standIn(name)),
    apply: () => standIn(name),
  })
}
const ctxs = [
  new Proxy({}, { get: (_, key) => (typeof key === 'symbol' ? undefined : standIn(String(key))) }),
  // Bytes a \`before\` made, which the request slices (uploads in chunks).
  new Proxy({}, { get: (_, key) => (typeof key === 'symbol' ? undefined : Buffer.from('ctx-' + String(key))) }),
]
const evaluate = (request) => {
  if (typeof request !== 'function') return request
  for (const ctx of ctxs.slice(0, -1)) try { return request(ctx) } catch {}
  return request(ctxs.at(-1))
}
const rows = []
for (const table of tables) {
  for (const row of Array.isArray(table.rows) ? table.rows : []) {
    const out = { file: table.file, title: String(table.title), name: String(row?.name), type: row?.expect?.type }
    try {
      const req = evaluate(row.request)
      const sendsBody = ['json', 'payload', 'body', 'raw', 'multipart', 'files'].some((k) => req[k] !== undefined)
      out.method = req.method ?? (sendsBody ? 'POST' : 'GET')
      out.url = String(req.url ?? '/v1/graphql')
    } catch (error) {
      out.failed = String(error)
    }
    rows.push(out)
  }
}
process.stdout.write(JSON.stringify(rows), () => process.exit(0))
`

/** The test files that declare scenario tables. */
function tableFiles(): string[] {
  const out: string[] = []
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name)
      if (entry.isDirectory()) walk(path)
      else if (entry.name.endsWith('.test.ts') && new RegExp(`\\b(${HELPERS.join('|')})\\(`).test(readFileSync(path, 'utf8'))) out.push(path)
    }
  }
  walk(join(repoRoot, 'src'))
  walk(join(repoRoot, 'test'))
  return out.filter((f) => !f.endsWith('operation-errors.test.ts'))
}

/** Loads every table file with esbuild in a child process, where vitest is inert, and reads their rows as data. */
async function readScenarioTables(): Promise<TableRow[]> {
  const files = tableFiles()
  const entry = [
    'globalThis.__scenarioTables = []',
    ...files.map((f) => `globalThis.__scenarioFile = ${JSON.stringify(relative(repoRoot, f))}\nawait import(${JSON.stringify(f)})`),
    RECORD,
  ].join('\n')
  const plugin: Plugin = {
    name: 'scenario-tables',
    setup(b) {
      b.onResolve({ filter: /^vitest$/ }, () => ({ path: 'vitest', namespace: 'inert' }))
      b.onLoad({ filter: /.*/, namespace: 'inert' }, () => ({ contents: INERT_VITEST, loader: 'js' }))
      b.onLoad({ filter: HELPER_FILE }, (args) => {
        let contents = readFileSync(args.path, 'utf8')
        for (const name of HELPERS) {
          contents = contents.replace(
            new RegExp(`export function ${name}\\(`),
            `export function ${name}(title: any, rows: any) { globalThis.__scenarioTables.push({ file: globalThis.__scenarioFile, title, rows }) }\nfunction __replaced_${name}(`,
          )
        }
        return { contents, loader: 'ts' }
      })
    },
  }
  // Beside the sources, so the bundle's import.meta.url and package lookups resolve as the files' own would.
  const bundle = join(repoRoot, 'test', 'control', `.scenario-tables-${process.pid}.mjs`)
  try {
    await build({
      stdin: { contents: entry, resolveDir: repoRoot, loader: 'js' },
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      outfile: bundle,
      logLevel: 'silent',
      plugins: [plugin],
    })
    const { stdout } = await promisify(execFile)(process.execPath, [bundle], { cwd: repoRoot, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, CI: '' } })
    return JSON.parse(stdout) as TableRow[]
  } finally {
    rmSync(bundle, { force: true })
  }
}

/** The operation a request goes to: the route (or alias) whose path fits, literal segments preferred to params. */
function operationOf(method: string, url: string): string | null {
  const segments = url.split(/[?#]/)[0].split('/')
  let best: { operation: string; score: number } | null = null
  for (const route of routeTable) {
    const paths = [{ path: route.path, method: route.method }, ...(route.aliases ?? []).map((a) => (typeof a === 'string' ? { path: a, method: route.method } : { path: a.path, method: a.method ?? route.method }))]
    for (const candidate of paths) {
      if (candidate.method !== method.toUpperCase()) continue
      const parts = candidate.path.split('/')
      if (parts.length !== segments.length) continue
      let score = 0
      const fits = parts.every((part, i) => (part.startsWith(':') ? segments[i] !== '' : part === segments[i] && ++score > 0))
      if (fits && (!best || score > best.score)) best = { operation: route.operation, score }
    }
  }
  return best?.operation ?? null
}

describe('the generated error lists against the scenario tables', () => {
  let rows: TableRow[] = []
  beforeAll(async () => {
    rows = await readScenarioTables()
  }, 120_000)

  it('list every error type a table row expects of its operation', () => {
    const missing: string[] = []
    const mapped = new Map<string, number>()
    const unmapped: TableRow[] = []
    for (const row of rows) {
      if (!row.type) continue
      const operation = row.method && row.url ? operationOf(row.method, row.url) : null
      if (!operation) {
        unmapped.push(row)
        continue
      }
      const namespace = operation.split('.')[0]
      mapped.set(namespace, (mapped.get(namespace) ?? 0) + 1)
      if (!listed.get(operation)!.includes(row.type)) missing.push(`${operation} ⊉ ${row.type} (${row.file}: ${row.title} › ${row.name})`)
    }

    expect(missing).toEqual([])
    // The tables were read: each service's rows reached their operations (a broken extraction cannot pass empty).
    for (const namespace of ['account', 'teams', 'databases', 'storage', 'avatars', 'locale', 'functions', 'messaging', 'graphql']) {
      expect(mapped.get(namespace) ?? 0, `rows expecting an error of ${namespace}`).toBeGreaterThan(namespace === 'locale' ? 0 : 2)
    }
    // Only rows that leave the client API go unmapped: the control API's tables, and paths or methods no route has.
    const routed = (url: string) => routeTable.some((r) => ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].some((m) => operationOf(m, url) === r.operation))
    const strays = unmapped.filter((r) => r.failed || (!r.url!.startsWith('/_') && r.type !== 'general_route_not_found' && routed(r.url!)))
    expect(strays.map((r) => `${r.file}: ${r.name}: ${r.failed ?? `${r.method} ${r.url}`}`)).toEqual([])
  })
})
