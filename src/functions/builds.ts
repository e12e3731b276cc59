import { spawn } from 'node:child_process'
import type { FunctionConfig } from '../config/appwrite-json.js'
import { dependencyFingerprint } from './files.js'

/** How long a build may run, as Appwrite's `_APP_FUNCTIONS_BUILD_TIMEOUT` default. */
const BUILD_TIMEOUT_MS = 900_000
const MAX_OUTPUT = 256 * 1024

export interface BuildLog {
  info(message: string): void
  warn(message: string): void
}

interface BuildState {
  hash: string
  done: Promise<boolean>
}

/**
 * Runs a function's `commands` (e.g. `npm install`) once per change of its dependency files, before its next
 * execution, with their output in the emulator log. A failed build fails executions until the files change.
 */
export class BuildRunner {
  private readonly builds = new Map<string, BuildState>()
  private readonly live = new Set<number>()
  private stopped = false

  constructor(private readonly log: BuildLog, private readonly enabled: boolean) {}

  /** Resolves true when the function is ready to run, false when its last build failed. */
  async ensure(fn: FunctionConfig, env: Record<string, string>): Promise<boolean> {
    if (!this.enabled || !fn.commands.trim()) return true
    if (this.stopped) return false
    const key = `${fn.path}\0${fn.$id}`
    const hash = dependencyFingerprint(fn.path, fn.commands)
    const known = this.builds.get(key)
    if (known && known.hash === hash) return known.done
    const state: BuildState = { hash, done: Promise.resolve(true) }
    state.done = (known ? known.done.catch(() => false) : Promise.resolve(true)).then(() => this.run(fn, env)).then((ok) => {
      // The commands may rewrite the files they read (npm install writes a lock file): remember the result.
      state.hash = dependencyFingerprint(fn.path, fn.commands)
      return ok
    })
    this.builds.set(key, state)
    return state.done
  }

  /** Kills every running build's process group (the emulator stops; a build must not outlive it). */
  stop(): void {
    this.stopped = true
    for (const pid of this.live) {
      try {
        process.kill(-pid, 'SIGKILL')
      } catch {}
    }
    this.live.clear()
  }

  private run(fn: FunctionConfig, env: Record<string, string>): Promise<boolean> {
    if (this.stopped) return Promise.resolve(false)
    const started = Date.now()
    this.log.info(`function ${fn.$id}: building (${fn.commands})`)
    return new Promise<boolean>((resolve) => {
      const child = spawn('/bin/sh', ['-c', fn.commands], {
        cwd: fn.path,
        // A build needs the tools on PATH and a home for their caches; the function's own vars come with it.
        env: { PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      })
      if (child.pid) this.live.add(child.pid)
      let output = ''
      const collect = (chunk: Buffer) => {
        if (output.length < MAX_OUTPUT) output += chunk.toString('utf8')
      }
      child.stdout.on('data', collect)
      child.stderr.on('data', collect)
      const timer = setTimeout(() => {
        try {
          process.kill(-child.pid!, 'SIGKILL')
        } catch {}
      }, BUILD_TIMEOUT_MS)
      timer.unref()
      const finish = (ok: boolean, detail: string) => {
        clearTimeout(timer)
        if (child.pid) this.live.delete(child.pid)
        const text = output.trim()
        const line = `function ${fn.$id}: build ${ok ? 'ready' : 'failed'} in ${((Date.now() - started) / 1000).toFixed(1)} s${detail}${text ? `\n${text}` : ''}`
        if (ok) this.log.info(line)
        else this.log.warn(line)
        resolve(ok)
      }
      child.on('error', (error) => finish(false, ` (${error.message})`))
      child.on('close', (code, signal) => finish(code === 0, code === 0 ? '' : ` (${signal ?? `exit code ${code}`})`))
    })
  }
}
