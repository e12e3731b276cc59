import type { FastifyReply } from 'fastify'
import { toJson } from '../core/json.js'

/** Sends a JSON body as Appwrite does (`application/json; charset=UTF-8`, PHP's escaping). */
export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type('application/json; charset=UTF-8').send(toJson(body))
}
