import { Worker } from 'node:worker_threads'

/** One file to place: a hard link to `source` when it never changes (`immutable`), else a copy. */
export interface FilePlacement {
  source: string
  target: string
  immutable: boolean
}

// Plain JavaScript run by `eval`, so it works the same from the sources and from the bundle. Synchronous calls:
// the thread does nothing else, and the event loop that handed it the work is free (or busy in SQLite) meanwhile.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads')
const { mkdirSync, linkSync, copyFileSync, unlinkSync } = require('node:fs')
const { dirname } = require('node:path')
const made = new Set()
try {
  for (const { source, target, immutable } of workerData) {
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
  parentPort.postMessage({ ok: true })
} catch (error) {
  parentPort.postMessage({ ok: false, message: String(error && error.message || error) })
}
`

/**
 * Places many files on a thread of its own (links where it can, copies otherwise), so the work goes on while
 * this thread is busy, e.g. copying a project's rows in SQLite. Resolves when every file is in place.
 */
export function placeFilesOnThread(files: readonly FilePlacement[]): Promise<void> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: files })
    worker.once('message', (m: { ok: boolean; message?: string }) => (m.ok ? resolve() : reject(new Error(m.message))))
    worker.once('error', reject)
    worker.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`file worker exited with ${code}`))))
  })
}
