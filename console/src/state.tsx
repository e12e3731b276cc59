import type { ComponentChildren } from 'preact'
import { useEffect, useState } from 'preact/hooks'
import { asIdentity, control, type ConsoleEvent, type EventStream } from './api.js'
import { forgetSession, type Identities, type Identity } from './identities.js'
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

export function StateView({ tab, project, stream, identities, onSignInAs }: ViewProps & { tab: StateTab; identities: Identities; onSignInAs(i: Identity): void }) {
  switch (tab) {
    case 'users':
      return <Users project={project} stream={stream} onSignInAs={onSignInAs} />
    case 'teams':
      return <Teams project={project} stream={stream} />
    case 'databases':
      return <Databases project={project} stream={stream} identities={identities} />
    case 'storage':
      return <Storage project={project} stream={stream} identities={identities} />
    case 'functions':
      return <Functions project={project} stream={stream} identities={identities} />
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
      <button
        type="button"
        class="danger"
        aria-label={`Delete ${u.email || u.$id}`}
        onClick={() => confirm(`Delete the user ${u.email || u.$id}, with their sessions, memberships and targets?`) && act(`/users/${encodeURIComponent(u.$id)}`, { method: 'DELETE' }, u.$id)}
      >
        Delete
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

function Databases({ project, stream, identities }: ViewProps & { identities: Identities }) {
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
      {current && <Documents key={`${current.databaseId}/${current.collectionId}`} project={project} stream={stream} identities={identities} {...current} collection={data!.databases.find((d) => d.$id === current.databaseId)!.collections.find((c) => c.$id === current.collectionId)!} />}
    </div>
  )
}

function Documents({ project, stream, identities, databaseId, collectionId, collection }: ViewProps & { identities: Identities; databaseId: string; collectionId: string; collection: DatabaseRow['collections'][number] }) {
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
      {open && <DocumentEditor key={open.$id} document={open} project={project} identities={identities} path={`/v1/databases/${databaseId}/collections/${collectionId}/documents/${encodeURIComponent(open.$id)}`} onClose={() => setOpen(null)} />}
    </section>
  )
}

/**
 * A document's values and permissions as JSON, saved through the client API (`databases.updateDocument`) as the
 * identity the console runs as, so a save is refused exactly as that user's would be.
 */
function DocumentEditor({ document, project, identities, path, onClose }: { document: DocumentRow; project: string; identities: Identities; path: string; onClose(): void }) {
  const data = Object.fromEntries(Object.entries(document).filter(([k]) => !k.startsWith('$')))
  const [text, setText] = useState(JSON.stringify(data, null, 2))
  const [permissions, setPermissions] = useState(document.$permissions.join('\n'))
  const [outcome, setOutcome] = useState('')
  async function save(e: Event) {
    e.preventDefault()
    let parsed: unknown
    try {
      parsed = JSON.parse(text)
    } catch {
      return setOutcome('The data is not valid JSON.')
    }
    const perms = permissions.split('\n').map((s) => s.trim()).filter(Boolean)
    try {
      const session = await identities.session()
      await asIdentity(project, session, 'PATCH', path, { data: parsed, permissions: perms })
      setOutcome(`Saved as ${identities.current.userId ?? 'guest'}.`)
    } catch (error) {
      setOutcome((error as Error).message)
    }
  }
  return (
    <form class="doc-json" aria-label={`Document ${document.$id}`} onSubmit={save}>
      <h3>
        {document.$id} <button type="button" onClick={onClose}>Close</button>
      </h3>
      <p class="muted">
        Created {document.$createdAt} · updated {String(document.$updatedAt)} · permissions: <Roles permissions={document.$permissions} />
      </p>
      <label for="doc-json">Data (JSON)</label>
      <textarea id="doc-json" rows={10} value={text} onInput={(e) => setText(e.currentTarget.value)} spellcheck={false} />
      <label for="doc-permissions">Permissions, one per line</label>
      <textarea id="doc-permissions" rows={3} value={permissions} onInput={(e) => setPermissions(e.currentTarget.value)} spellcheck={false} />
      <p>
        <button type="submit" class="primary">
          Save as {identities.current.userId ?? 'guest'}
        </button>{' '}
        <span role="status">{outcome}</span>
      </p>
    </form>
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

function Storage({ project, stream, identities }: ViewProps & { identities: Identities }) {
  const { data, error } = useLive<{ buckets: BucketRow[] }>(`${p(project)}/buckets`, stream, (e) => e.channels.includes('files'))
  const [chosen, setChosen] = useState<string | null>(null)
  const bucketId = chosen ?? data?.buckets[0]?.$id ?? null
  const files = useLive<{ files: FileRow[] }>(bucketId ? `${p(project)}/buckets/${bucketId}/files` : null, stream, (e) => e.channels.includes(`buckets.${bucketId}.files`))
  const [failure, setFailure] = useState('')
  const file = (f: FileRow, route: string, extra = '') => `/v1/storage/buckets/${f.bucketId}/files/${f.$id}/${route}?project=${encodeURIComponent(project)}${extra}`
  const rows = (files.data?.files ?? []).map((f) => [
    <Thumbnail url={file(f, 'preview', '&width=96&height=96')} name={f.name} project={project} identities={identities} />,
    <code>{f.$id}</code>,
    f.name,
    f.mimeType,
    `${f.sizeOriginal} B`,
    <Roles permissions={f.$permissions} />,
    <span class="actions">
      <a href={file(f, 'download')}>download</a>
      <button
        type="button"
        onClick={async () => {
          if (!confirm(`Delete ${f.name} as ${identities.current.userId ?? 'guest'}?`)) return
          try {
            await asIdentity(project, await identities.session(), 'DELETE', `/v1/storage/buckets/${f.bucketId}/files/${f.$id}`)
            setFailure('')
          } catch (error) {
            setFailure((error as Error).message)
          }
        }}
      >
        Delete
      </button>
    </span>,
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
        <ErrorLine error={files.error || failure} />
        <p class="muted">Previews, downloads and deletes run as {identities.current.userId ?? 'a guest'} (the “Run as” identity).</p>
        <Table name="files" caption={`Files of ${bucketId ?? 'no bucket'}`} columns={['', 'ID', 'Name', 'Type', 'Size', 'Permissions', '']} rows={rows} empty="No files." />
      </section>
    </div>
  )
}

/** A file's preview from the preview route, fetched as the chosen identity (an image tag cannot send its session). */
function Thumbnail({ url, name, project, identities }: { url: string; name: string; project: string; identities: Identities }) {
  const [src, setSrc] = useState<string | null>(null)
  const [failed, setFailed] = useState(false)
  useEffect(() => {
    let objectUrl: string | null = null
    let live = true
    identities
      .session()
      .then((session) => fetch(url, { headers: session ? { 'X-Appwrite-Session': session } : {}, credentials: 'omit' }))
      .then(async (res) => {
        if (!res.ok) throw new Error(String(res.status))
        objectUrl = URL.createObjectURL(await res.blob())
        if (live) setSrc(objectUrl)
      })
      .catch(() => live && setFailed(true))
    return () => {
      live = false
      if (objectUrl) URL.revokeObjectURL(objectUrl)
    }
  }, [url, identities.current.key])
  if (failed) return <span class="muted">no preview for {identities.current.userId ?? 'guest'}</span>
  return src ? <img src={src} alt={`${name} preview`} width={48} height={48} /> : <span class="muted">…</span>
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

function Functions({ project, stream, identities }: ViewProps & { identities: Identities }) {
  const [failure, setFailure] = useState('')
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
      <p class="muted">Functions run as {identities.current.userId ?? 'a guest'} (the “Run as” identity); executions show here as they start and finish.</p>
      <ErrorLine error={failure} />
      <ul class="plain actions" aria-label="Functions">
        {fns.data?.functions.length === 0 && <li class="muted">No functions in appwrite.json.</li>}
        {fns.data?.functions.map((f) => (
          <li key={f.$id}>
            <button
              type="button"
              onClick={async () => {
                try {
                  // Runs as the chosen identity through the client API, so `execute` permissions apply.
                  await asIdentity(project, await identities.session(), 'POST', `/v1/functions/${encodeURIComponent(f.$id)}/executions`, { async: true })
                  setFailure('')
                } catch (error) {
                  setFailure((error as Error).message)
                }
              }}
            >
              Run {f.name}
            </button>{' '}
            <span class="muted">{f.runtime}</span>
          </li>
        ))}
      </ul>
      <Table name="executions" caption={`Executions of ${project}`} columns={['ID', 'Function', 'Trigger', 'Status', 'HTTP', 'Duration', 'Logs', 'Created']} rows={rows} empty="No executions yet." />
    </>
  )
}
