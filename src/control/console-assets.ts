import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { dirname, extname, join, resolve, sep } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ControlGuard } from './guard.js'

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

function send(req: FastifyRequest, reply: FastifyReply, asset: Asset) {
  const accepts = String(req.headers['accept-encoding'] ?? '')
  reply.header('Content-Type', asset.type)
  reply.header('Cache-Control', asset.immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
  reply.header('Vary', 'Accept-Encoding')
  if (asset.type.startsWith('text/html')) reply.header('Content-Security-Policy', CSP)
  if (asset.br && /\bbr\b/.test(accepts)) return reply.header('Content-Encoding', 'br').send(asset.br)
  if (asset.gzip && /\bgzip\b/.test(accepts)) return reply.header('Content-Encoding', 'gzip').send(asset.gzip)
  return reply.send(asset.body)
}

/**
 * `GET /` → `/console`, and the console's single-page app under `/console`, behind the control API's guard: the
 * console reads every project's secrets. Any path under `/console/` that is not a file serves the app's page,
 * so its routes can be bookmarked.
 */
export function registerConsoleAssets(app: FastifyInstance, onRequest: ControlGuard, dir = join(packageRoot(), 'dist', 'console')): void {
  let assets: Map<string, Asset> | null | undefined
  const load = () => (assets ??= loadConsoleAssets(dir))
  app.get('/', { onRequest }, async (_req, reply) => reply.redirect('/console', 302))
  const page = async (req: FastifyRequest, reply: FastifyReply) => {
    const found = load()
    if (!found) {
      reply.code(503).type('text/plain; charset=utf-8').header('Cache-Control', 'no-store')
      return reply.send(`The console is not built: run \`npm run build\` (it writes ${dir}).`)
    }
    const path = (req.params as { '*'?: string })['*'] ?? ''
    const asset = found.get(path) ?? (path.startsWith('assets/') ? undefined : found.get('index.html'))
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send('Not found')
    return send(req, reply, asset)
  }
  app.get('/console', { onRequest }, page)
  app.get('/console/*', { onRequest }, page)
}
