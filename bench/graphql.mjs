// npm run bench, graphql section: a GraphQL `accountGet` query against REST `GET /v1/account` in the same run,
// and the time the first GraphQL request takes to load graphql-js and build the schema. Run alone with
// `BENCH_SECTIONS=graphql npm run bench`.
import { cannon, line, startEmulator } from './lib.mjs'

const PROJECT = 'bench'
const QUERY = JSON.stringify({ query: 'query { accountGet { _id email } }' })

export async function benchGraphql() {
  const { child, origin } = await startEmulator(['--in-memory'])
  try {
    const headers = { 'content-type': 'application/json', 'x-appwrite-project': PROJECT }
    await fetch(`${origin}/v1/account`, { method: 'POST', headers, body: JSON.stringify({ userId: 'bench', email: 'bench@example.test', password: 'bench-password' }) })
    const login = await fetch(`${origin}/v1/account/sessions/email`, { method: 'POST', headers, body: JSON.stringify({ email: 'bench@example.test', password: 'bench-password' }) })
    const cookie = login.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
    const signedIn = { ...headers, cookie }

    // The project and the session exist now, so the first GraphQL request's extra time is the schema's; the CLI
    // warms its user-agent parser a second after start, which must not land inside the timed requests.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    const t0 = performance.now()
    const first = await fetch(`${origin}/v1/graphql`, { method: 'POST', headers: signedIn, body: QUERY })
    const body = await first.json()
    const firstMs = performance.now() - t0
    if (body.data?.accountGet?._id !== 'bench') throw new Error(`graphql accountGet: ${JSON.stringify(body)}`)
    const t1 = performance.now()
    await (await fetch(`${origin}/v1/graphql`, { method: 'POST', headers: signedIn, body: QUERY })).text()
    const secondMs = performance.now() - t1

    const rest = await cannon({ url: `${origin}/v1/account`, headers: signedIn })
    const graphql = await cannon({ url: `${origin}/v1/graphql`, method: 'POST', headers: signedIn, body: QUERY })
    const ratio = graphql.requests.average / rest.requests.average
    console.log('\ngraphql')
    line('first GraphQL request (loads, builds schema)', `${firstMs.toFixed(0)} ms`, '<= 200 ms', firstMs <= 200)
    line('  the next one', `${secondMs.toFixed(1)} ms`, '', true)
    line('REST GET /v1/account (cookie)', `${rest.requests.average.toFixed(0)} req/s`, '', rest.non2xx === 0)
    line('GraphQL accountGet (cookie)', `${graphql.requests.average.toFixed(0)} req/s`, '', graphql.non2xx === 0)
    line('  p99', `${graphql.latency.p99} ms`, '', true)
    line('  ratio to REST', `${(ratio * 100).toFixed(0)} %`, '>= 50 %', ratio >= 0.5)
    if (rest.non2xx || graphql.non2xx) console.log(`\nnon-2xx answers: REST ${rest.non2xx}, GraphQL ${graphql.non2xx}`)
  } finally {
    child.kill()
  }
}
