import { useEffect, useState } from 'preact/hooks'
import { control } from './api.js'
import { ErrorLine, p, Table, useLive, type ViewProps } from './state.js'
import type { LoggedBody, LoggedRequest, LoggedRequestDetail as Detail } from '../../src/control/public-types.js'

/**
 * The decision log of the project (`GET …/requests`), newest first: each request's caller and, for a refusal, the
 * check that refused it. Reads publish no event, so the table polls every 2 s as well as following the stream.
 */
export function Requests({ project, stream }: ViewProps) {
  const [status, setStatus] = useState('')
  const query = status === 'refused' ? '' : status ? `&status=${status}` : ''
  const { data, error } = useLive<{ requests: LoggedRequest[] }>(`${p(project)}/requests?limit=200${query}`, stream, () => true, 2000)
  const [open, setOpen] = useState<string | null>(null)
  const shown = (data?.requests ?? []).filter((r) => status !== 'refused' || r.decision)
  const rows = shown.map((r) => [
    <button type="button" class="link" data-request={r.$id} aria-pressed={open === r.$id} onClick={() => setOpen(open === r.$id ? null : r.$id)} title={r.time}>
      {r.time.slice(11, 23)}
    </button>,
    <span class={`method m-${r.method.toLowerCase()}`}>{r.method}</span>,
    <span>
      <code>{r.path}</code>
      <br />
      <span class="muted">{r.operation}</span>
    </span>,
    <span class={r.status < 400 ? 'ok' : 'error'} data-status={r.status}>
      {r.status}
    </span>,
    `${r.durationMs.toFixed(1)} ms`,
    <span>
      {r.caller.userId ?? 'guest'}
      {r.caller.authenticatedBy && <span class="muted"> ({r.caller.authenticatedBy})</span>}
      <br />
      <span class="muted">{r.caller.roles.join(', ')}</span>
    </span>,
    r.decision ? <Why request={r} /> : <span class="muted">allowed</span>,
  ])
  return (
    <>
      <form class="log-filter" onSubmit={(e) => e.preventDefault()}>
        <label for="log-status">Show</label>
        <select id="log-status" value={status} onChange={(e) => setStatus(e.currentTarget.value)}>
          <option value="">every request</option>
          <option value="refused">refusals only</option>
          {[400, 401, 403, 404, 409, 429].map((s) => (
            <option key={s} value={String(s)}>
              status {s}
            </option>
          ))}
        </select>
        <span class="muted">the last {shown.length} of at most 500, newest first, live</span>
      </form>
      <ErrorLine error={error} />
      {open && <RequestDetail key={open} project={project} requestId={open} onClose={() => setOpen(null)} />}
      <Table name="requests" caption={`Requests of ${project}`} columns={['Time', 'Method', 'Path', 'Status', 'Duration', 'Caller', 'Why']} rows={rows} empty="No requests yet." />
    </>
  )
}

/** Why a request was refused: the check, Appwrite's error type, and for a permission the roles that would have granted it. */
function Why({ request }: { request: LoggedRequest }) {
  const { decision } = request
  const denied = request.permissions.filter((c) => !c.granted)
  return (
    <span class="why" data-check={decision!.check}>
      <strong>{decision!.check}</strong> <code>{decision!.type}</code>
      {decision!.check === 'permission' &&
        denied.map((c, i) => (
          <span key={i} class="denied">
            <br />
            {c.action} {c.resource}: would grant <span data-would-grant>{c.wouldGrant.join(', ') || 'no role (nothing grants it)'}</span>
          </span>
        ))}
      <br />
      <span class="muted">{decision!.message}</span>
    </span>
  )
}

function RequestDetail({ project, requestId, onClose }: { project: string; requestId: string; onClose(): void }) {
  const [detail, setDetail] = useState<Detail | null>(null)
  const [error, setError] = useState('')
  useEffect(() => {
    control<Detail>(`${p(project)}/requests/${requestId}`).then(setDetail, (e: Error) => setError(e.message))
  }, [project, requestId])
  return (
    <section class="pane request-detail" aria-label={`Request ${requestId}`} data-testid="request-detail">
      <h2>
        {detail ? (
          <>
            <span class={`method m-${detail.method.toLowerCase()}`}>{detail.method}</span> <code>{detail.path}</code> → {detail.status}
          </>
        ) : (
          `Request ${requestId}`
        )}{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </h2>
      <ErrorLine error={error} />
      {detail && (
        <>
          <p class="muted">
            {detail.time} · {detail.operation} · {detail.caller.userId ?? 'guest'} · {detail.durationMs} ms
            {detail.events.length > 0 && <> · events: {detail.events.join(', ')}</>}
          </p>
          {detail.permissions.length > 0 && (
            <ul class="plain checks">
              {detail.permissions.map((c, i) => (
                <li key={i}>
                  {c.granted ? '✓' : '✗'} {c.action} <code>{c.resource}</code> — {c.granted ? `granted by ${c.grantedBy}` : `would grant: ${c.wouldGrant.join(', ') || 'nothing'}`}
                </li>
              ))}
            </ul>
          )}
          <div class="bodies">
            <Body title="Request body" body={detail.request} testid="request-body" />
            <Body title="Response body" body={detail.response} testid="logged-response-body" />
          </div>
        </>
      )}
    </section>
  )
}

function Body({ title, body, testid }: { title: string; body: LoggedBody; testid: string }) {
  let text = body.text
  if (body.kind === 'json' && !body.truncated) {
    try {
      text = JSON.stringify(JSON.parse(text), null, 2)
    } catch {
      // Shown as kept.
    }
  }
  return (
    <div>
      <h3>
        {title} {body.truncated && <span class="muted">(the first {body.text.length} of {body.size} characters)</span>}
      </h3>
      <pre data-testid={testid} class="body">
        {body.kind === 'none' ? '(none)' : text}
      </pre>
    </div>
  )
}
