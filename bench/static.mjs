// npm run bench, static section: GETs whose answer depends only on the project, the locale and the path (the
// locale lists, avatar icons, initials and QR codes), each against a bare Fastify server replaying the very
// bytes and headers the emulator sent, in the same run. Target: >= 60 % of bare (issue 15).
// Run alone with `node bench/run.mjs static` (after `npm run build`); `--only=countries,initials` narrows it.
import { capture, compareToBare, startBare, startEmulator, wanted } from './lib.mjs'

const PROJECT = 'bench'
const TARGET = 0.6

const ROUTES = [
  { name: 'GET /v1/locale/countries', url: '/v1/locale/countries' },
  { name: 'GET /v1/locale/countries (es)', url: '/v1/locale/countries', headers: { 'x-appwrite-locale': 'es' } },
  { name: 'GET /v1/locale/countries/eu', url: '/v1/locale/countries/eu' },
  { name: 'GET /v1/locale/countries/phones', url: '/v1/locale/countries/phones' },
  { name: 'GET /v1/locale/continents', url: '/v1/locale/continents' },
  { name: 'GET /v1/locale/currencies', url: '/v1/locale/currencies' },
  { name: 'GET /v1/locale/languages', url: '/v1/locale/languages' },
  { name: 'GET /v1/locale/codes', url: '/v1/locale/codes' },
  { name: 'GET /v1/avatars/flags/us', url: '/v1/avatars/flags/us' },
  { name: 'GET /v1/avatars/browsers/ch', url: '/v1/avatars/browsers/ch' },
  { name: 'GET /v1/avatars/credit-cards/visa', url: '/v1/avatars/credit-cards/visa' },
  { name: 'GET /v1/avatars/initials', url: '/v1/avatars/initials?name=Ada%20Lovelace' },
  { name: 'GET /v1/avatars/qr', url: '/v1/avatars/qr?text=https%3A%2F%2Fappwrite.io' },
]

export async function benchStatic() {
  const routes = ROUTES.filter((r) => wanted(r.name))
  if (routes.length === 0) return
  const { child, origin } = await startEmulator(['--in-memory'])
  const emulator = { origin, pid: child.pid }
  try {
    // Locale variants share a URL, so the bare server gets each header variant on a query of its own.
    const requests = routes.map((r, i) => ({ ...r, headers: { 'x-appwrite-project': PROJECT, ...r.headers }, bareUrl: r.headers ? `${r.url}${r.url.includes('?') ? '&' : '?'}variant=${i}` : r.url }))
    const captured = await capture(origin, requests)
    const bare = await startBare(captured.map((c, i) => ({ ...c, url: requests[i].bareUrl })))
    try {
      console.log('\nstatic GETs (locale, avatars): emulator vs bare Fastify with the same bytes, same run\n')
      for (const r of requests) {
        await compareToBare({ name: r.name, url: r.url, headers: r.headers, emulator, bareUrl: r.bareUrl, bare, target: TARGET })
      }
    } finally {
      bare.stop()
    }
  } finally {
    child.kill()
  }
}
