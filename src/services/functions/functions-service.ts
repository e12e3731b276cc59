import type { FastifyBaseLogger } from 'fastify'
import type { FunctionConfig, ProjectTemplate } from '../../config/appwrite-json.js'
import type { Caller } from '../../core/caller.js'
import type { Clock } from '../../domain/dates.js'
import { formatDate } from '../../domain/dates.js'
import { uniqueId } from '../../domain/ids.js'
import { isAllowed } from '../../domain/permissions.js'
import type { Query } from '../../domain/query/parse.js'
import { runListQueries, searchQuery } from '../../domain/query/list-query.js'
import { AppwriteException } from '../../errors/appwrite-exception.js'
import type { AppEvent, EventBus } from '../../events/bus.js'
import type { ExecutionRecord, Store } from '../../store/types.js'
import type { FunctionExecutor } from '../../functions/executor.js'
import { readDotEnv } from '../../functions/files.js'
import { runtimeOf, unsupportedRuntimeMessage, type RuntimeInfo } from '../../functions/runtimes.js'
import type { SessionService } from '../account/session-service.js'
import type { ProjectRegistry } from '../projects/project-registry.js'
import { executionModel, type ExecutionModel } from './models.js'
import { executeRefusal, functionHeaders, requestHeaderList } from './execution-input.js'

/** Async executions that may wait at once across the emulator; past it, new ones fail at once. */
const MAX_QUEUED = 1000
const CREATE = 'functions.[functionId].executions.[executionId].create'
const UPDATE = 'functions.[functionId].executions.[executionId].update'

export interface FunctionsServiceOptions {
  store: Store
  clock: Clock
  bus: EventBus
  template: ProjectTemplate
  sessions: SessionService
  projects: ProjectRegistry
  log: FastifyBaseLogger
  /** Run functions' `commands` when their dependency files change (`--no-function-builds` turns it off). */
  builds: boolean
  /** Run functions on bus events and cron schedules (`--no-function-triggers` turns it off). */
  triggers: boolean
}

export interface CreateExecutionInput {
  functionId: string
  body: string
  async: boolean
  path: string
  method: string
  headers: Record<string, unknown>
}

interface Run {
  projectId: string
  fn: FunctionConfig
  runtime: RuntimeInfo
  record: ExecutionRecord
  body: string
  headers: Record<string, string>
  caller: Caller
}

/**
 * Function executions (BEHAVIORS §17): the functions of appwrite.json run for real in worker processes
 * (src/functions, loaded on the first execution), synchronously, from the async queue, on bus events and on
 * their cron schedules; executions are stored when the function's `logging` is on.
 */
export class FunctionsService {
  /** The API endpoint functions call back (`APPWRITE_FUNCTION_API_ENDPOINT`), known once the server listens. */
  endpoint = ''
  private executor: Promise<FunctionExecutor> | null = null
  private queued = 0
  private readonly running = new Set<Promise<unknown>>()
  private stopSchedules: (() => void) | null = null
  private stopped = false

  constructor(private readonly o: FunctionsServiceOptions) {
    if (o.triggers) o.bus.subscribe((event) => this.onEvent(event))
  }

  /** `functions.createExecution`: 201 with the finished execution, or 202 with a waiting one when `async`. */
  async createExecution(caller: Caller, input: CreateExecutionInput): Promise<{ status: number; body: ExecutionModel }> {
    const fn = this.enabledFunction(input.functionId)
    const runtime = this.runtimeOf(fn)
    const env = this.environment(caller.project.id, fn, runtime)
    const executor = await this.loadExecutor()
    // Appwrite checks the deployment's build before the caller's execute permission.
    if (!(await executor.prepare(fn, env))) throw new AppwriteException('build_not_ready')
    const refusal = executeRefusal(caller.roles, fn.execute)
    if (refusal !== null) throw new AppwriteException('user_unauthorized', refusal)
    const jwt = caller.user && caller.session ? (await this.o.sessions.createJwt(caller)).jwt : ''
    const { forFunction, asSent } = functionHeaders(input.headers, caller, jwt, 'http')
    const geo = await geoHeaders(forFunction['x-real-ip'])
    Object.assign(forFunction, geo)
    for (const [name, value] of Object.entries(geo)) asSent[name] = value
    const record = this.newRecord(fn, caller, { trigger: 'http', status: input.async ? 'waiting' : 'processing', requestMethod: input.method, requestPath: input.path, requestHeaders: requestHeaderList(asSent) })
    const run: Run = { projectId: caller.project.id, fn, runtime, record, body: input.body, headers: forFunction, caller }
    if (input.async) {
      await this.save(run, 'insert')
      await this.publish(run, CREATE)
      this.enqueue(run)
      return { status: 202, body: executionModel(record) }
    }
    const responseBody = await this.execute(run, env)
    await this.save(run, 'insert')
    await this.publish(run, CREATE)
    return { status: 201, body: executionModel(record, { responseBody }) }
  }

  /** `functions.listExecutions`: the function's stored executions the caller may read. */
  async listExecutions(caller: Caller, input: { functionId: string; queries: Query[]; search: string }): Promise<{ total: number; executions: ExecutionModel[] }> {
    const fn = this.enabledFunction(input.functionId)
    const rows = (await this.o.store.executions.list(caller.project.id, { function_id: fn.$id })).filter((r) => isAllowed(caller.roles, r.permissions, 'read'))
    const records = rows.map((r) => ({
      $id: r.id,
      $createdAt: r.createdAt,
      $updatedAt: r.updatedAt,
      trigger: r.trigger,
      status: r.status,
      responseStatusCode: r.responseStatusCode,
      duration: r.duration,
      search: `${r.functionId} ${r.id}`,
      record: r,
    }))
    const { total, items } = runListQueries(records, [...input.queries, ...searchQuery(input.search)], 'Execution')
    return { total, executions: items.map((i) => executionModel(i.record)) }
  }

  /** `functions.getExecution`: missing, unreadable and another function's executions all answer 404. */
  async getExecution(caller: Caller, functionId: string, executionId: string): Promise<ExecutionModel> {
    const fn = this.enabledFunction(functionId)
    const r = await this.o.store.executions.get(caller.project.id, executionId)
    if (!r || r.functionId !== fn.$id || !isAllowed(caller.roles, r.permissions, 'read')) throw new AppwriteException('execution_not_found')
    return executionModel(r)
  }

  /** Every stored execution of a project, newest first, with logs and errors (the control API). */
  async controlList(projectId: string): Promise<ExecutionModel[]> {
    const rows = await this.o.store.executions.list(projectId, undefined, { newestFirst: true })
    return rows.map((r) => executionModel(r, { withLogs: true }))
  }

  /** Starts the cron schedules of the config's functions (after the server listens; croner loads then). */
  async startSchedules(): Promise<void> {
    if (!this.o.triggers || this.stopped) return
    const scheduled = this.o.template.functions.filter((f) => f.enabled && f.schedule.trim() && runtimeOf(f.runtime))
    if (!scheduled.length) return
    const { Cron } = await import('croner')
    const { scheduleOnClock } = await import('../../functions/clock-schedule.js')
    const jobs = scheduled.flatMap((fn) => {
      try {
        // croner only computes the run times (paused); the emulated clock decides when they come (/_emulator/clock).
        return [{ stop: scheduleOnClock(new Cron(fn.schedule, { paused: true }), this.o.clock, () => void this.onSchedule(fn)) }]
      } catch (error) {
        this.o.log.warn(`function ${fn.$id}: schedule "${fn.schedule}" is not a valid cron expression (${(error as Error).message})`)
        return []
      }
    })
    this.stopSchedules = () => jobs.forEach((j) => j.stop())
  }

  /** Stops schedules, waits briefly for running executions and kills every runtime process. */
  async shutdown(): Promise<void> {
    this.stopped = true
    this.stopSchedules?.()
    if (this.executor) (await this.executor).shutdown()
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => setTimeout(r, 1000).unref())])
  }

  private enabledFunction(functionId: string): FunctionConfig {
    const fn = this.o.template.functions.find((f) => f.$id === functionId)
    if (!fn || !fn.enabled) throw new AppwriteException('function_not_found')
    return fn
  }

  private runtimeOf(fn: FunctionConfig): RuntimeInfo {
    const runtime = runtimeOf(fn.runtime)
    if (!runtime) throw new AppwriteException('function_runtime_unsupported', unsupportedRuntimeMessage(fn.runtime))
    return runtime
  }

  private environment(projectId: string, fn: FunctionConfig, runtime: RuntimeInfo): Record<string, string> {
    return {
      ...readDotEnvCached(fn.path),
      ...fn.vars,
      APPWRITE_FUNCTION_ID: fn.$id,
      APPWRITE_FUNCTION_NAME: fn.name,
      // deviation: the emulator has no deployments; the deployment ID is the function's own ID.
      APPWRITE_FUNCTION_DEPLOYMENT: fn.$id,
      APPWRITE_FUNCTION_PROJECT_ID: projectId,
      APPWRITE_FUNCTION_RUNTIME_NAME: runtime.name,
      APPWRITE_FUNCTION_RUNTIME_VERSION: runtime.version,
      // deviation: Appwrite 1.6's variable, so a function can call the emulator back without configuring it.
      ...(this.endpoint && { APPWRITE_FUNCTION_API_ENDPOINT: this.endpoint }),
    }
  }

  private loadExecutor(): Promise<FunctionExecutor> {
    return (this.executor ??= import('../../functions/executor.js').then((m) => new m.FunctionExecutor(
      { info: (msg) => this.o.log.info(msg), warn: (msg) => this.o.log.warn(msg) },
      { builds: this.o.builds },
    )))
  }

  /** Runs one execution and fills in its record; returns the response body. */
  private async execute(run: Run, env = this.environment(run.projectId, run.fn, run.runtime)): Promise<string> {
    const executor = await this.loadExecutor()
    const { record } = run
    let body = ''
    if (!record.requestPath.startsWith('/')) {
      // deviation: Appwrite's executor fails to build the runtime's URL from such a path; the reason is ours.
      Object.assign(record, { status: 'failed', responseStatusCode: 500, errors: 'The path must start with a "/".', duration: 0 })
    } else if (!(await executor.prepare(run.fn, env))) {
      Object.assign(record, { status: 'failed', responseStatusCode: 500, errors: 'Build not ready: the function\'s commands failed; see the emulator log.' })
    } else {
      const result = await executor.execute({ projectId: run.projectId, fn: run.fn, runtime: run.runtime, body: run.body, path: record.requestPath, method: record.requestMethod, headers: run.headers, env })
      body = result.body
      Object.assign(record, {
        status: result.statusCode >= 400 ? 'failed' : 'completed',
        responseStatusCode: result.statusCode,
        // Appwrite 1.5 returns every response header of the runtime (BEHAVIORS §17).
        responseHeaders: Object.entries(result.headers).map(([name, value]) => ({ name, value })),
        logs: result.logs,
        errors: result.errors,
        duration: result.duration,
      })
    }
    record.updatedAt = formatDate(this.o.clock.now())
    this.o.log.info(`function ${run.fn.$id} (${run.projectId}): ${record.trigger} execution ${record.id} ${record.status} ${record.responseStatusCode} in ${record.duration.toFixed(3)} s`)
    return body
  }

  private async save(run: Run, how: 'insert' | 'update'): Promise<void> {
    if (!run.fn.logging) return
    await this.o.store.transaction(async () => {
      if (how === 'insert') await this.o.store.executions.insert(run.projectId, run.record)
      else await this.o.store.executions.update(run.projectId, run.record)
    })
  }

  private publish(run: Run, pattern: string): Promise<void> {
    return this.o.bus.publish({
      projectId: run.projectId,
      pattern,
      params: { functionId: run.fn.$id, executionId: run.record.id },
      payload: executionModel(run.record) as unknown as Record<string, unknown>,
      caller: run.caller,
    })
  }

  /** Queues an async execution: waiting → processing → completed or failed, each step saved and published. */
  private enqueue(run: Run): void {
    if (this.stopped || this.queued >= MAX_QUEUED) {
      Object.assign(run.record, { status: 'failed', responseStatusCode: 500, errors: 'The execution queue is full.', updatedAt: formatDate(this.o.clock.now()) })
      this.track(this.save(run, 'update').then(() => this.publish(run, UPDATE)))
      return
    }
    this.queued++
    const job = (async () => {
      await new Promise((r) => setImmediate(r))
      run.record.status = 'processing'
      run.record.updatedAt = formatDate(this.o.clock.now())
      await this.save(run, 'update')
      await this.publish(run, UPDATE)
      await this.execute(run)
      await this.save(run, 'update')
      await this.publish(run, UPDATE)
    })().finally(() => this.queued--)
    this.track(job)
  }

  private track(job: Promise<unknown>): void {
    const p = job.catch((error: unknown) => this.o.log.error({ err: error }, 'function execution failed'))
    this.running.add(p)
    void p.finally(() => this.running.delete(p))
  }

  /** A bus event: every enabled function whose `events` match it runs with trigger `event`. */
  private onEvent(event: AppEvent): void {
    if (this.stopped) return
    for (const fn of this.o.template.functions) {
      if (!fn.enabled || !fn.events.length) continue
      // A function's own execution events never trigger it again (no loops).
      if (event.name.startsWith(`functions.${fn.$id}.`)) continue
      if (!fn.events.some((e) => event.events.includes(e))) continue
      const runtime = runtimeOf(fn.runtime)
      if (!runtime) continue
      this.track(this.triggered(event.projectId, fn, runtime, 'event', event.caller, JSON.stringify(event.payload), event.name))
    }
  }

  private async onSchedule(fn: FunctionConfig): Promise<void> {
    const runtime = runtimeOf(fn.runtime)
    if (!runtime || this.stopped) return
    // deviation: a schedule runs in every project the emulator holds (up to 100), the config's first.
    const ids = await this.o.store.projectIds()
    const first = this.o.template.projectId
    const order = first ? [first, ...ids.filter((id) => id !== first)] : ids
    for (const projectId of order.slice(0, 100)) {
      const project = await this.o.projects.get(projectId)
      if (!project || project.isConsole) continue
      const caller: Caller = {
        project,
        user: null,
        session: null,
        authenticatedBy: null,
        roles: ['any', 'guests'],
        client: { ip: '127.0.0.1', userAgent: 'Appwrite scheduler', origin: null, hostname: 'localhost', protocol: 'http' },
        timestampHeader: null,
      }
      this.track(this.triggered(projectId, fn, runtime, 'schedule', caller, '', ''))
    }
  }

  private async triggered(projectId: string, fn: FunctionConfig, runtime: RuntimeInfo, trigger: 'event' | 'schedule', caller: Caller, body: string, eventName: string): Promise<void> {
    const jwt = caller.user && caller.session ? (await this.o.sessions.createJwt(caller)).jwt : ''
    const { forFunction, asSent } = functionHeaders(trigger === 'event' ? { 'content-type': 'application/json' } : {}, caller, jwt, trigger)
    if (trigger === 'event') forFunction['x-appwrite-event'] = eventName
    const record = this.newRecord(fn, caller, { trigger, status: 'waiting', requestMethod: 'POST', requestPath: '/', requestHeaders: requestHeaderList(asSent) })
    const run: Run = { projectId, fn, runtime, record, body, headers: forFunction, caller }
    await this.save(run, 'insert')
    await this.publish(run, CREATE)
    this.enqueue(run)
  }

  /** A new execution, not run yet: readable by the signed-in caller alone (a guest's by nobody). */
  private newRecord(
    fn: FunctionConfig,
    caller: Caller,
    request: Pick<ExecutionRecord, 'trigger' | 'status' | 'requestMethod' | 'requestPath' | 'requestHeaders'>,
  ): ExecutionRecord {
    const now = formatDate(this.o.clock.now())
    return {
      id: uniqueId(),
      createdAt: now,
      updatedAt: now,
      functionId: fn.$id,
      permissions: caller.user ? [`read("user:${caller.user.id}")`] : [],
      ...request,
      responseStatusCode: 0,
      responseHeaders: [],
      logs: '',
      errors: '',
      duration: 0,
    }
  }
}

const dotEnvCache = new Map<string, { at: number; vars: Record<string, string> }>()

/** A function folder's `.env`, read at most once a second (it is read on every execution otherwise). */
function readDotEnvCached(folder: string): Record<string, string> {
  // Real time on purpose: this caches the file system, which the emulated clock does not move.
  const now = Date.now()
  const hit = dotEnvCache.get(folder)
  if (hit && now - hit.at < 1000) return hit.vars
  const vars = readDotEnv(folder)
  dotEnvCache.set(folder, { at: now, vars })
  return vars
}

/** Appwrite's country and continent headers, from the `x-real-ip` header the caller sent (functions.php). */
async function geoHeaders(ip: string | undefined): Promise<Record<string, string>> {
  const out = { 'x-appwrite-country-code': '', 'x-appwrite-continent-code': '', 'x-appwrite-continent-eu': 'false' }
  if (!ip) return out
  const { countryOfIp } = await import('../locale/geo.js')
  const code = countryOfIp(ip)
  if (!code) return out
  const { countryFacts, isEuMember } = await import('../locale/locale-data.js')
  out['x-appwrite-country-code'] = code
  out['x-appwrite-continent-code'] = countryFacts(code)?.continent ?? ''
  out['x-appwrite-continent-eu'] = isEuMember(code) ? 'true' : 'false'
  return out
}
