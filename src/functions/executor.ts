import { execFileSync } from 'node:child_process'
import { dirname, resolve } from 'node:path'
import { existsSync } from 'node:fs'
import type { FunctionConfig } from '../config/appwrite-json.js'
import { BuildRunner, type BuildLog } from './builds.js'
import { runtimeFiles, sourceFingerprint } from './files.js'
import type { RuntimeInfo } from './runtimes.js'
import { ExecutionFailure, killAllWorkers, WorkerProcess, type WorkerSpec } from './worker.js'

/** Executions of one function that may run at once; the rest wait their turn. */
export const MAX_CONCURRENCY_PER_FUNCTION = 4
/** Executions that may wait for a busy function before new ones fail. */
const MAX_WAITING_PER_FUNCTION = 1000
/** Warm processes kept across all functions, and for how long an idle one stays. */
const MAX_IDLE_WORKERS = 8
const IDLE_MS = 60_000
/** The memory cap of a runtime process, as Appwrite's default `_APP_FUNCTIONS_MEMORY` (MB). */
export const MEMORY_MB = 512

export interface ExecuteInput {
  projectId: string
  fn: FunctionConfig
  runtime: RuntimeInfo
  body: string
  path: string
  method: string
  headers: Record<string, string>
  /** The function's environment: Appwrite's APPWRITE_FUNCTION_* variables, its vars and .env. */
  env: Record<string, string>
}

export interface ExecuteResult {
  statusCode: number
  body: string
  headers: Record<string, string>
  logs: string
  errors: string
  /** Seconds. */
  duration: number
}

interface Pool {
  fingerprint: string
  workers: WorkerProcess[]
  waiting: (() => void)[]
}

let pythonPath: string | null | undefined

/** The real python3 interpreter (through pyenv shims and the like), or null when there is none. */
export function findPython(): string | null {
  if (pythonPath !== undefined) return pythonPath
  try {
    pythonPath = execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] }).trim() || null
  } catch {
    pythonPath = null
  }
  return pythonPath
}

const PRLIMIT = ['/usr/bin/prlimit', '/bin/prlimit'].find((p) => existsSync(p)) ?? null

/**
 * Runs functions in OS processes of their own: a warm process per function serves the next execution while
 * the function's files are unchanged, a changed file gets a fresh process (after its build when dependency
 * files changed), timeouts kill the process group, and concurrency is capped per function.
 */
export class FunctionExecutor {
  private readonly pools = new Map<string, Pool>()
  private readonly builds: BuildRunner
  private stopped = false

  constructor(log: BuildLog, options: { builds: boolean }) {
    this.builds = new BuildRunner(log, options.builds)
  }

  /** Runs the function's build when its dependency files changed; false when the build failed. */
  prepare(fn: FunctionConfig, env: Record<string, string>): Promise<boolean> {
    return this.builds.ensure(fn, env)
  }

  /** One execution. Failures of the function (timeout, crash, bad answer) come back as a 500 with errors, never thrown. */
  async execute(input: ExecuteInput): Promise<ExecuteResult> {
    const started = performance.now()
    const seconds = () => (performance.now() - started) / 1000
    const key = `${input.projectId}\0${input.fn.$id}\0${input.fn.path}`
    let worker: WorkerProcess | null = null
    try {
      worker = await this.acquire(key, input)
      const reply = await worker.run(
        { entrypoint: resolve(input.fn.path, input.fn.entrypoint), body: input.body, path: input.path, method: input.method, headers: input.headers, env: input.env },
        Math.max(1, input.fn.timeout) * 1000,
      )
      return { ...reply, duration: seconds() }
    } catch (error) {
      const failure = error instanceof ExecutionFailure ? error : new ExecutionFailure(error instanceof Error ? error.message : String(error))
      const errors = [failure.errors, failure.message].filter(Boolean).join('\n')
      return { statusCode: 500, body: '', headers: {}, logs: failure.logs, errors, duration: seconds() }
    } finally {
      if (worker) this.release(key, worker)
    }
  }

  /** Kills every process and forgets every pool. */
  shutdown(): void {
    this.stopped = true
    this.builds.stop()
    for (const pool of this.pools.values()) {
      for (const worker of pool.workers) worker.kill()
      for (const wake of pool.waiting.splice(0)) wake()
    }
    this.pools.clear()
    killAllWorkers()
  }

  private async acquire(key: string, input: ExecuteInput): Promise<WorkerProcess> {
    const fingerprint = sourceFingerprint(input.fn.path)
    let pool = this.pools.get(key)
    if (!pool) this.pools.set(key, (pool = { fingerprint, workers: [], waiting: [] }))
    for (;;) {
      if (this.stopped) throw new ExecutionFailure('The emulator is stopping.')
      if (pool.fingerprint !== fingerprint) {
        // The files changed: idle processes go now, busy ones when they finish.
        pool.fingerprint = fingerprint
        for (const w of pool.workers.filter((w) => !w.busy)) w.kill()
        pool.workers = pool.workers.filter((w) => !w.dead)
      }
      pool.workers = pool.workers.filter((w) => !w.dead)
      const idle = pool.workers.find((w) => !w.busy && w.fingerprint === fingerprint)
      if (idle) {
        if (idle.idleTimer) clearTimeout(idle.idleTimer)
        idle.idleTimer = null
        idle.busy = true
        return idle
      }
      if (pool.workers.length < MAX_CONCURRENCY_PER_FUNCTION) {
        const worker = new WorkerProcess(this.spec(input), fingerprint)
        worker.busy = true
        pool.workers.push(worker)
        return worker
      }
      if (pool.waiting.length >= MAX_WAITING_PER_FUNCTION) throw new ExecutionFailure('Too many executions of this function are waiting.')
      await new Promise<void>((wake) => pool!.waiting.push(wake))
    }
  }

  private release(key: string, worker: WorkerProcess): void {
    const pool = this.pools.get(key)
    worker.busy = false
    if (!pool || worker.dead || worker.fingerprint !== pool.fingerprint) worker.kill()
    else {
      worker.idleSince = Date.now()
      worker.idleTimer = setTimeout(() => worker.kill(), IDLE_MS)
      worker.idleTimer.unref()
      this.trimIdle()
    }
    if (pool) {
      pool.workers = pool.workers.filter((w) => !w.dead)
      pool.waiting.shift()?.()
    }
  }

  private trimIdle(): void {
    const idle = [...this.pools.values()].flatMap((p) => p.workers.filter((w) => !w.busy && !w.dead))
    if (idle.length <= MAX_IDLE_WORKERS) return
    idle.sort((a, b) => a.idleSince - b.idleSince)
    for (const w of idle.slice(0, idle.length - MAX_IDLE_WORKERS)) w.kill()
  }

  private spec(input: ExecuteInput): WorkerSpec {
    const files = runtimeFiles()
    const path = `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`
    let command: string
    let args: string[]
    let env: Record<string, string>
    if (input.runtime.kind === 'node') {
      // deviation: every node-* runtime runs on the emulator's own Node, whatever version the runtime names.
      command = process.execPath
      args = [`--max-old-space-size=${MEMORY_MB}`, files.node]
      env = { PATH: path, ...input.env }
    } else {
      const python = findPython()
      if (!python) throw new ExecutionFailure('python3 is not installed on this machine.')
      // deviation: every python-* runtime runs on the machine's python3.
      command = python
      args = ['-u', files.python]
      env = { PATH: `${dirname(python)}:${path}`, PYTHONDONTWRITEBYTECODE: '1', OPEN_RUNTIMES_MEMORY: String(MEMORY_MB * 2 * 1024 * 1024), ...input.env }
    }
    if (PRLIMIT) {
      // Caps on processes and open files for the whole process tree (root is exempt from the process cap).
      args = ['--nproc=256:256', '--nofile=1024:1024', command, ...args]
      command = PRLIMIT
    }
    return { command, args, cwd: input.fn.path, env }
  }
}
