import type { FastifyBaseLogger } from 'fastify'
import { createRequire } from 'node:module'
import { uniqueId } from '../domain/ids.js'
import { formatDate, type Clock } from '../domain/dates.js'
import type { MessageRecord, Store } from '../store/types.js'

/** What a service hands the outbox: an email or SMS, and the data a test needs from it. */
export interface OutgoingMessage {
  channel: 'email' | 'sms'
  to: string
  subject: string
  text: string
  html: string
  data: Partial<Record<'userId' | 'secret' | 'url' | 'phrase' | 'teamId' | 'membershipId', string>>
}

interface Transport {
  sendMail(message: { from: string; to: string; subject: string; text: string; html: string }): Promise<unknown>
}

const FROM = 'Appwrite Emulator <no-reply@appwrite-emulator.local>'

/**
 * Every email and SMS the emulator "sends": stored per project for the control API, logged as one line with its
 * link or code so a developer at a terminal can follow it, and relayed to a real SMTP server with `--smtp`.
 */
export class Outbox {
  private transport: Transport | null = null

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly log: FastifyBaseLogger,
    private readonly smtpUrl: string | null = null,
  ) {}

  /** Records and delivers a message; call it after the transaction that made its secret commits. */
  async send(projectId: string, message: OutgoingMessage): Promise<MessageRecord> {
    const record: MessageRecord = {
      id: uniqueId(),
      createdAt: formatDate(this.clock.now()),
      channel: message.channel,
      to: message.to,
      subject: message.subject,
      text: message.text,
      html: message.html,
      data: Object.fromEntries(Object.entries(message.data).filter(([, v]) => v !== undefined)) as Record<string, string>,
    }
    await this.store.transaction(() => this.store.messages.insert(projectId, record))
    // The emulator's whole point is to hand these codes to the developer, so they are logged on purpose.
    const follow = message.data.url ?? message.data.secret ?? ''
    this.log.info(`outbox ${projectId}: ${message.channel} to ${message.to}: ${message.subject}${follow ? ` → ${follow}` : ''}`)
    if (message.channel === 'email' && this.smtpUrl) this.relay(message)
    return record
  }

  private relay(message: OutgoingMessage): void {
    if (!this.transport) {
      const nodemailer = createRequire(import.meta.url)('nodemailer') as { createTransport(url: string): Transport }
      this.transport = nodemailer.createTransport(this.smtpUrl!)
    }
    this.transport
      .sendMail({ from: FROM, to: message.to, subject: message.subject, text: message.text, html: message.html })
      .catch((error: Error) => this.log.warn(`outbox: SMTP relay to ${message.to} failed: ${error.message}`))
  }
}

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`)

/** A plain email in the emulator's own words: a greeting, a line, and a button or a code. */
export function composeEmail(options: { greeting: string; lines: string[]; action?: { label: string; url: string }; code?: string; footer?: string }) {
  const { greeting, lines, action, code, footer = 'Sent by the Appwrite emulator. No real email left this machine unless --smtp is set.' } = options
  const text = [greeting, '', ...lines, '', ...(action ? [`${action.label}: ${action.url}`, ''] : []), ...(code ? [code, ''] : []), footer].join('\n')
  const html = [
    '<!doctype html><html><body style="font-family:system-ui,sans-serif;max-width:560px;margin:24px auto;color:#1f2328">',
    `<p>${escapeHtml(greeting)}</p>`,
    ...lines.map((l) => `<p>${escapeHtml(l)}</p>`),
    action ? `<p><a href="${escapeHtml(action.url)}" style="display:inline-block;padding:10px 16px;background:#fd366e;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(action.label)}</a></p><p style="font-size:12px;color:#57606a">${escapeHtml(action.url)}</p>` : '',
    code ? `<p style="font-size:28px;letter-spacing:6px;font-weight:600">${escapeHtml(code)}</p>` : '',
    `<hr><p style="font-size:12px;color:#57606a">${escapeHtml(footer)}</p>`,
    '</body></html>',
  ].join('')
  return { text, html }
}
