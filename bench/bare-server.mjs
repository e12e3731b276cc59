// The comparison server for `npm run bench`: bare Fastify answering each captured request with the exact bytes
// and headers the emulator sent, in its own process like the emulator. Reads from stdin either
// {headers, body(base64)} (one answer for GET /v1/account, as before) or {routes: [{method, url, status, headers, body}]},
// where `url` is a path with its query string; each path is a route of its own and the query picks the answer.
import Fastify from 'fastify'

let input = ''
for await (const chunk of process.stdin) input += chunk
const parsed = JSON.parse(input)
const routes = parsed.routes ?? [{ url: '/v1/account', status: 200, headers: parsed.headers, body: parsed.body }]
const byPath = new Map()
for (const route of routes) {
  const headers = { ...route.headers }
  for (const name of ['content-length', 'date', 'connection', 'keep-alive', 'transfer-encoding']) delete headers[name]
  const path = `${route.method ?? 'GET'} ${route.url.split('?')[0]}`
  if (!byPath.has(path)) byPath.set(path, new Map())
  byPath.get(path).set(route.url, { status: route.status ?? 200, headers, bytes: Buffer.from(route.body, 'base64') })
}
const app = Fastify()
for (const [key, answers] of byPath) {
  const [method, path] = key.split(' ')
  const only = answers.size === 1 ? [...answers.values()][0] : null
  // A POST's body is parsed as Fastify parses JSON, as the emulator must read it too.
  app.route({
    method,
    url: path,
    handler: (req, reply) => {
      const answer = only ?? answers.get(req.url)
      if (!answer) return reply.code(404).send()
      return reply.code(answer.status).headers(answer.headers).send(answer.bytes)
    },
  })
}
await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${app.server.address().port}\n`)
