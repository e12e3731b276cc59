// Issue 11 "Tests": every write the emulator acknowledged survives `kill -9` in the middle of a load. A 2xx is
// sent only after the request's transaction commits, and a commit in WAL mode is in the file before that.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'

const CLI = resolve(import.meta.dirname, '../../dist/bundle/cli.cjs')
const PROJECT = 'durable'
const PASSWORD = 'password123'
const WRITERS = 16
/** Of the writers, this many create accounts (argon2 makes each one slow); the rest create documents. */
const ACCOUNT_WRITERS = 4
/** Per writer, so the load is bounded even on a fast machine; the kill comes well before the end. */
const MAX_REQUESTS = 150
/** Kill once this many writes were acknowledged, or after LOAD_MS, whichever comes first. */
const KILL_AFTER_ACKS = 300
const LOAD_MS = 2_500
const HARD_STOP_MS = 20_000

const children: ChildProcess[] = []
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
})

/** Starts the built CLI and resolves with its API URL once the banner is out. */
function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, 'start', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  return new Promise((res, rej) => {
    const timer = setTimeout(() => rej(new Error(`no banner in 10 s:\n${out}`)), 10_000)
    child.stdout!.on('data', () => {
      const m = /API:\s+(http:\/\/\S+)/.exec(out)
      if (m) {
        clearTimeout(timer)
        res({ child, url: m[1] })
      }
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      rej(new Error(`exited ${code ?? signal}:\n${out}`))
    })
  })
}

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-appwrite-project': PROJECT }, body: JSON.stringify(body) })

describe('kill -9 under load', () => {
  it('keeps every acknowledged write', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'awe-kill9-'))
    const config = join(dir, 'appwrite.json')
    writeFileSync(
      config,
      JSON.stringify({
        projectId: PROJECT,
        databases: [{ $id: 'main', name: 'Main', enabled: true }],
        collections: [
          {
            $id: 'notes', databaseId: 'main', name: 'Notes', enabled: true, documentSecurity: false,
            $permissions: ['create("any")', 'read("any")'],
            attributes: [
              { key: 'writer', type: 'integer', required: true },
              { key: 'n', type: 'integer', required: true },
            ],
            indexes: [],
          },
        ],
      }),
    )
    const data = join(dir, 'data')
    const first = await start(['--data', data, '--config', config])
    const killed = new Promise<void>((res) => first.child.on('exit', () => res()))

    const documents: string[] = []
    const accounts: string[] = []
    let inFlight = 0
    let inFlightAtKill = 0
    let dead = false
    const kill = () => {
      if (dead) return
      dead = true
      inFlightAtKill = inFlight
      first.child.kill('SIGKILL')
    }
    // After LOAD_MS the kill waits only for a first acknowledged sign-up (the first one compiles the User-Agent
    // rules and runs argon2id, seconds on a busy machine), and never past HARD_STOP_MS.
    const deadline = setTimeout(() => (accounts.length > 0 ? kill() : (overdue = true)), LOAD_MS)
    const hardStop = setTimeout(kill, HARD_STOP_MS)
    let overdue = false

    const writer = async (w: number) => {
      const isAccounts = w < ACCOUNT_WRITERS
      for (let n = 0; n < MAX_REQUESTS && !dead; n++) {
        const id = `w${w}n${n}`
        inFlight++
        try {
          const res = isAccounts
            ? await post(`${first.url}/account`, { userId: id, email: `${id}@example.test`, password: PASSWORD })
            : await post(`${first.url}/databases/main/collections/notes/documents`, { documentId: id, data: { writer: w, n } })
          // Read the body so the answer is complete; only a 2xx counts as acknowledged.
          await res.text()
          if (res.status >= 200 && res.status < 300) (isAccounts ? accounts : documents).push(id)
          else throw new Error(`${id}: ${res.status}`)
        } catch (error) {
          // After the kill a request fails to connect or is cut off: unacknowledged, so it may or may not be there.
          if (dead) return
          throw error
        } finally {
          inFlight--
        }
        // Killed with the other writers' requests still in flight: mid-load, not after it.
        // Both kinds must have been acknowledged: sign-ups (argon2id) are much slower than documents on a busy machine.
        if ((overdue || documents.length + accounts.length >= KILL_AFTER_ACKS) && accounts.length > 0 && inFlight > 0) kill()
      }
    }
    await Promise.all(Array.from({ length: WRITERS }, (_, w) => writer(w)))
    clearTimeout(deadline)
    clearTimeout(hardStop)
    kill()
    await killed
    expect(first.child.signalCode).toBe('SIGKILL')
    expect(inFlightAtKill).toBeGreaterThan(0)
    expect(documents.length).toBeGreaterThan(0)
    expect(accounts.length).toBeGreaterThan(0)

    const second = await start(['--data', data, '--config', config])
    const missing: string[] = []
    const check = async (ids: string[], probe: (id: string) => Promise<Response>) => {
      const queue = [...ids]
      await Promise.all(
        Array.from({ length: WRITERS }, async () => {
          for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
            const res = await probe(id)
            await res.text()
            if (res.status !== 200 && res.status !== 201) missing.push(`${id}: ${res.status}`)
          }
        }),
      )
    }
    await check(documents, (id) => fetch(`${second.url}/databases/main/collections/notes/documents/${id}`, { headers: { 'x-appwrite-project': PROJECT } }))
    await check(accounts, (id) => post(`${second.url}/account/sessions/email`, { email: `${id}@example.test`, password: PASSWORD }))
    expect(missing).toEqual([])
    second.child.kill('SIGKILL')
  }, 30_000)
})
