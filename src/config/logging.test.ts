import { describe, expect, it } from 'vitest'
import { formatLine, loggerOptions, prettyStream } from './logging.js'

describe('the pretty log format', () => {
  const time = Date.UTC(2026, 0, 2, 12, 4, 5, 123)
  it('shows the time, the level and the message, then other fields and an error stack', () => {
    expect(formatLine(JSON.stringify({ level: 30, time, pid: 1, hostname: 'h', reqId: 'r', msg: 'GET /v1/account 401 1.2ms' }))).toBe('12:04:05.123 INFO  GET /v1/account 401 1.2ms')
    expect(formatLine(JSON.stringify({ level: 40, time, msg: 'slow', projectId: 'p', n: 2 }))).toBe('12:04:05.123 WARN  slow projectId=p n=2')
    expect(formatLine(JSON.stringify({ level: 50, time, err: { message: 'boom', stack: 'Error: boom\n    at x' } }))).toBe('12:04:05.123 ERROR boom\n    Error: boom\n        at x')
    expect(formatLine('not json')).toBe('not json')
  })

  it('colours only on a terminal, and splits chunks into lines', () => {
    const written: string[] = []
    const plain = prettyStream({ write: (t) => written.push(t), isTTY: false })
    plain.write(`${JSON.stringify({ level: 30, time, msg: 'a' })}\n${JSON.stringify({ level: 30, time, msg: 'b' })}\n`)
    expect(written).toEqual(['12:04:05.123 INFO  a\n', '12:04:05.123 INFO  b\n'])
    const coloured: string[] = []
    prettyStream({ write: (t) => coloured.push(t), isTTY: true }).write(JSON.stringify({ level: 30, time, msg: 'a' }))
    expect(coloured[0]).toContain('\x1b[32mINFO \x1b[0m')
  })

  it('gives fastify no logger when silent, a pretty destination or pino JSON otherwise', () => {
    expect(loggerOptions({ logLevel: 'silent', logFormat: 'pretty' })).toBe(false)
    expect(loggerOptions({ logLevel: 'info', logFormat: 'json' })).toEqual({ level: 'info' })
    expect(loggerOptions({ logLevel: 'debug', logFormat: 'pretty' })).toMatchObject({ level: 'debug', stream: { write: expect.any(Function) } })
  })
})
