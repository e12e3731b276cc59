import { useEffect, useState } from 'preact/hooks'
import { authHeader, control } from './api.js'
import { ErrorLine, p, Table, useLive, type ViewProps } from './state.js'
import type { ClockState, SnapshotInfo as Snapshot } from '../../src/control/public-types.js'

const JSON_HEADERS = { 'Content-Type': 'application/json' }

/** The emulator's actions: the clock, snapshots, fork, export and import. Destructive ones ask first. */
export function Actions({ project, stream, onOpenProject }: ViewProps & { onOpenProject(id: string): void }) {
  return (
    <div class="actions-view">
      <Clock />
      <Snapshots project={project} stream={stream} />
      <Archive project={project} onOpenProject={onOpenProject} />
    </div>
  )
}

function Clock() {
  const [clock, setClock] = useState<ClockState | null>(null)
  const [advance, setAdvance] = useState('1h')
  const [at, setAt] = useState('')
  const [error, setError] = useState('')
  const load = () => control<ClockState>('/clock').then(setClock, (e: Error) => setError(e.message))
  useEffect(() => {
    load()
    // A running clock's "now" moves on its own: shown afresh every second.
    const timer = setInterval(load, 1000)
    return () => clearInterval(timer)
  }, [])
  const send = (body: Record<string, unknown>) =>
    control<ClockState>('/clock', { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify(body) }).then(
      (c) => (setClock(c), setError('')),
      (e: Error) => setError(e.message),
    )
  return (
    <section class="pane" aria-labelledby="clock-title">
      <h2 id="clock-title">Clock</h2>
      <p>
        <span data-testid="clock-now">{clock?.now ?? '…'}</span> <span class="muted">{clock ? `${clock.frozen ? 'frozen' : 'running'} · offset ${formatOffset(clock.offsetMs)}` : ''}</span>
      </p>
      <ErrorLine error={error} />
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          send({ advance: /^-?\d+(\.\d+)?$/.test(advance.trim()) ? Number(advance) : advance.trim() })
        }}
      >
        <label for="clock-advance">Advance by</label>
        <input id="clock-advance" value={advance} onInput={(e) => setAdvance(e.currentTarget.value)} placeholder='seconds or "90m", "1h30m", "7d", "-2h"' autocomplete="off" spellcheck={false} />
        <button type="submit" class="primary" data-testid="clock-advance">
          Advance
        </button>
      </form>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          send({ set: at.trim() })
        }}
      >
        <label for="clock-set">Set to</label>
        <input id="clock-set" value={at} onInput={(e) => setAt(e.currentTarget.value)} placeholder="2030-01-01T00:00:00.000+00:00" autocomplete="off" spellcheck={false} />
        <button type="submit" disabled={!at.trim()}>
          Set
        </button>
      </form>
      <p class="actions">
        <button type="button" onClick={() => send({ freeze: !clock?.frozen })} data-testid="clock-freeze">
          {clock?.frozen ? 'Unfreeze' : 'Freeze'}
        </button>
        <button type="button" onClick={() => confirm('Reset the clock to real time (unfrozen, no offset)? Every project follows it.') && send({ reset: true })}>
          Reset to real time
        </button>
      </p>
    </section>
  )
}

function formatOffset(ms: number): string {
  if (ms === 0) return 'none'
  const sign = ms < 0 ? '-' : '+'
  let s = Math.round(Math.abs(ms) / 1000)
  const parts: string[] = []
  for (const [unit, size] of [['d', 86400], ['h', 3600], ['m', 60], ['s', 1]] as const) {
    if (s >= size) parts.push(`${Math.floor(s / size)}${unit}`)
    s %= size
  }
  return sign + (parts.join(' ') || '0s')
}

function Snapshots({ project, stream }: ViewProps) {
  const { data, error, reload } = useLive<{ snapshots: Snapshot[] }>(`${p(project)}/snapshots`, stream, () => false)
  const [outcome, setOutcome] = useState('')
  const act = (path: string, init: RequestInit, done: string) =>
    control(`${p(project)}/snapshots${path}`, init).then(
      () => (setOutcome(done), reload()),
      (e: Error) => setOutcome(e.message),
    )
  const rows = (data?.snapshots ?? []).map((s) => [
    <code>{s.$id}</code>,
    s.$createdAt,
    <span class="actions">
      <button type="button" data-restore={s.$id} onClick={() => confirm(`Restore snapshot ${s.$id}? The current state of ${project} is replaced by it.`) && act(`/${s.$id}/restore`, { method: 'POST' }, `Restored ${s.$id}.`)}>
        Restore
      </button>
      <button type="button" class="danger" onClick={() => confirm(`Delete snapshot ${s.$id}?`) && act(`/${s.$id}`, { method: 'DELETE' }, `Deleted ${s.$id}.`)}>
        Delete
      </button>
    </span>,
  ])
  return (
    <section class="pane" aria-labelledby="snapshots-title">
      <h2 id="snapshots-title">Snapshots</h2>
      <p>
        <button type="button" class="primary" data-testid="snapshot-create" onClick={() => act('', { method: 'POST', headers: JSON_HEADERS, body: '{}' }, 'Snapshot taken.')}>
          Take a snapshot
        </button>{' '}
        <span role="status" data-testid="snapshot-outcome">
          {outcome}
        </span>
      </p>
      <ErrorLine error={error} />
      <Table name="snapshots" caption={`Snapshots of ${project}, oldest first`} columns={['ID', 'Taken', '']} rows={rows} empty="No snapshots yet." />
    </section>
  )
}

function Archive({ project, onOpenProject }: { project: string; onOpenProject(id: string): void }) {
  const [forkId, setForkId] = useState('')
  const [file, setFile] = useState<File | null>(null)
  const [outcome, setOutcome] = useState('')
  async function download() {
    // A fetch (not a link) so the control token, when there is one, travels in its header.
    const res = await fetch(`/_emulator${p(project)}/export`, { headers: authHeader(), credentials: 'omit' })
    if (!res.ok) return setOutcome(`Export failed: ${res.status}`)
    const url = URL.createObjectURL(await res.blob())
    const a = Object.assign(document.createElement('a'), { href: url, download: `${project}.tar` })
    a.click()
    setTimeout(() => URL.revokeObjectURL(url), 1000)
    setOutcome(`Exported ${project}.tar.`)
  }
  async function upload(e: Event) {
    e.preventDefault()
    if (!file || !confirm(`Import ${file.name} into ${project}? Its current state is replaced by the archive's.`)) return
    try {
      const r = await control<{ projectId: string; tables: number; rows: number; files: number }>(`${p(project)}/import`, { method: 'POST', headers: { 'Content-Type': 'application/x-tar' }, body: file })
      setOutcome(`Imported ${r.rows} rows in ${r.tables} tables and ${r.files} files into ${r.projectId}.`)
    } catch (error) {
      setOutcome((error as Error).message)
    }
  }
  return (
    <section class="pane" aria-labelledby="archive-title">
      <h2 id="archive-title">Fork, export, import</h2>
      <form
        class="inline-form"
        onSubmit={(e) => {
          e.preventDefault()
          const id = forkId.trim()
          control<{ $id: string }>(`${p(project)}/fork`, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ projectId: id }) }).then(
            (r) => (setOutcome(`Forked into ${r.$id}.`), confirm(`Open ${r.$id} now?`) && onOpenProject(r.$id)),
            (err: Error) => setOutcome(err.message),
          )
        }}
      >
        <label for="fork-id">Fork into new project ID</label>
        <input id="fork-id" value={forkId} onInput={(e) => setForkId(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
        <button type="submit" disabled={!forkId.trim()}>
          Fork
        </button>
      </form>
      <p>
        <button type="button" onClick={download}>
          Export {project} (.tar)
        </button>
      </p>
      <form class="inline-form" onSubmit={upload}>
        <label for="import-file">Import an archive</label>
        <input id="import-file" type="file" accept=".tar,application/x-tar" onChange={(e) => setFile(e.currentTarget.files?.[0] ?? null)} />
        <button type="submit" class="danger" disabled={!file}>
          Import
        </button>
      </form>
      <p role="status">{outcome}</p>
    </section>
  )
}
