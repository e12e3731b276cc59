import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { parseCookies } from '../core/session-transport.js'
import { controlGuard, type ControlGuard } from './guard.js'

/** The cookie that carries the control token for the console's page, assets and event stream. */
export const CONSOLE_TOKEN_COOKIE = 'appwrite_emulator_console'

/**
 * The control guard for what a browser loads without scripts' headers (the page, its assets, the event stream):
 * with a control token, the token may also come as `?token=` (once, from the address) or in the console's
 * cookie, which a valid `?token=` sets. Without a token, it is the loopback guard unchanged.
 */
export function consoleGuard(token: string | null): ControlGuard {
  const guard = controlGuard(token)
  if (!token) return guard
  return (req, reply, done) => {
    const fromQuery = (req.query as { token?: unknown } | undefined)?.token
    const given = typeof fromQuery === 'string' ? fromQuery : parseCookies(req.headers.cookie, [CONSOLE_TOKEN_COOKIE]).get(CONSOLE_TOKEN_COOKIE)
    if (given && req.headers.authorization === undefined) req.headers.authorization = `Bearer ${given}`
    guard(req, reply, (error) => {
      if (!error && typeof fromQuery === 'string') reply.header('Set-Cookie', `${CONSOLE_TOKEN_COOKIE}=${encodeURIComponent(fromQuery)}; Path=/; HttpOnly; SameSite=Strict`)
      done(error)
    })
  }
}

/** The package's root: the nearest folder above this module with the emulator's package.json (source or bundle). */
export function packageRoot(from = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from
  for (;;) {
    const manifest = join(dir, 'package.json')
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'appwrite-emulator') return dir
      } catch {
        // Not ours; keep climbing.
      }
    }
    const parent = dirname(dir)
    if (parent === dir) return resolve(from, '..', '..')
    dir = parent
  }
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
}

interface Asset {
  type: string
  body: Buffer
  br: Buffer | null
  gzip: Buffer | null
  /** Hashed file names never change content, so they may be cached for a year. */
  immutable: boolean
}

/** Reads the built console (`npm run build` writes `dist/console`) once, with its precompressed twins. */
export function loadConsoleAssets(dir: string): Map<string, Asset> | null {
  if (!existsSync(join(dir, 'index.html'))) return null
  const assets = new Map<string, Asset>()
  const walk = (folder: string) => {
    for (const name of readdirSync(folder)) {
      const file = join(folder, name)
      if (statSync(file).isDirectory()) walk(file)
      else if (!name.endsWith('.br') && !name.endsWith('.gz')) {
        const key = file.slice(dir.length + 1).split(sep).join('/')
        const twin = (suffix: string) => (existsSync(file + suffix) ? readFileSync(file + suffix) : null)
        assets.set(key, {
          type: TYPES[extname(name)] ?? 'application/octet-stream',
          body: readFileSync(file),
          br: twin('.br'),
          gzip: twin('.gz'),
          immutable: /-[A-Z0-9]{8,}\.\w+$/.test(name),
        })
      }
    }
  }
  walk(dir)
  return assets
}

// The console runs scripts and styles of its own origin only; it reaches the emulator on the same origin.
const CSP = "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; frame-src 'self' blob: data:; connect-src 'self' ws: wss:; base-uri 'none'; form-action 'none'; frame-ancestors 'self'"

const escapeAttribute = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function send(req: FastifyRequest, reply: FastifyReply, asset: Asset, token: string | null) {
  const accepts = String(req.headers['accept-encoding'] ?? '')
  reply.header('Content-Type', asset.type)
  reply.header('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
  reply.header('Vary', 'Accept-Encoding')
  if (asset.type.startsWith('text/html')) {
    reply.header('Content-Security-Policy', CSP)
    // Behind a control token, the page carries it for its scripts' control requests: only a holder of the token
    // gets the page at all.
    if (token) return reply.send(asset.body.toString('utf8').replace('<head>', `<head>\n    <meta name="control-token" content="${escapeAttribute(token)}" />`))
  }
  if (asset.br && /\bbr\b/.test(accepts)) return reply.header('Content-Encoding', 'br').send(asset.br)
  if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header('Content-Encoding', 'gzip').send(asset.gzip)
  return reply.send(asset.body)
}

/**
 * `GET /` → `/console`, and the console's single-page app under `/console`, behind the control API's guard: the
 * console reads every project's secrets. Any path under `/console/` that is not a file serves the app's page,
 * so its routes can be bookmarked.
 */
export function registerConsoleAssets(app: FastifyInstance, token: string | null, dir = join(packageRoot(), 'dist', 'console')): void {
  const onRequest = consoleGuard(token)
  let assets: Map<string, Asset> | null | undefined
  const load = () => (assets ??= loadConsoleAssets(dir))
  // The query string goes along, so `/?token=…` still signs the console in.
  app.get('/', { onRequest }, async (req, reply) => reply.redirect(`/console${req.url.slice(1)}`, 302))
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const found = load()
    if (!found) {
      reply.code(503).type('text/plain; charset=utf-8').header('Cache-Control', 'no-store')
      return reply.send(`The console is not built: run \`npm run build\` (it writes ${dir}).`)
    }
    const path = (req.params as { '*'?: string })['*'] ?? ''
    const asset = found.get(path) ?? (path.startsWith('assets/') ? undefined : found.get('index.html'))
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found')
    return send(req, reply, asset, token)
  }
  app.get('/console', { onRequest }, page)
  app.get('/console/*', { onRequest }, page)
}
