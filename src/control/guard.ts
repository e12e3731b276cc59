import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|::1|::ffff:127\.\d+\.\d+\.\d+)$/
// Headers a reverse proxy adds: a request that carries one came from somewhere else, whatever its socket says.
const PROXY_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host', 'x-forwarded-proto', 'via', 'x-client-ip', 'true-client-ip', 'cf-connecting-ip']

const digest = (s: string) => createHash('sha256').update(s).digest()

/** A Fastify `onRequest` hook for the control API's routes. */
export type ControlGuard = (req: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void) => void

/**
 * Who may use the control API (it reads the outbox's login secrets and resets projects). With a control token,
 * a request from anywhere that sends `Authorization: Bearer <token>`. Without one, direct loopback clients only:
 * a request that came through a proxy is refused even when the proxy runs on this machine.
 */
export function controlGuard(token: string | null): ControlGuard {
  const expected = token ? digest(token) : null
  return (req, _reply, done) => {
    if (expected) {
      const header = req.headers.authorization
      const given = typeof header === 'string' && /^bearer\s+/i.test(header) ? header.replace(/^bearer\s+/i, '') : null
      // Compared as digests, so neither the length nor the content leaks through timing.
      if (given !== null && timingSafeEqual(digest(given), expected)) return done()
      return done(new AppwriteException('general_unauthorized_scope', 'The emulator control API needs `Authorization: Bearer <control token>`.'))
    }
    if (PROXY_HEADERS.some((name) => req.headers[name] !== undefined)) {
      return done(new AppwriteException('general_access_forbidden', 'The emulator control API answers direct loopback clients only; this request came through a proxy. Start the emulator with --control-token to use it from elsewhere.'))
    }
    if (LOOPBACK.test(req.socket.remoteAddress ?? '')) return done()
    done(new AppwriteException('general_access_forbidden', 'The emulator control API answers loopback clients only. Start the emulator with --control-token to use it from elsewhere.'))
  }
}
