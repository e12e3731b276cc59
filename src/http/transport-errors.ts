import type { Socket } from 'node:net'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppwriteException } from '../errors/appwrite-exception.js'
import { APPWRITE_VERSION, renderError } from '../errors/render.js'
import { toJson } from '../core/json.js'
import { sendJson } from './respond.js'

const NO_CACHE = { 'Cache-Control': 'no-cache, no-store, must-revalidate', Expires: '0', Pragma: 'no-cache' }

/**
 * Requests the router cannot take apart: a path with an invalid percent-escape (`/v1/teams/%ff`) or a path param
 * past the router's limit. They get Appwrite's error body instead of Fastify's.
 */
export function frameworkErrors(error: { code?: string; message: string }, _req: FastifyRequest, reply: FastifyReply): FastifyReply {
  // deviation: PHP decodes a bad escape to raw bytes and the route's validator refuses them; the router here
  // cannot match such a path, so it is answered with the same 400 type before routing.
  const message = error.code === 'FST_ERR_BAD_URL' ? 'Invalid URL: the path holds an invalid percent-encoding.' : 'Invalid URL: a path segment is too long.'
  const rendered = renderError(new AppwriteException('general_argument_invalid', message))
  reply.code(rendered.status).headers({ Server: 'Appwrite', 'X-Content-Type-Options': 'nosniff', ...NO_CACHE })
  return sendJson(reply, rendered.body)
}

/**
 * Errors Node's HTTP parser raises before a request exists (headers over 16 KB, a malformed request line): the
 * socket gets a complete HTTP answer with Appwrite's error body, then closes.
 */
export function clientErrorHandler(error: { code?: string; rawPacket?: unknown }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) {
    socket.destroy()
    return
  }
  const tooLarge = error.code === 'HPE_HEADER_OVERFLOW'
  const status = tooLarge ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  const reason = tooLarge ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'
  const message = tooLarge ? 'Request headers are larger than 16 KB.' : status === 408 ? 'The request took too long to arrive.' : 'The request could not be read.'
  // The status is the HTTP parser's; the type is the one Appwrite gives an unreadable request.
  const body = toJson({ message, code: status, type: 'general_argument_invalid', version: APPWRITE_VERSION })
  const head = [
    `HTTP/1.1 ${status} ${reason}`,
    'Server: Appwrite',
    'Content-Type: application/json; charset=UTF-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
    ...Object.entries(NO_CACHE).map(([k, v]) => `${k}: ${v}`),
    'Connection: close',
  ]
  // A HEAD request's answer has headers only, or the client reads the body as the next response.
  const isHead = Buffer.isBuffer(error.rawPacket) && error.rawPacket.subarray(0, 5).toString('latin1') === 'HEAD '
  socket.end(`${head.join('\r\n')}\r\n\r\n${isHead ? '' : body}`)
}
