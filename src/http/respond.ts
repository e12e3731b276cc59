import type { FastifyReply } from 'fastify'

/** JSON as Appwrite writes it: UTF-8, `/` escaped as `\/` (PHP's json_encode). */
export function toJson(body: unknown): string {
  return JSON.stringify(body).replace(/\//g, '\\/')
}

export function sendJson(reply: FastifyReply, body: unknown): FastifyReply {
  return reply.type('application/json; charset=UTF-8').send(toJson(body))
}
