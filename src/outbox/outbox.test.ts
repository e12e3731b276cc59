import { SMTPServer } from 'smtp-server'
import { afterEach, describe, expect, it } from 'vitest'
import { startEmulator, type RunningEmulator } from '../index.js'

/** A real SMTP server on loopback that keeps what it receives. */
async function smtpSink() {
  const received: { to: string[]; raw: string }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let raw = ''
      stream.on('data', (chunk: Buffer) => (raw += chunk))
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), raw })
        callback()
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  return { received, url: `smtp://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) }
}

let emulator: RunningEmulator | undefined
afterEach(async () => {
  await emulator?.stop()
  emulator = undefined
})

describe('outbox', () => {
  it('keeps every email for the control API and relays it to --smtp', async () => {
    const sink = await smtpSink()
    emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', smtp: sink.url })
    const res = await fetch(`${emulator.url}/account/tokens/magic-url`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'mail' },
      body: JSON.stringify({ userId: 'unique()', email: 'grace@example.test', url: 'http://localhost:3000/magic' }),
    })
    expect(res.status).toBe(201)
    const [message] = await emulator.messages('mail')
    expect(message).toMatchObject({ channel: 'email', to: 'grace@example.test', subject: 'mail Login' })
    expect(message.text).toContain(message.data.url)
    expect(message.html).toContain('<a href=')
    for (let i = 0; i < 100 && sink.received.length === 0; i++) await new Promise((r) => setTimeout(r, 20))
    expect(sink.received).toHaveLength(1)
    expect(sink.received[0].to).toEqual(['grace@example.test'])
    expect(sink.received[0].raw).toContain('Subject: mail Login')
    await sink.close()
  })

  it('keeps working when the SMTP server is gone', async () => {
    emulator = await startEmulator({ port: 0, inMemory: true, logLevel: 'silent', smtp: 'smtp://127.0.0.1:1' })
    const res = await fetch(`${emulator.url}/account/tokens/email`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-appwrite-project': 'mail' },
      body: JSON.stringify({ userId: 'unique()', email: 'heidi@example.test' }),
    })
    expect(res.status).toBe(201)
    expect(await emulator.messages('mail')).toHaveLength(1)
  })
})
