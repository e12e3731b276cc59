import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** One file to place: a hard link to `source` when it never changes (`immutable`), else a copy. */
export interface FilePlacement {
  source: string
  target: string
  immutable: boolean
}

type Job = { kind: 'place'; files: readonly FilePlacement[] } | { kind: 'checkpoint'; driver: string; path: string }

// Plain JavaScript run by `eval`, so it works the same from the sources and from the bundle. Synchronous calls:
// the thread does nothing else, and the event loop that handed it the work is free (or busy in SQLite) meanwhile.
// Each message is one job; a failing job answers its own error and the thread goes on.
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads')
const { mkdirSync, linkSync, copyFileSync, unlinkSync } = require('node:fs')
const { dirname } = require('node:path')
function place(files) {
  const made = new Set()
  for (const { source, target, immutable } of files) {
    const folder = dirname(target)
    if (!made.has(folder)) { mkdirSync(folder, { recursive: true, mode: 0o700 }); made.add(folder) }
    let linked = false
    if (immutable) {
      try { linkSync(source, target); linked = true } catch (error) {
        if (error.code === 'EEXIST') { unlinkSync(target); linkSync(source, target); linked = true }
        else if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EMLINK'].includes(error.code)) throw error
      }
    }
    if (!linked) copyFileSync(source, target)
  }
}
function checkpoint({ driver, path }) {
  const Database = require(driver)
  const db = new Database(path, { fileMustExist: true })
  try { db.pragma('wal_checkpoint(PASSIVE)') } finally { db.close() }
}
parentPort.on('message', ({ id, job }) => {
  try {
    if (job.kind === 'place') place(job.files)
    else checkpoint(job)
    parentPort.postMessage({ id, ok: true })
  } catch (error) {
    parentPort.postMessage({ id, ok: false, message: String(error && error.message || error) })
  }
})
`

/** An idle thread ends after this long; the next job starts a new one. */
const IDLE_MS = 30_000

interface Pending {
  resolve: () => void
  reject: (error: Error) => void
}

/**
 * The thread that places files and checkpoints SQLite's log after copies, started on first use and kept while
 * jobs come: starting a thread costs tens of milliseconds of CPU (Node's bootstrap), more than linking a hundred
 * files, and on a busy machine it competes with the SQLite copy it is meant to run beside. It holds the process
 * open only while a job is pending.
 */
class CopyThread {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true })
  private readonly pending = new Map<number, Pending>()
  private next = 0
  private idle: NodeJS.Timeout | null = null

  constructor(private readonly onEnd: (thread: CopyThread) => void) {
    this.worker.unref()
    this.worker.on('message', (m: { id: number; ok: boolean; message?: string }) => {
      const job = this.pending.get(m.id)
      this.pending.delete(m.id)
      if (m.ok) job?.resolve()
      else job?.reject(new Error(m.message))
      if (!this.pending.size) this.rest()
    })
    this.worker.on('error', (error) => this.end(error))
    this.worker.on('exit', (code) => this.end(new Error(`copy thread exited with ${code}`)))
  }

  run(job: Job): Promise<void> {
    if (this.idle) clearTimeout(this.idle)
    this.idle = null
    this.worker.ref()
    const id = this.next++
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject })
      this.worker.postMessage({ id, job })
    })
  }

  private rest(): void {
    this.worker.unref()
    this.idle = setTimeout(() => {
      this.onEnd(this) // no job comes to a thread that is ending
      void this.worker.terminate()
    }, IDLE_MS)
    this.idle.unref()
  }

  private end(error: Error): void {
    this.onEnd(this)
    if (this.idle) clearTimeout(this.idle)
    for (const job of this.pending.values()) job.reject(error)
    this.pending.clear()
  }
}

let thread: CopyThread | null = null

function onThread(job: Job): Promise<void> {
  thread ??= new CopyThread((ended) => {
    if (thread === ended) thread = null
  })
  return thread.run(job)
}

/**
 * Places many files on a thread of its own (links where it can, copies otherwise), so the work goes on while
 * this thread is busy, e.g. copying a project's rows in SQLite. Resolves when every file is in place.
 */
export function placeFilesOnThread(files: readonly FilePlacement[]): Promise<void> {
  return onThread({ kind: 'place', files })
}

let driver: string | undefined

/**
 * Copies the committed pages of a SQLite database's write-ahead log into the database file (a passive
 * checkpoint, through a connection of the thread's own), so its writes and fsyncs keep off this thread.
 */
export function checkpointOnThread(path: string): Promise<void> {
  driver ??= createRequire(import.meta.url).resolve('better-sqlite3')
  return onThread({ kind: 'checkpoint', driver, path })
}
