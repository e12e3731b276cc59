/** A place in a text file, both 1-based. */
export interface Position {
  line: number
  column: number
}

/** Where each value (and each object key) of a JSON document starts, by JSON path (`$.buckets[0].compression`). */
export interface JsonPositions {
  /** The position of the value at `path`. */
  value(path: string): Position | undefined
  /** The position of the key that holds the value at `path` (for unknown keys). */
  key(path: string): Position | undefined
}

/** A syntax error with where it is. */
export class JsonSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: Position,
  ) {
    super(message)
    this.name = 'JsonSyntaxError'
  }
}

/** The JSON path of a member: `$.name`, or `$["odd key"]` for keys that are not identifiers. */
export const memberPath = (parent: string, key: string) => (/^[$A-Za-z_][$\w-]*$/.test(key) ? `${parent}.${key}` : `${parent}[${JSON.stringify(key)}]`)

/**
 * Parses JSON as `JSON.parse` does (no comments, no trailing commas) and records where each value starts, so that
 * a config problem can name its line and column. A syntax error is a JsonSyntaxError with its line and column.
 */
export function parseJsonWithPositions(text: string): { value: unknown; positions: JsonPositions } {
  const values = new Map<string, Position>()
  const keys = new Map<string, Position>()
  let i = 0
  let line = 1
  let lineStart = 0
  const here = (): Position => ({ line, column: i - lineStart + 1 })
  const fail = (what: string): never => {
    throw new JsonSyntaxError(i >= text.length ? `unexpected end of the file, ${what}` : `unexpected ${JSON.stringify(text[i])}, ${what}`, here())
  }
  const space = () => {
    for (; i < text.length; i++) {
      const c = text[i]
      if (c === '\n') {
        line++
        lineStart = i + 1
      } else if (c !== ' ' && c !== '\t' && c !== '\r') break
    }
  }
  const string = (): string => {
    const start = i
    const startPos = here()
    i++
    for (; i < text.length; i++) {
      const c = text[i]
      if (c === '"') break
      if (c === '\\') i++
      else if (c === '\n' || c < ' ') fail('expected the end of the string')
    }
    if (i >= text.length) throw new JsonSyntaxError('a string is not closed', startPos)
    i++
    try {
      return JSON.parse(text.slice(start, i)) as string
    } catch {
      throw new JsonSyntaxError('a string has an invalid escape', startPos)
    }
  }
  const value = (path: string): unknown => {
    space()
    values.set(path, here())
    const c = text[i]
    if (c === '{') {
      i++
      const out: Record<string, unknown> = {}
      space()
      if (text[i] === '}') {
        i++
        return out
      }
      for (;;) {
        space()
        if (text[i] !== '"') fail('expected a "quoted" key')
        const keyPos = here()
        const key = string()
        const child = memberPath(path, key)
        keys.set(child, keyPos)
        space()
        if (text[i] !== ':') fail(`expected ":" after the key "${key}"`)
        i++
        out[key] = value(child)
        space()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === '}') {
          i++
          return out
        }
        fail('expected "," or "}"')
      }
    }
    if (c === '[') {
      i++
      const out: unknown[] = []
      space()
      if (text[i] === ']') {
        i++
        return out
      }
      for (;;) {
        out.push(value(`${path}[${out.length}]`))
        space()
        if (text[i] === ',') {
          i++
          continue
        }
        if (text[i] === ']') {
          i++
          return out
        }
        fail('expected "," or "]"')
      }
    }
    if (c === '"') return string()
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400))
    if (!literal) fail('expected a value')
    i += literal![0].length
    return JSON.parse(literal![0])
  }
  if (text.charCodeAt(0) === 0xfeff) i = 1
  const result = value('$')
  space()
  if (i < text.length) fail('expected the end of the file')
  return { value: result, positions: { value: (p) => values.get(p), key: (p) => keys.get(p) } }
}
