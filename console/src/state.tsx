import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { control, type ConsoleEvent, type EventStream } from './api.js'
import { forgetSession, type Identity } from './identities.js'
import { Outbox, Topics } from './outbox.js'
import { toQueryJson } from './lib/queries.js'

export const STATE_TABS = ['users', 'teams', 'databases', 'storage', 'functions', 'outbox', 'topics'] as const
export type StateTab = (typeof STATE_TABS)[number]

export interface ViewProps {
  project: string
  stream: EventStream
}

/**
 * Loads a control route and loads it again when an event of the project matches `refresh` (live tables without a
 * reload); `poll` adds a timer for state no event announces (the outbox).
 */
export function useLive<T>(path: string | null, stream: EventStream, refresh: (e: ConsoleEvent) => boolean, poll = 0): { data: T | null; error: string; reload(): void } {
  const [data, setData] = useState<T | null>(null)
  const [error, setError] = useState('')
  const [tick, setTick] = useState(0)
  useEffect(() => {
    if (!path) return
    let live = true
    control<T>(path).then(
      (d) => live && (setData(d), setError('')),
      (e: Error) => live && setError(e.message),
    )
    return () => {
      live = false
    }
  }, [path, tick])
  useEffect(() => {
    const off = stream.listen((e) => refresh(e) && setTick((t) => t + 1))
    const timer = poll ? setInterval(() => setTick((t) => t + 1), poll) : 0
    return () => {
      off()
      if (timer) clearInterval(timer)
    }
  }, [stream, path])
  return { data, error, reload: () => setTick((t) => t + 1) }
}

/** A state table; `name` is its `data-table`, for tests and scripts. */
export function Table({ name, columns, rows, empty, caption }: { name: string; columns: string[]; rows: ComponentChildren[][]; empty: string; caption: string }) {
  return (
    <div class="table-wrap">
      <table data-table={name}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            <tr class="empty">
              <td colSpan={columns.length}>{empty}</td>
            </tr>
          ) : (
            rows.map((r, i) => (
              <tr key={i}>
                {r.map((cell, j) => (
                  <td key={j} data-label={columns[j]}>
                    {cell}
                  </td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  )
}

export const p = (project: string) => `/projects/${encodeURIComponent(project)}`
const json = (v: unknown) => <code class="json">{JSON.stringify(v)}</code>
export const ErrorLine = ({ error }: { error: string }) => (error ? <p role="alert" class="error">{error}</p> : null)

export function StateView({ tab, project, stream, onSignInAs }: ViewProps & { tab: StateTab; onSignInAs(i: Identity): void }) {
  switch (tab) {
    case 'users':
      return <Users project={project} stream={stream} onSignInAs={onSignInAs} />
    case 'teams':
      return <Teams project={project} stream={stream} />
    case 'databases':
      return <Databases project={project} stream={stream} />
    case 'storage':
      return <Storage project={project} stream={stream} />
    case 'functions':
      return <Functions project={project} stream={stream} />
    case 'outbox':
      return <Outbox project={project} stream={stream} />
    case 'topics':
      return <Topics project={project} stream={stream} />
  }
}

interface UserRow {
  $id: string
  name: string
  email: string
  phone: string
  status: boolean
  labels: string[]
  prefs: Record<string, unknown>
  mfa: boolean
  sessions: { $id: string; provider: string; current: boolean; clientName: string; expire: string }[]
  identities: { provider: string }[]
  targets: { providerType: string; identifier: string }[]
  factors: Record<string, boolean>
}

function Users({ project, stream, onSignInAs }: ViewProps & { onSignInAs(i: Identity): void }) {
  const { data, error, reload } = useLive<{ users: UserRow[] }>(`${p(project)}/users`, stream, (e) => e.name.startsWith('users.'))
  const [failure, setFailure] = useState('')
  const act = (path: string, init: RequestInit, signedOut?: string) =>
    control(`${p(project)}${path}`, init).then(
      () => {
        if (signedOut) forgetSession(project, signedOut)
        setFailure('')
        reload()
      },
      (e: Error) => setFailure(e.message),
    )
  const rows = (data?.users ?? []).map((u) => [
    <code>{u.$id}</code>,
    u.name,
    u.email,
    u.status ? 'active' : 'blocked',
    u.labels.join(', '),
    <details>
      <summary>{u.sessions.filter((s) => s.current).length} live</summary>
      <ul>
        {u.sessions.map((s) => (
          <li key={s.$id}>
            {s.provider} · {s.clientName || 'unknown client'} · until {s.expire}
          </li>
        ))}
      </ul>
    </details>,
    `${u.mfa ? 'on' : 'off'} · ${Object.entries(u.factors).filter(([, v]) => v).map(([k]) => k).join(', ') || 'none'}`,
    <details>
      <summary>details</summary>
      <p>identities: {u.identities.map((i) => i.provider).join(', ') || 'none'}</p>
      <p>targets: {u.targets.map((t) => `${t.providerType} ${t.identifier}`).join(', ') || 'none'}</p>
      <p>prefs: {json(u.prefs)}</p>
    </details>,
    <span class="actions">
      <button type="button" onClick={() => onSignInAs({ key: `user:${u.$id}`, label: u.email, userId: u.$id })} aria-label={`Sign in as ${u.email || u.$id}`}>
        Sign in as
      </button>
      <button type="button" onClick={() => act(`/users/${encodeURIComponent(u.$id)}/status`, { method: 'PATCH', body: JSON.stringify({ status: !u.status }), headers: { 'Content-Type': 'application/json' } })}>
        {u.status ? 'Block' : 'Unblock'}
      </button>
      <button type="button" disabled={u.sessions.length === 0} onClick={() => act(`/users/${encodeURIComponent(u.$id)}/sessions`, { method: 'DELETE' }, u.$id)}>
        Sign out everywhere
      </button>
    </span>,
  ])
  return (
    <>
      <ErrorLine error={error || failure} />
      <Table name="users" caption={`Users of ${project}`} columns={['ID', 'Name', 'Email', 'Status', 'Labels', 'Sessions', 'MFA', 'More', '']} rows={rows} empty="No users yet." />
    </>
  )
}

interface TeamRow {
  $id: string
  name: string
  total: number
  memberships: { $id: string; userId: string; userEmail: string; roles: string[]; confirm: boolean }[]
}

function Teams({ project, stream }: ViewProps) {
  const { data, error } = useLive<{ teams: TeamRow[] }>(`${p(project)}/teams`, stream, (e) => e.name.startsWith('teams.'))
  const rows = (data?.teams ?? []).map((t) => [
    <code>{t.$id}</code>,
    t.name,
    String(t.total),
    <ul class="plain">
      {t.memberships.map((m) => (
        <li key={m.$id}>
          {m.userEmail || m.userId} — {m.roles.join(', ') || 'no roles'} {m.confirm ? '' : '(invited)'}
        </li>
      ))}
    </ul>,
  ])
  return (
    <>
      <ErrorLine error={error} />
      <Table name="teams" caption={`Teams of ${project}`} columns={['ID', 'Name', 'Members', 'Memberships']} rows={rows} empty="No teams yet." />
    </>
  )
}

interface DatabaseRow {
  $id: string
  name: string
  enabled: boolean
  collections: { $id: string; name: string; documentSecurity: boolean; $permissions: string[]; attributes: { key: string; type: string }[] }[]
}

interface DocumentRow {
  $id: string
  $createdAt: string
  $permissions: string[]
  [key: string]: unknown
}

function Databases({ project, stream }: ViewProps) {
  const { data, error } = useLive<{ databases: DatabaseRow[] }>(`${p(project)}/databases`, stream, () => false)
  const [chosen, setChosen] = useState<{ databaseId: string; collectionId: string } | null>(null)
  const first = data?.databases.find((d) => d.collections.length)
  const current = chosen ?? (first ? { databaseId: first.$id, collectionId: first.collections[0].$id } : null)
  return (
    <div class="split">
      <nav class="side" aria-label="Collections">
        <ErrorLine error={error} />
        {data?.databases.length === 0 && <p class="muted">No databases in appwrite.json.</p>}
        {data?.databases.map((d) => (
          <section key={d.$id}>
            <h2>
              {d.name} {!d.enabled && <span class="muted">(disabled: clients get database_not_found)</span>}
            </h2>
            <ul class="plain">
              {d.collections.map((c) => (
                <li key={c.$id}>
                  <button type="button" aria-pressed={current?.databaseId === d.$id && current.collectionId === c.$id} onClick={() => setChosen({ databaseId: d.$id, collectionId: c.$id })}>
                    {c.name}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </nav>
      {current && <Documents key={`${current.databaseId}/${current.collectionId}`} project={project} stream={stream} {...current} collection={data!.databases.find((d) => d.$id === current.databaseId)!.collections.find((c) => c.$id === current.collectionId)!} />}
    </div>
  )
}

function Documents({ project, stream, databaseId, collectionId, collection }: ViewProps & { databaseId: string; collectionId: string; collection: DatabaseRow['collections'][number] }) {
  const [draft, setDraft] = useState('')
  const [queries, setQueries] = useState<string[]>([])
  const [open, setOpen] = useState<DocumentRow | null>(null)
  const channel = `databases.${databaseId}.collections.${collectionId}.documents`
  const search = queries.map((q) => `queries[]=${encodeURIComponent(q)}`).join('&')
  const { data, error } = useLive<{ total: number; documents: DocumentRow[] }>(`${p(project)}/databases/${databaseId}/collections/${collectionId}/documents${search ? `?${search}` : ''}`, stream, (e) => e.channels.includes(channel))
  const keys = collection.attributes.map((a) => a.key)
  const rows = (data?.documents ?? []).map((d) => [
    <button type="button" class="link" onClick={() => setOpen(d)}>
      {d.$id}
    </button>,
    ...keys.map((k) => (typeof d[k] === 'object' && d[k] !== null ? json(d[k]) : String(d[k] ?? ''))),
    <Roles permissions={d.$permissions} />,
    d.$createdAt,
  ])
  return (
    <section class="pane">
      <h2>
        {collection.name} <span class="muted">({data?.total ?? 0} documents)</span>
      </h2>
      <p class="muted">
        Collection permissions: <Roles permissions={collection.$permissions} /> · document security {collection.documentSecurity ? 'on' : 'off'}
      </p>
      <form
        class="filters"
        onSubmit={(e) => {
          e.preventDefault()
          setQueries(draft.split('\n').map((s) => s.trim()).filter(Boolean).map(toQueryJson))
        }}
      >
        <label for="doc-queries">Queries, one per line: the 1.5 JSON the SDKs send, or the helpers' shorthand such as equal("title", ["Hello"]) or limit(5)</label>
        <textarea id="doc-queries" rows={2} value={draft} onInput={(e) => setDraft(e.currentTarget.value)} spellcheck={false} />
        <button type="submit">Filter</button>
      </form>
      <ErrorLine error={error} />
      <Table name="documents" caption={`Documents of ${collection.name}`} columns={['$id', ...keys, 'Permissions', 'Created']} rows={rows} empty="No documents match." />
      {open && (
        <div class="doc-json" role="region" aria-label={`Document ${open.$id}`}>
          <h3>
            {open.$id} <button type="button" onClick={() => setOpen(null)}>Close</button>
          </h3>
          <label for="doc-json">Document JSON</label>
          <textarea id="doc-json" rows={12} readOnly value={JSON.stringify(open, null, 2)} />
          <p class="muted">Edit a document through the API explorer (databases.updateDocument) as a user allowed to.</p>
        </div>
      )}
    </section>
  )
}

/** Permission strings shown as action → roles. */
export function Roles({ permissions }: { permissions: string[] }) {
  if (!permissions.length) return <span class="muted">none</span>
  return (
    <span class="roles">
      {permissions.map((perm) => {
        const m = /^(\w+)\("(.*)"\)$/.exec(perm)
        return (
          <span key={perm} class="role" title={perm}>
            {m ? `${m[1]}: ${m[2]}` : perm}
          </span>
        )
      })}
    </span>
  )
}

interface BucketRow {
  $id: string
  name: string
  files: number
}
interface FileRow {
  $id: string
  bucketId: string
  name: string
  mimeType: string
  sizeOriginal: number
  $permissions: string[]
  $createdAt: string
}

function Storage({ project, stream }: ViewProps) {
  const { data, error } = useLive<{ buckets: BucketRow[] }>(`${p(project)}/buckets`, stream, (e) => e.channels.includes('files'))
  const [chosen, setChosen] = useState<string | null>(null)
  const bucketId = chosen ?? data?.buckets[0]?.$id ?? null
  const files = useLive<{ files: FileRow[] }>(bucketId ? `${p(project)}/buckets/${bucketId}/files` : null, stream, (e) => e.channels.includes(`buckets.${bucketId}.files`))
  const file = (f: FileRow, route: string, extra = '') => `/v1/storage/buckets/${f.bucketId}/files/${f.$id}/${route}?project=${encodeURIComponent(project)}${extra}`
  const rows = (files.data?.files ?? []).map((f) => [
    // Thumbnails come from the preview route, so they show what a guest may read (deviation: no admin preview).
    <img src={file(f, 'preview', '&width=64&height=64')} alt={`${f.name} preview`} width={48} height={48} loading="lazy" onError={(e) => e.currentTarget.classList.add('broken')} />,
    <code>{f.$id}</code>,
    f.name,
    f.mimeType,
    `${f.sizeOriginal} B`,
    <Roles permissions={f.$permissions} />,
    <a href={file(f, 'download')}>download</a>,
  ])
  return (
    <div class="split">
      <nav class="side" aria-label="Buckets">
        <ErrorLine error={error} />
        <ul class="plain">
          {data?.buckets.map((b) => (
            <li key={b.$id}>
              <button type="button" aria-pressed={b.$id === bucketId} onClick={() => setChosen(b.$id)}>
                {b.name} <span class="count">{b.files}</span>
              </button>
            </li>
          ))}
        </ul>
        {data?.buckets.length === 0 && <p class="muted">No buckets in appwrite.json.</p>}
      </nav>
      <section class="pane">
        <ErrorLine error={files.error} />
        <Table name="files" caption={`Files of ${bucketId ?? 'no bucket'}`} columns={['', 'ID', 'Name', 'Type', 'Size', 'Permissions', '']} rows={rows} empty="No files." />
      </section>
    </div>
  )
}

interface ExecutionRow {
  $id: string
  functionId: string
  trigger: string
  status: string
  responseStatusCode: number
  duration: number
  logs: string
  errors: string
  $createdAt: string
}

function Functions({ project, stream }: ViewProps) {
  const fns = useLive<{ functions: { $id: string; name: string; runtime: string }[] }>(`${p(project)}/functions`, stream, () => false)
  const { data, error } = useLive<{ executions: ExecutionRow[] }>(`${p(project)}/executions`, stream, (e) => e.channels.includes('executions'))
  const rows = (data?.executions ?? []).map((x) => [
    <code>{x.$id}</code>,
    x.functionId,
    x.trigger,
    x.status,
    String(x.responseStatusCode),
    `${x.duration.toFixed(3)} s`,
    <details>
      <summary>logs</summary>
      <pre>{x.logs || '(none)'}</pre>
      <pre class="error">{x.errors}</pre>
    </details>,
    x.$createdAt,
  ])
  return (
    <>
      <ErrorLine error={fns.error || error} />
      <p class="muted">
        Functions: {fns.data?.functions.map((f) => `${f.name} (${f.runtime})`).join(', ') || 'none in appwrite.json'}. Run one with functions.createExecution in the API explorer.
      </p>
      <Table name="executions" caption={`Executions of ${project}`} columns={['ID', 'Function', 'Trigger', 'Status', 'HTTP', 'Duration', 'Logs', 'Created']} rows={rows} empty="No executions yet." />
    </>
  )
}
