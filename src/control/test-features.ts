import type { OperationObserver, OperationOutcome, OperationRequest } from '../core/operation.js'
import type { RouteDefinition } from '../core/route.js'
import type { ParamSpecs } from '../domain/params.js'
import { renderError } from '../errors/render.js'
import type { Services } from '../services/index.js'
import { Coverage } from './coverage.js'
import { FaultInjector } from './faults.js'
import { RequestLog } from './request-log.js'
import { captureResponse } from './request-bodies.js'
import { reportEvent, type RequestTrace } from './trace.js'

/**
 * The control API's view of every operation: the decision log, the coverage counts and the fault rules. It is
 * the operation core's `services.observer`; recording costs one trace object, one ring slot and a few map bumps.
 */
export class TestFeatures implements OperationObserver {
  readonly faults: FaultInjector
  readonly requests = new RequestLog()
  readonly coverage: Coverage
  private seq = 0

  constructor(
    private readonly services: Services,
    operations: readonly string[],
  ) {
    this.faults = new FaultInjector(new Set(operations))
    this.coverage = new Coverage(operations, services.clock)
  }

  /** Hooks the bus (events a request published) and the realtime hub (channels subscribed), and becomes the observer. */
  install(): void {
    const { services } = this
    services.observer = this
    services.bus.subscribe((event) => reportEvent(event.caller.trace, event.name))
    // The hub is the lead's module; wrapping its `add` keeps the coverage hook out of it.
    const hub = services.realtime
    const add = hub.add.bind(hub)
    hub.add = (connection) => {
      this.coverage.channels(connection.project.id, connection.requested)
      add(connection)
    }
  }

  get faultsActive(): boolean {
    return this.faults.active
  }

  applyFaults(projectId: string, operation: string, headers: Record<string, string>): Promise<void> {
    return this.faults.apply(projectId, operation, headers, this.services.clock.now())
  }

  async observe(route: RouteDefinition<ParamSpecs>, run: (trace: RequestTrace) => Promise<OperationOutcome>, request: OperationRequest): Promise<OperationOutcome> {
    const trace: RequestTrace = { checks: [], events: [] }
    const started = performance.now()
    const outcome = await run(trace)
    const caller = outcome.caller
    if (!caller) return outcome
    let status: number
    let errorType: string | null = null
    let errorMessage: string | null = null
    let errorBody: unknown = null
    if (outcome.ok) status = outcome.result.status
    else {
      const rendered = renderError(outcome.error)
      status = rendered.status
      errorType = rendered.body.type
      errorMessage = rendered.body.message
      errorBody = rendered.body
    }
    const projectId = caller.project.id
    this.coverage.operation(projectId, route.operation, errorType)
    this.requests.record(projectId, {
      seq: ++this.seq,
      at: this.services.clock.now(),
      operation: route.operation,
      method: route.method,
      path: route.path,
      status,
      durationMs: performance.now() - started,
      caller,
      stage: outcome.ok ? null : (outcome.stage ?? null),
      errorType,
      errorMessage,
      trace,
      // References only: the bodies are serialised (bounded, passwords redacted) when the log is read.
      input: request.input,
      response: captureResponse(outcome.ok ? outcome.result : null, errorBody),
    })
    return outcome
  }

  /** Forgets a project's log and fault rules (on reset and restore). */
  forgetProject(projectId: string): void {
    this.requests.clear(projectId)
    this.faults.clear(projectId)
  }
}
