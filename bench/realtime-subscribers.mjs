// A child of the realtime bench: opens N sockets on one channel and reports, on request, how many events arrived
// and when the last one did (wall-clock ms). The subscribers are a load fixture, not what is measured, so they
// run in a process of their own and read the server's frames with a minimal counter (the WebSocket handshake,
// then frame headers only: no UTF-8 decoding or JSON per message), leaving the cores to the emulator.
import { connect } from 'node:net'
import { randomBytes } from 'node:crypto'

const [origin, count, project, channel, compression] = process.argv.slice(2)
// `deflate`: offer permessage-deflate as browsers do (frames stay counted from their headers, not inflated).
const EXTENSIONS = compression === 'deflate' ? 'Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n' : ''
const { hostname, port } = new URL(origin)
let received = 0
let lastAt = 0
let bytes = 0

/** Counts complete server frames in a byte stream; the first text frame (`connected`) resolves `ready`. */
function frameCounter(onFrame) {
  let pending = Buffer.alloc(0) // an incomplete header carried over from the last chunk
  let skip = 0 // payload bytes of the current frame still to come
  return (chunk) => {
    let buf = pending.length ? Buffer.concat([pending, chunk]) : chunk
    pending = Buffer.alloc(0)
    let at = 0
    while (at < buf.length) {
      if (skip > 0) {
        const take = Math.min(skip, buf.length - at)
        skip -= take
        at += take
        if (skip === 0) onFrame()
        continue
      }
      if (buf.length - at < 2) break
      const len7 = buf[at + 1] & 0x7f
      const headerLength = len7 === 126 ? 4 : len7 === 127 ? 10 : 2
      if (buf.length - at < headerLength) break
      const length = len7 === 126 ? buf.readUInt16BE(at + 2) : len7 === 127 ? Number(buf.readBigUInt64BE(at + 2)) : len7
      at += headerLength
      if (length === 0) onFrame()
      else skip = length
      bytes += headerLength + length
    }
    if (at < buf.length) pending = Buffer.from(buf.subarray(at))
  }
}

function open() {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) })
    const path = `/v1/realtime?project=${encodeURIComponent(project)}&channels[]=${encodeURIComponent(channel)}`
    socket.once('error', reject)
    socket.once('connect', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n${EXTENSIONS}\r\n`,
      )
    })
    let head = Buffer.alloc(0)
    let connected = false
    const count = frameCounter(() => {
      if (!connected) {
        connected = true
        resolve(socket)
        return
      }
      received++
      lastAt = performance.timeOrigin + performance.now()
    })
    const onHandshake = (chunk) => {
      head = Buffer.concat([head, chunk])
      const end = head.indexOf('\r\n\r\n')
      if (end < 0) return
      if (!head.subarray(0, 12).toString().includes('101')) return reject(new Error(`upgrade refused: ${head.subarray(0, end)}`))
      socket.off('data', onHandshake)
      socket.on('data', count)
      if (head.length > end + 4) count(head.subarray(end + 4))
    }
    socket.on('data', onHandshake)
  })
}

const sockets = []
for (let start = 0; start < Number(count); start += 250) {
  sockets.push(...(await Promise.all(Array.from({ length: Math.min(250, Number(count) - start) }, open))))
}
process.send({ ready: sockets.length })
process.on('message', (m) => {
  if (m === 'reset') received = bytes = 0
  if (m === 'report') process.send({ received, lastAt, bytes })
  if (m === 'close') {
    for (const socket of sockets) socket.destroy()
    process.exit(0)
  }
})
