import { useState } from 'preact/hooks'
import type { EmulatorMessage } from '../../src/main.js'
import { splitLinks } from './lib/links.js'
import { ErrorLine, p, Table, useLive, type ViewProps } from './state.js'

/** A sent email or SMS as the control API lists it. */
type MessageRow = EmulatorMessage

/** Text with its links made clickable (they open in a new tab). */
const linkify = (text: string) =>
  splitLinks(text).map((part, i) =>
    part.href ? (
      <a key={i} href={part.href} target="_blank" rel="noopener">
        {part.text}
      </a>
    ) : (
      part.text
    ),
  )

// Links in the email open in a new tab; the frame runs no script and cannot reach the console (no same-origin).
const frameDocument = (html: string) => `<!doctype html><base target="_blank"><meta name="color-scheme" content="light">${html}`

/** Sent emails and SMS, newest first; an email opens in a sandboxed frame, and codes and links are clickable. */
export function Outbox({ project, stream }: ViewProps) {
  const { data, error } = useLive<{ messages: MessageRow[] }>(`${p(project)}/messages`, stream, () => true, 3000)
  const [openId, setOpenId] = useState<string | null>(null)
  const messages = [...(data?.messages ?? [])].reverse()
  const open = messages.find((m) => m.$id === openId) ?? null
  const rows = messages.map((m) => [
    m.channel,
    m.to,
    <button type="button" class="link" onClick={() => setOpenId(m.$id)} aria-pressed={m.$id === openId}>
      {m.subject || m.text.slice(0, 60)}
    </button>,
    <span>{Object.entries(m.data).map(([k, v]) => <span key={k} class="token">{k}: {linkify(v)}</span>)}</span>,
    m.$createdAt,
  ])
  return (
    <div class="outbox">
      <ErrorLine error={error} />
      <Table name="messages" caption={`Outbox of ${project}`} columns={['Channel', 'To', 'Subject', 'Codes and links', 'Sent']} rows={rows} empty="Nothing sent yet." />
      {open && (
        <section class="message" aria-label={`Message to ${open.to}`}>
          <h2>{open.subject || 'SMS'}</h2>
          <p class="muted">to {open.to}</p>
          {open.channel === 'email' && open.html ? (
            <iframe title={`Email: ${open.subject}`} sandbox="allow-popups allow-popups-to-escape-sandbox" srcdoc={frameDocument(open.html)} data-testid="email-frame" />
          ) : (
            <p class="sms">{linkify(open.text)}</p>
          )}
        </section>
      )}
    </div>
  )
}

interface TopicRow {
  $id: string
  name: string
  subscribers: { $id: string; targetId: string; userId?: string; target?: { identifier: string } }[]
  [counter: string]: unknown
}

/** The project's topics with their subscribers. */
export function Topics({ project, stream }: ViewProps) {
  const { data, error } = useLive<{ topics: TopicRow[] }>(`${p(project)}/topics`, stream, (e) => e.name.includes('subscribers'))
  const rows = (data?.topics ?? []).map((t) => [
    <code>{t.$id}</code>,
    t.name,
    String(t.subscribers.length),
    <ul class="plain">
      {t.subscribers.map((s) => (
        <li key={s.$id}>
          {s.$id} → target {s.targetId}
        </li>
      ))}
    </ul>,
  ])
  return (
    <>
      <ErrorLine error={error} />
      <Table name="topics" caption={`Topics of ${project}`} columns={['ID', 'Name', 'Subscribers', 'Who']} rows={rows} empty="No topics in appwrite.json." />
    </>
  )
}
