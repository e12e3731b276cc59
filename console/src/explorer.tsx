import { useEffect, useMemo, useRef, useState } from 'preact/hooks'
import { control, endpoint, type ConsoleEvent, type EventStream } from './api.js'
import { initialValues, prepareRequest, type FormValues, type OperationDescription, type ParamDescription } from './lib/forms.js'
import { SAMPLE_LANGUAGES, samples, type SampleLanguage } from './lib/samples.js'
import type { Identities } from './identities.js'

interface Props {
  project: string
  identities: Identities
  stream: EventStream
}

/** The operations of the route table grouped by service, searchable, each with its form, response and samples. */
export function Explorer({ project, identities, stream }: Props) {
  const [operations, setOperations] = useState<OperationDescription[]>([])
  const [error, setError] = useState('')
  const [search, setSearch] = useState('')
  const [selected, setSelected] = useState<string>(() => sessionStorage.getItem('console-operation') ?? 'account.create')
  useEffect(() => {
    control<{ operations: OperationDescription[] }>('/operations').then((r) => setOperations(r.operations), (e: Error) => setError(e.message))
  }, [])
  useEffect(() => sessionStorage.setItem('console-operation', selected), [selected])
  const groups = useMemo(() => {
    const needle = search.trim().toLowerCase()
    const out = new Map<string, OperationDescription[]>()
    for (const op of operations) {
      const haystack = `${op.operation} ${op.method} ${op.path} ${op.summary ?? ''} ${op.scope}`.toLowerCase()
      if (needle && !needle.split(/\s+/).every((w) => haystack.includes(w))) continue
      out.set(op.namespace, [...(out.get(op.namespace) ?? []), op])
    }
    return [...out]
  }, [operations, search])
  const op = operations.find((o) => o.operation === selected)

  return (
    <div class="explorer">
      <aside class="op-list" aria-label="Operations" onKeyDown={moveFocus}>
        <label for="op-search" class="visually-hidden">
          Search operations
        </label>
        <input id="op-search" type="search" placeholder={`Search ${operations.length} operations`} value={search} onInput={(e) => setSearch(e.currentTarget.value)} />
        {error && <p role="alert">{error}</p>}
        {groups.map(([namespace, ops]) => (
          <section key={namespace} class="op-group">
            <h2>
              {namespace} <span class="count">{ops.length}</span>
            </h2>
            <ul>
              {ops.map((o) => (
                <li key={o.operation}>
                  <button type="button" data-operation={o.operation} aria-pressed={o.operation === selected} onClick={() => setSelected(o.operation)}>
                    <span class={`method m-${o.method.toLowerCase()}`}>{o.method}</span> {o.name}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </aside>
      <section class="op-detail" aria-live="polite">
        {op ? <Operation key={`${project}/${op.operation}`} op={op} project={project} identities={identities} stream={stream} /> : <p>Pick an operation.</p>}
      </section>
    </div>
  )
}

// Up and down arrows move between the operations of the list, so 95 of them need not be tabbed through.
function moveFocus(e: KeyboardEvent) {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return
  const buttons = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLButtonElement>('button[data-operation]')]
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement)
  if (at < 0) return
  e.preventDefault()
  buttons[Math.min(buttons.length - 1, Math.max(0, at + (e.key === 'ArrowDown' ? 1 : -1)))].focus()
}

interface RunResult {
  status: number
  statusText: string
  headers: [string, string][]
  body: string
  /** An image answer (avatars, previews) as a blob URL. */
  image?: string
  ms: number
  events: ConsoleEvent[]
}

function Operation({ op, project, identities, stream }: { op: OperationDescription } & Props) {
  const [values, setValues] = useState<FormValues>(() => initialValues(op))
  const [file, setFile] = useState<File | null>(null)
  const [result, setResult] = useState<RunResult | null>(null)
  const [running, setRunning] = useState(false)
  const [language, setLanguage] = useState<SampleLanguage>('curl')
  const [copied, setCopied] = useState(false)
  const [sessionValue, setSessionValue] = useState<string | null>(null)
  useEffect(() => {
    identities.session().then(setSessionValue, () => setSessionValue(null))
  }, [identities.current.key])
  const prepared = prepareRequest(op, values, { project, session: sessionValue })
  const target = { endpoint: endpoint(), project }
  const sample = prepared.ok ? samples(op, prepared.request, target)[language] : ''
  const errors = prepared.ok ? {} : prepared.errors
  const copyTimer = useRef<number | undefined>(undefined)

  async function run(e: Event) {
    e.preventDefault()
    if (!prepared.ok) return
    setRunning(true)
    const session = await identities.session().catch(() => null)
    const again = prepareRequest(op, values, { project, session })
    if (!again.ok) return setRunning(false)
    const request = again.request
    const started = Date.now()
    let body: BodyInit | undefined
    if (request.fileParam) {
      const form = new FormData()
      for (const [k, v] of Object.entries(request.body ?? {})) {
        if (Array.isArray(v)) v.forEach((x) => form.append(`${k}[]`, String(x)))
        else form.append(k, typeof v === 'string' ? v : JSON.stringify(v))
      }
      if (file) form.append(request.fileParam, file)
      body = form
    } else if (request.body && request.method !== 'GET') {
      body = JSON.stringify(request.body)
    }
    try {
      // No cookies: the chosen identity travels in X-Appwrite-Session only, so the console's own tab never signs in.
      const res = await fetch(request.url, { method: request.method, headers: request.headers, body, credentials: 'omit' })
      const type = res.headers.get('content-type') ?? ''
      let image: string | undefined
      let text: string
      if (type.includes('json')) text = JSON.stringify(JSON.parse((await res.text()) || 'null'), null, 2)
      else if (type.startsWith('image/')) {
        const blob = await res.blob()
        image = URL.createObjectURL(blob)
        text = `(${type}, ${blob.size} bytes)`
      } else text = await res.text()
      const fallback = res.headers.get('x-fallback-cookies')
      if (fallback) keepFallbackSession(fallback, text)
      await new Promise((r) => setTimeout(r, 150))
      setResult((previous) => {
        if (previous?.image) URL.revokeObjectURL(previous.image)
        return { status: res.status, statusText: res.statusText, headers: [...res.headers], body: text, image, ms: Date.now() - started, events: stream.recent.filter((ev) => ev.at >= started) }
      })
    } catch (err) {
      setResult({ status: 0, statusText: 'network error', headers: [], body: String(err), ms: Date.now() - started, events: [] })
    } finally {
      setRunning(false)
    }
  }

  // A session the operation created (X-Fallback-Cookies) becomes the one its user runs with.
  function keepFallbackSession(header: string, body: string) {
    try {
      const cookies = JSON.parse(header) as Record<string, string>
      const value = Object.values(cookies)[0]
      const userId = (JSON.parse(body) as { userId?: string })?.userId
      if (value && userId) identities.remember(userId, value)
    } catch {
      // Not a session: nothing to keep.
    }
  }

  return (
    <article class="operation" data-current-operation={op.operation}>
      <header>
        <h2>
          <span class={`method m-${op.method.toLowerCase()}`}>{op.method}</span> <code>{op.path}</code>
        </h2>
        <p class="op-name">
          {op.operation}
          {op.summary && <> — {op.summary}</>}
        </p>
        <dl class="facts">
          <dt>Scope</dt>
          <dd>{op.scope}</dd>
          <dt>Rate limit</dt>
          <dd>{op.rateLimit ? `${op.rateLimit.limit} per ${op.rateLimit.window} s (${op.rateLimit.keys.join('; ')})` : 'none'}</dd>
          <dt>Response</dt>
          <dd>{op.responseModel ? `${op.status ?? ''} ${op.responseModel}` : op.status ?? 'see the spec'}</dd>
          {op.authMethod && (
            <>
              <dt>Auth method</dt>
              <dd>{op.authMethod}</dd>
            </>
          )}
          <dt>Errors</dt>
          {/* The pipeline's checks in the order they run, then the handler's, as the code has them (generated). */}
          <dd class="error-types" data-testid="error-types">
            {op.errors.map((type) => (
              <code key={type}>{type}</code>
            ))}
          </dd>
        </dl>
        {op.description && <p class="description">{op.description}</p>}
      </header>
      <form onSubmit={run} class="op-form" aria-label={`Run ${op.operation}`}>
        {op.params.length === 0 && <p class="muted">No params.</p>}
        {op.params.map((p) => (
          <Field key={p.name} param={p} value={values[p.name] ?? ''} error={errors[p.name]} onChange={(v) => setValues({ ...values, [p.name]: v })} onFile={setFile} />
        ))}
        <div class="run-row">
          <button type="submit" class="primary" disabled={running || !prepared.ok} data-testid="run">
            {running ? 'Running…' : `Run as ${identities.current.userId ?? 'guest'}`}
          </button>
        </div>
      </form>
      {result && <Response result={result} />}
      <section class="samples" aria-label="Samples">
        <div class="sample-tabs" role="tablist" aria-label="Sample language">
          {SAMPLE_LANGUAGES.map((l) => (
            <button key={l} type="button" role="tab" aria-selected={l === language} onClick={() => setLanguage(l)}>
              {l}
            </button>
          ))}
          <button
            type="button"
            class="copy"
            disabled={!sample}
            onClick={() => {
              navigator.clipboard?.writeText(sample).then(() => {
                setCopied(true)
                clearTimeout(copyTimer.current)
                copyTimer.current = window.setTimeout(() => setCopied(false), 1500)
              })
            }}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
        </div>
        <pre data-testid="sample" data-language={language}>
          <code>{sample || 'Fill in the required fields to see a sample.'}</code>
        </pre>
      </section>
    </article>
  )
}

function Field({ param, value, error, onChange, onFile }: { param: ParamDescription; value: string; error?: string; onChange(v: string): void; onFile(f: File | null): void }) {
  const id = `param-${param.name}`
  const help = `${param.in} · ${param.type}${param.required ? ' · required' : ''} — ${param.description ?? param.rule}`
  let control
  if (param.type === 'file') control = <input id={id} type="file" onChange={(e) => onFile(e.currentTarget.files?.[0] ?? null)} />
  else if (param.type === 'boolean')
    control = (
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">(not sent)</option>
        <option value="true">true</option>
        <option value="false">false</option>
      </select>
    )
  else if (param.type === 'enum')
    control = (
      <select id={id} value={value} onChange={(e) => onChange(e.currentTarget.value)}>
        <option value="">(not sent)</option>
        {param.values!.map((v) => (
          <option key={v} value={v}>
            {v}
          </option>
        ))}
      </select>
    )
  else if (param.type === 'array' || param.type === 'object')
    control = <textarea id={id} rows={3} value={value} placeholder={param.type === 'array' ? 'one item per line, or a JSON array' : 'a JSON object'} onInput={(e) => onChange(e.currentTarget.value)} spellcheck={false} />
  else if (param.name === 'password' || param.name === 'oldPassword')
    control = <input id={id} type="password" value={value} onInput={(e) => onChange(e.currentTarget.value)} autocomplete="off" />
  else control = <input id={id} type="text" inputMode={param.type === 'integer' ? 'numeric' : undefined} value={value} onInput={(e) => onChange(e.currentTarget.value)} autocomplete="off" spellcheck={false} />
  return (
    <div class={`field${error ? ' invalid' : ''}`}>
      <label for={id}>
        {param.name}
        {param.required && <span aria-hidden="true"> *</span>}
      </label>
      {control}
      <small id={`${id}-help`}>{help}</small>
      {error && <small class="error">{error}</small>}
    </div>
  )
}

function Response({ result }: { result: RunResult }) {
  const ok = result.status >= 200 && result.status < 300
  return (
    <section class="response" aria-label="Response">
      <h3>
        <span data-testid="response-status" class={ok ? 'ok' : 'bad'}>
          {result.status}
        </span>{' '}
        {result.statusText} <span class="muted">{result.ms} ms</span>
      </h3>
      <details>
        <summary>Headers ({result.headers.length})</summary>
        <pre>{result.headers.map(([k, v]) => `${k}: ${v}`).join('\n')}</pre>
      </details>
      {result.image && <img class="answer" src={result.image} alt="The image the operation answered" />}
      <pre data-testid="response-body" class="body">
        {result.body}
      </pre>
      <details open={result.events.length > 0}>
        <summary>Realtime events ({result.events.length})</summary>
        <ul class="events">
          {result.events.map((e, i) => (
            <li key={i}>
              <code>{e.name}</code> <span class="muted">on {e.channels.join(', ') || 'no channel'}</span>
            </li>
          ))}
        </ul>
      </details>
    </section>
  )
}
