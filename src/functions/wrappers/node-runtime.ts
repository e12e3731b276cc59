/**
 * The Node wrapper a worker process runs: Open Runtimes' v4 `server.js` context (as Appwrite 1.5's node-*
 * runtimes give it) over a line-delimited JSON channel on fd 3 instead of an HTTP server. The executor writes
 * this text to a file once (`runtime-files.ts`) and starts `node <file>` in the function's folder.
 * Kept free of backticks and `${` so it can live in this string.
 */
export const NODE_RUNTIME = String.raw`'use strict'
const net = require('node:net')
const { pathToFileURL } = require('node:url')
const path = require('node:path')

const channel = new net.Socket({ fd: 3, readable: true, writable: true })
const reply = (message) => channel.write(JSON.stringify(message) + '\n')
const native = { log: console.log, info: console.info, debug: console.debug, warn: console.warn, error: console.error }
let loaded = null
const MAX_REPLY_BYTES = 20 * 1024 * 1024

// Fork bombs: a worker may keep only a few child processes of its own alive (the executor also caps the
// process group with prlimit and kills it on timeout).
try {
  const cp = require('node:child_process')
  let live = 0
  const spawn = cp.ChildProcess.prototype.spawn
  cp.ChildProcess.prototype.spawn = function (...args) {
    if (live >= 16) {
      const error = new Error('spawn EAGAIN: too many child processes in this function')
      error.code = 'EAGAIN'
      throw error
    }
    const out = spawn.apply(this, args)
    live++
    this.once('exit', () => live--)
    return out
  }
} catch {}

const stringify = (value) => {
  if (value instanceof Error) return value.stack || String(value)
  if (value instanceof Object || Array.isArray(value)) {
    try { return JSON.stringify(value) } catch { return String(value) }
  }
  return String(value)
}

async function load(entrypoint) {
  if (loaded && loaded.entrypoint === entrypoint) return loaded.fn
  const mod = await import(pathToFileURL(entrypoint).href)
  let fn = mod
  for (let i = 0; i < 3 && fn && typeof fn !== 'function' && fn.default !== undefined; i++) fn = fn.default
  if (typeof fn !== 'function') throw new Error('User function is not valid.')
  loaded = { entrypoint, fn }
  return fn
}

async function handle(req) {
  const logs = []
  const errors = []
  const headers = {}
  for (const [name, value] of Object.entries(req.headers)) {
    if (!name.toLowerCase().startsWith('x-open-runtimes-')) headers[name.toLowerCase()] = value
  }
  const contentType = headers['content-type'] ?? 'text/plain'
  const bodyRaw = req.body
  const scheme = headers['x-forwarded-proto'] ?? 'http'
  const defaultPort = scheme === 'https' ? '443' : '80'
  const hostHeader = headers['host'] ?? 'localhost:3000'
  const host = hostHeader.includes(':') ? hostHeader.split(':')[0] : hostHeader
  const port = Number(hostHeader.includes(':') ? hostHeader.split(':')[1] : defaultPort)
  const cut = req.path.indexOf('?')
  const reqPath = cut < 0 ? req.path : req.path.slice(0, cut)
  const queryString = cut < 0 ? '' : req.path.slice(cut + 1)
  const query = {}
  for (const param of queryString.split('&')) {
    const [key, ...rest] = param.split('=')
    if (key) query[key] = rest.join('=')
  }
  const url = scheme + '://' + host + (String(port) === defaultPort ? '' : ':' + port) + reqPath + (queryString === '' ? '' : '?' + queryString)
  const context = {
    req: { bodyRaw, body: bodyRaw, headers, method: req.method, host, scheme, port, path: reqPath, query, queryString, url },
    res: {
      send(body, statusCode = 200, headers = {}) {
        return { body, statusCode, headers }
      },
      json(obj, statusCode = 200, headers = {}) {
        headers['content-type'] = 'application/json'
        return this.send(JSON.stringify(obj), statusCode, headers)
      },
      empty() {
        return this.send('', 204, {})
      },
      redirect(url, statusCode = 301, headers = {}) {
        headers['location'] = url
        return this.send('', statusCode, headers)
      },
    },
    log(...messages) {
      logs.push(messages.map(stringify).join(' '))
    },
    error(...messages) {
      errors.push(messages.map(stringify).join(' '))
    },
  }
  const unsupported = []
  console.log = console.info = console.debug = console.warn = console.error = (...args) => {
    unsupported.push(args.map(stringify).join(' '))
  }
  let output = null
  try {
    if (contentType.includes('application/json')) context.req.body = bodyRaw ? JSON.parse(bodyRaw) : {}
    const fn = await load(req.entrypoint)
    output = await fn(context)
  } catch (e) {
    const missing = e && (e.code === 'ERR_MODULE_NOT_FOUND' || e.code === 'MODULE_NOT_FOUND') && String(e.message).includes(req.entrypoint)
    context.error(missing ? 'Code file not found: ' + path.relative(process.cwd(), req.entrypoint) : e && e.stack ? e.stack : String(e))
    output = context.res.send('', 500, {})
  } finally {
    Object.assign(console, native)
  }
  if (output === null || output === undefined || typeof output !== 'object') {
    context.error('Return statement missing. return context.res.empty() if no response is expected.')
    output = context.res.send('', 500, {})
  }
  if (unsupported.length) {
    context.log('')
    context.log('----------------------------------------------------------------------------')
    context.log('Unsupported logs detected. Use context.log() or context.error() for logging.')
    context.log('----------------------------------------------------------------------------')
    context.log(unsupported.join('\n'))
    context.log('----------------------------------------------------------------------------')
  }
  let body = output.body ?? ''
  if (Buffer.isBuffer(body) || body instanceof Uint8Array) body = Buffer.from(body).toString('utf8')
  else if (typeof body !== 'string') body = typeof body === 'object' ? JSON.stringify(body) : String(body)
  const out = {}
  for (const [name, value] of Object.entries(output.headers ?? {})) {
    if (!name.toLowerCase().startsWith('x-open-runtimes-')) out[name.toLowerCase()] = String(value)
  }
  const statusCode = Number.isInteger(Number(output.statusCode)) ? Number(output.statusCode) : 200
  const result = { statusCode, body, headers: out, logs: logs.join('\n'), errors: errors.join('\n') }
  // The executor's cap (MAX_REPLY_BYTES of worker.ts), checked here too: serialising an answer of hundreds of
  // MB would run the process out of memory before the executor could refuse it.
  if (Buffer.byteLength(result.body) + Buffer.byteLength(result.logs) + Buffer.byteLength(result.errors) > MAX_REPLY_BYTES) {
    return { statusCode: 500, body: '', headers: {}, logs: '', errors: "The function's response is larger than " + MAX_REPLY_BYTES / 1024 / 1024 + ' MB.' }
  }
  return result
}

let buffer = ''
let queue = Promise.resolve()
channel.setEncoding('utf8')
channel.on('data', (chunk) => {
  buffer += chunk
  let at
  while ((at = buffer.indexOf('\n')) >= 0) {
    const line = buffer.slice(0, at)
    buffer = buffer.slice(at + 1)
    const req = JSON.parse(line)
    queue = queue.then(async () => {
      for (const key of Object.keys(process.env)) delete process.env[key]
      Object.assign(process.env, req.env)
      let result
      try {
        result = await handle(req)
      } catch (e) {
        result = { statusCode: 500, body: '', headers: {}, logs: '', errors: String(e && e.stack ? e.stack : e) }
      }
      let line
      try {
        line = JSON.stringify({ id: req.id, ...result })
      } catch (e) {
        line = JSON.stringify({ id: req.id, statusCode: 500, body: '', headers: {}, logs: '', errors: 'The response could not be serialised: ' + String(e) })
      }
      channel.write(line + '\n')
    })
  }
})
channel.on('end', () => process.exit(0))
channel.on('error', () => process.exit(0))
process.on('unhandledRejection', (e) => native.error(e && e.stack ? e.stack : String(e)))
`
