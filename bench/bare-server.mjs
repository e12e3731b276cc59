// The comparison server for `npm run bench`: bare Fastify answering GET /v1/account with the exact bytes and
// headers the emulator sent, in its own process like the emulator. Reads {headers, body(base64)} from stdin.
import Fastify from 'fastify'

let input = ''
for await (const chunk of process.stdin) input += chunk
const { headers, body } = JSON.parse(input)
const bytes = Buffer.from(body, 'base64')
delete headers['content-length']
delete headers['date']
delete headers['connection']
delete headers['keep-alive']
const app = Fastify()
app.get('/v1/account', (_req, reply) => reply.headers(headers).send(bytes))
await app.listen({ port: 0, host: '127.0.0.1' })
process.stdout.write(`${app.server.address().port}\n`)
