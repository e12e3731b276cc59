import type { EmulatorOptions } from './options.js'

/** pino's numeric levels, for the pretty format's labels. */
const LEVELS: Record<number, { label: string; color: number }> = {
  10: { label: 'TRACE', color: 90 },
  20: { label: 'DEBUG', color: 36 },
  30: { label: 'INFO ', color: 32 },
  40: { label: 'WARN ', color: 33 },
  50: { label: 'ERROR', color: 31 },
  60: { label: 'FATAL', color: 35 },
}

/** Fields every pino line carries, or that fastify adds, that the pretty format leaves out. */
const QUIET = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'reqId', 'v'])

interface Out {
  write(text: string): unknown
  isTTY?: boolean
}

/**
 * A pino destination that turns each JSON line into `12:04:05.123 INFO  GET /v1/account 401 1.2ms`: the time,
 * the level, the message, then any other fields as `key=value`, and an error's stack on the lines below.
 * Colours only when the output is a terminal (and `NO_COLOR` is unset).
 */
export function prettyStream(out: Out = process.stdout): { write(line: string): void } {
  const color = !!out.isTTY && !process.env.NO_COLOR
  const paint = (code: number, text: string) => (color ? `\x1b[${code}m${text}\x1b[0m` : text)
  return {
    write(chunk: string) {
      for (const line of chunk.split('\n')) {
        if (line) out.write(`${formatLine(line, paint)}\n`)
      }
    },
  }
}

/** One pretty line for one pino JSON line; a line that is not JSON passes through unchanged. */
export function formatLine(line: string, paint: (code: number, text: string) => string = (_, t) => t): string {
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line)
  } catch {
    return line
  }
  if (typeof entry !== 'object' || entry === null) return line
  const level = LEVELS[entry.level as number] ?? { label: String(entry.level).padEnd(5), color: 0 }
  const time = typeof entry.time === 'number' ? new Date(entry.time).toISOString().slice(11, 23) : ''
  const err = entry.err as { message?: string; stack?: string } | undefined
  const extra = Object.entries(entry)
    .filter(([key]) => !QUIET.has(key) && key !== 'err')
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  const parts = [paint(90, time), paint(level.color, level.label), String(entry.msg ?? err?.message ?? ''), ...extra.map((e) => paint(90, e))]
  let text = parts.filter(Boolean).join(' ')
  if (err?.stack) text += `\n${paint(90, err.stack.replace(/^/gm, '    '))}`
  return text
}

/** fastify's `logger` option for the emulator's options: false when silent, else pino's level and destination. */
export function loggerOptions(options: Pick<EmulatorOptions, 'logLevel' | 'logFormat'>): false | { level: string; stream?: { write(line: string): void } } {
  if (options.logLevel === 'silent') return false
  return options.logFormat === 'pretty' ? { level: options.logLevel, stream: prettyStream() } : { level: options.logLevel }
}
