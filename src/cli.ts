#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { ConfigError } from './config/appwrite-json.js'
import { OptionsError, parseDuration, type EmulatorOptions } from './config/options.js'
import { startEmulator, type RunningEmulator } from './main.js'
import { detectDevice } from './core/device.js'

const HELP = `appwrite-emulator: the Appwrite 1.5 client API on your machine

Usage: appwrite-emulator start [options]

Options (each also as an environment variable):
  --port <n>          port to listen on (APPWRITE_EMULATOR_PORT, default 8080; 0 picks a free one)
  --host <addr>       address to bind (APPWRITE_EMULATOR_HOST, default 127.0.0.1)
  --config <file>     an appwrite.json (APPWRITE_EMULATOR_CONFIG, default ./appwrite.json when present)
  --data <dir>        data folder (APPWRITE_EMULATOR_DATA, default ./.appwrite-emulator)
  --in-memory         keep nothing on disk (APPWRITE_EMULATOR_IN_MEMORY=true)
  --rate-limits       enforce Appwrite's rate limits (APPWRITE_EMULATOR_RATE_LIMITS=true)
  --trust-proxy       take the client IP from X-Forwarded-For (APPWRITE_EMULATOR_TRUST_PROXY=true)
  --allow-private-urls  let /avatars/image and /avatars/favicon fetch loopback, private and link-local
                      addresses, for local testing (APPWRITE_EMULATOR_ALLOW_PRIVATE_URLS=true)
  --smtp <url>        also relay emails to an SMTP server, e.g. smtp://127.0.0.1:1025 (APPWRITE_EMULATOR_SMTP)
  --control-token <secret>  require \`Authorization: Bearer <secret>\` on the control API and accept it from
                      any address (APPWRITE_EMULATOR_CONTROL_TOKEN; without it: direct loopback clients only)
  --max-projects <n>  the most projects kept; new project IDs past it are refused (APPWRITE_EMULATOR_MAX_PROJECTS,
                      default 10000)
  --project-ttl <d>   drop projects idle longer than this, e.g. 30m, 12h, 7d (APPWRITE_EMULATOR_PROJECT_TTL, default off)
  --platform <host>   register a web platform hostname, e.g. app.example.com; repeatable (APPWRITE_EMULATOR_PLATFORMS,
                      comma-separated). localhost, 127.0.0.1, ::1 and the API's own host are always registered
  --any-origin        accept every origin and redirect URL host (APPWRITE_EMULATOR_ANY_ORIGIN=true)
  --no-function-builds    skip functions' commands (npm install…) (APPWRITE_EMULATOR_NO_FUNCTION_BUILDS=true)
  --no-function-triggers  do not run functions on events and schedules (APPWRITE_EMULATOR_NO_FUNCTION_TRIGGERS=true)
  --log-level <lvl>   fatal|error|warn|info|debug|trace|silent (APPWRITE_EMULATOR_LOG_LEVEL, default info)
  -h, --help          show this help
`

async function main(argv: string[]): Promise<number> {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        config: { type: 'string' },
        data: { type: 'string' },
        'in-memory': { type: 'boolean' },
        'rate-limits': { type: 'boolean' },
        'trust-proxy': { type: 'boolean' },
        'allow-private-urls': { type: 'boolean' },
        'log-level': { type: 'string' },
        smtp: { type: 'string' },
        'control-token': { type: 'string' },
        'max-projects': { type: 'string' },
        'project-ttl': { type: 'string' },
        'no-function-builds': { type: 'boolean' },
        'no-function-triggers': { type: 'boolean' },
        platform: { type: 'string', multiple: true },
        'any-origin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`)
    return 2
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  if (positionals.length !== 1 || positionals[0] !== 'start') {
    process.stderr.write(HELP)
    return 2
  }
  const given: Partial<EmulatorOptions> = {
    ...(values.port !== undefined && { port: Number(values.port) }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values.config !== undefined && { config: values.config }),
    ...(values.data !== undefined && { data: values.data }),
    ...(values['in-memory'] && { inMemory: true }),
    ...(values['rate-limits'] && { rateLimits: true }),
    ...(values['trust-proxy'] && { trustProxy: true }),
    ...(values['allow-private-urls'] && { allowPrivateUrls: true }),
    ...(values['log-level'] !== undefined && { logLevel: values['log-level'] }),
    ...(values.smtp !== undefined && { smtp: values.smtp }),
    ...(values['control-token'] !== undefined && { controlToken: values['control-token'] }),
    ...(values['max-projects'] !== undefined && { maxProjects: Number(values['max-projects']) }),
    ...(values['no-function-builds'] && { functionBuilds: false }),
    ...(values['no-function-triggers'] && { functionTriggers: false }),
    ...(values.platform !== undefined && { platforms: values.platform.flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean) }),
    ...(values['any-origin'] && { anyOrigin: true }),
  }
  if (values['max-projects'] !== undefined && !/^\d+$/.test(values['max-projects'])) {
    process.stderr.write(`appwrite-emulator: --max-projects must be a whole number of at least 1, got "${values['max-projects']}"\n`)
    return 2
  }
  if (values['project-ttl'] !== undefined) {
    const ttl = parseDuration(values['project-ttl'])
    if (ttl === null) {
      process.stderr.write(`appwrite-emulator: --project-ttl must be a duration such as 90s, 30m, 12h or 7d, got "${values['project-ttl']}"\n`)
      return 2
    }
    given.projectTtl = ttl
  }
  if (values.port !== undefined && !/^\d+$/.test(values.port)) {
    process.stderr.write(`appwrite-emulator: --port must be a whole number from 0 to 65535, got "${values.port}"\n`)
    return 2
  }
  try {
    const emulator = await startEmulator(given)
    const o = emulator.options
    process.stdout.write(
      [
        '',
        '  Appwrite emulator (client API 1.5.11) is ready',
        `  API:      ${emulator.url}`,
        `  Projects: ${o.config ? 'from config' : 'any ID'} — unknown project IDs are created on first use`,
        `  Data:     ${o.inMemory ? 'in memory (nothing on disk)' : o.data}`,
        `  Config:   ${o.config ?? 'none'}`,
        `  Platforms: ${platformLine(emulator.platforms)}`,
        `  Control:  ${emulator.origin}/_emulator/health${o.controlToken ? ' (needs the control token)' : ' (direct loopback clients only)'}`,
        `  Console:  ${emulator.origin}/console${o.controlToken ? '?token=<control token>' : ''}`,
        ...(isLoopbackHost(o.host) || o.controlToken
          ? []
          : [`  Warning:  listening on ${o.host} without --control-token: only loopback clients can use the control API, and the client API is open to the network`]),
        '',
      ].join('\n') + '\n',
    )
    const shutdown = (signal: string) => {
      process.stdout.write(`\n  ${signal}: stopping…\n`)
      emulator.stop().then(
        () => process.exit(0),
        () => process.exit(1),
      )
    }
    process.once('SIGINT', () => shutdown('SIGINT'))
    process.once('SIGTERM', () => shutdown('SIGTERM'))
    // The User-Agent detector compiles its device rules on first use (about a second); do it while the developer
    // is still reading the banner, so the first sign-in does not wait for it. Start-up itself does not include it.
    setTimeout(() => detectDevice('appwrite-emulator/warm-up'), 1000).unref()
    return -1
  } catch (error) {
    if (error instanceof ConfigError || error instanceof OptionsError) {
      process.stderr.write(`appwrite-emulator: invalid configuration\n  ${error.message}\n`)
      return 1
    }
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'EADDRINUSE' || code === 'EACCES') {
      process.stderr.write(`appwrite-emulator: cannot listen: ${(error as Error).message}\n`)
      return 1
    }
    throw error
  }
}

/** The banner's list of registered platforms: always-registered hosts first, then the configured ones. */
function platformLine(platforms: RunningEmulator['platforms']): string {
  if (platforms === '*') return 'any origin (--any-origin or "platforms": "*")'
  const configured = platforms.map((p) => (p.hostname ? (p.type === 'web' ? p.hostname : `${p.hostname} (${p.type})`) : `${p.key} (${p.type})`))
  return ['localhost', '127.0.0.1', '::1', 'the API host', ...configured].join(', ')
}

function isLoopbackHost(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\./.test(host)
}

main(process.argv.slice(2)).then((code) => {
  if (code >= 0) process.exit(code)
})
