import { spawn, type ChildProcess } from 'node:child_process'
import type { Socket } from 'node:net'

/** One execution as a worker process receives it. */
export interface WorkerRequest {
  /** Absolute path of the function's entrypoint file. */
  entrypoint: string
  body: string
  /** The request path with its query string, e.g. `/items?page=2`. */
  path: string
  method: string
  /** Lower-case names. */
  headers: Record<string, string>
  /** The function's whole environment for this execution. */
  env: Record<string, string>
}

/** What the function answered, with its logs and errors (stray output included). */
export interface WorkerReply {
  statusCode: number
  body: string
  headers: Record<string, string>
  logs: string
  errors: string
}

/** The execution could not produce a reply: timeout, crash, `process.exit`, an oversized answer. */
export class ExecutionFailure extends Error {
  constructor(message: string, readonly logs = '', readonly errors = '') {
    super(message)
    this.name = 'ExecutionFailure'
  }
}

/** The largest reply (response body and logs) a worker may send; Appwrite caps responses too. */
export const MAX_REPLY_BYTES = 20 * 1024 * 1024
/** Stray stdout or stderr kept per execution. */
export const MAX_CAPTURE_BYTES = 1024 * 1024

export interface WorkerSpec {
  command: string
  args: string[]
  cwd: string
  env: Record<string, string>
}

const live = new Set<WorkerProcess>()
let exitHookInstalled = false

/** Kills every worker this process started (the emulator's exit, tests' cleanup). */
export function killAllWorkers(): void {
  for (const worker of [...live]) worker.kill()
}

/**
 * A function's runtime as an OS process of its own (its own process group, so a timeout kills everything it
 * started), talking line-delimited JSON on fd 3. It serves one execution at a time and can stay warm.
 */
export class WorkerProcess {
  private readonly child: ChildProcess
  private readonly channel: Socket
  private buffer = ''
  private bufferBytes = 0
  private stdout: Buffer[] = []
  private stderr: Buffer[] = []
  private captured = 0
  private current: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void; timer: NodeJS.Timeout } | null = null
  private nextId = 1
  dead = false
  busy = false
  idleSince = Date.now()
  idleTimer: NodeJS.Timeout | null = null

  constructor(spec: WorkerSpec, readonly fingerprint: string) {
    if (!exitHookInstalled) {
      exitHookInstalled = true
      process.once('exit', killAllWorkers)
    }
    this.child = spawn(spec.command, spec.args, { cwd: spec.cwd, env: spec.env, stdio: ['ignore', 'pipe', 'pipe', 'pipe'], detached: true })
    live.add(this)
    this.channel = this.child.stdio[3] as Socket
    this.channel.setEncoding('utf8')
    this.channel.on('data', (chunk: string) => this.onData(chunk))
    this.channel.on('error', () => {})
    this.child.stdout!.on('data', (chunk: Buffer) => this.capture(this.stdout, chunk))
    this.child.stderr!.on('data', (chunk: Buffer) => this.capture(this.stderr, chunk))
    this.child.on('error', (error) => this.die(new ExecutionFailure(`The runtime could not start: ${error.message}`)))
    this.child.on('exit', (code, signal) => {
      const reason = signal ? `signal ${signal}` : `code ${code}`
      this.die(new ExecutionFailure(`The runtime exited with ${reason} before it answered.`))
    })
  }

  /** Runs one execution; rejects with ExecutionFailure (the worker is then dead) on timeout, crash or overflow. */
  run(request: WorkerRequest, timeoutMs: number): Promise<WorkerReply> {
    if (this.dead) return Promise.reject(new ExecutionFailure('The runtime is not running.'))
    this.busy = true
    this.stdout = []
    this.stderr = []
    this.captured = 0
    return new Promise<WorkerReply>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.fail(new ExecutionFailure('Execution timed out.'))
      }, timeoutMs)
      this.current = { resolve, reject, timer }
      this.channel.write(`${JSON.stringify({ id: this.nextId++, ...request })}\n`)
    })
  }

  /** Kills the whole process group. */
  kill(): void {
    live.delete(this)
    if (this.idleTimer) clearTimeout(this.idleTimer)
    const pid = this.child.pid
    if (pid && this.child.exitCode === null && this.child.signalCode === null) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {
        try {
          this.child.kill('SIGKILL')
        } catch {}
      }
    } else if (pid) {
      // The leader is gone; its group may not be.
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {}
    }
    this.dead = true
  }

  private onData(chunk: string): void {
    this.bufferBytes += chunk.length
    if (this.bufferBytes > MAX_REPLY_BYTES) {
      this.fail(new ExecutionFailure(`The function's response is larger than ${MAX_REPLY_BYTES / 1024 / 1024} MB.`))
      return
    }
    this.buffer += chunk
    const at = this.buffer.indexOf('\n')
    if (at < 0) return
    const line = this.buffer.slice(0, at)
    this.buffer = this.buffer.slice(at + 1)
    this.bufferBytes = this.buffer.length
    const current = this.current
    if (!current) return
    let reply: WorkerReply
    try {
      reply = JSON.parse(line) as WorkerReply
    } catch {
      this.fail(new ExecutionFailure('The runtime sent an unreadable response.'))
      return
    }
    clearTimeout(current.timer)
    this.current = null
    // Stray output arrives on its own pipes; give it a moment to drain before the reply is handed over.
    setImmediate(() => {
      this.busy = false
      current.resolve(this.withCapture(reply))
    })
  }

  private withCapture(reply: WorkerReply): WorkerReply {
    const out = Buffer.concat(this.stdout).toString('utf8')
    const err = Buffer.concat(this.stderr).toString('utf8')
    this.stdout = []
    this.stderr = []
    const join = (a: string, b: string) => (a && b ? `${a}\n${b}` : a || b)
    return { ...reply, logs: join(reply.logs ?? '', out.replace(/\n$/, '')), errors: join(reply.errors ?? '', err.replace(/\n$/, '')) }
  }

  private capture(into: Buffer[], chunk: Buffer): void {
    if (this.captured >= MAX_CAPTURE_BYTES) return
    const room = MAX_CAPTURE_BYTES - this.captured
    into.push(chunk.length > room ? chunk.subarray(0, room) : chunk)
    this.captured += Math.min(room, chunk.length)
  }

  private fail(error: ExecutionFailure): void {
    const current = this.current
    this.kill()
    if (!current) return
    clearTimeout(current.timer)
    this.current = null
    const out = Buffer.concat(this.stdout).toString('utf8').replace(/\n$/, '')
    const err = Buffer.concat(this.stderr).toString('utf8').replace(/\n$/, '')
    current.reject(new ExecutionFailure(error.message, out, err))
  }

  private die(error: ExecutionFailure): void {
    if (this.current) {
      // Let the pipes drain so the crash's own output is part of the errors.
      setTimeout(() => this.fail(error), 20)
      return
    }
    this.kill()
  }
}
