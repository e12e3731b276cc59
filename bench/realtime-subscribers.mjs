// A child of the realtime bench: opens N sockets on one channel and reports, on request, how many events arrived
// and when the last one did (wall-clock ms), so the subscribers' CPU is not the load generator's.
import { WebSocket } from 'ws'

const [origin, count, project, channel] = process.argv.slice(2)
let received = 0
let lastAt = 0
const sockets = []
for (let start = 0; start < Number(count); start += 250) {
  const batch = Array.from({ length: Math.min(250, Number(count) - start) }, () =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`${origin.replace('http', 'ws')}/v1/realtime?project=${project}&channels[]=${channel}`)
      ws.once('error', reject)
      ws.once('message', () => {
        ws.on('message', () => {
          received++
          lastAt = performance.timeOrigin + performance.now()
        })
        resolve(ws)
      })
    }),
  )
  sockets.push(...(await Promise.all(batch)))
}
process.send({ ready: sockets.length })
process.on('message', (m) => {
  if (m === 'reset') received = 0
  if (m === 'report') process.send({ received, lastAt })
  if (m === 'close') {
    for (const ws of sockets) ws.terminate()
    process.exit(0)
  }
})
