import type { FastifyRequest } from 'fastify'
import type { ClientInfo } from '../core/caller.js'
import { firstHeader } from '../core/resolve-caller.js'

/** Where an HTTP request came from, as the operation core takes it. */
export function clientInfo(req: FastifyRequest): ClientInfo {
  return {
    ip: req.ip,
    userAgent: firstHeader(req.headers, 'user-agent') ?? '',
    origin: firstHeader(req.headers, 'origin') ?? null,
    hostname: req.hostname,
    protocol: req.protocol === 'https' ? 'https' : 'http',
  }
}
