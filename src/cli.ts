#!/usr/bin/env node
import { parseArgs } from 'node:util'
import { ConfigError } from './config/appwrite-json.js'
import { OptionsError, parseDuration, type EmulatorOptions } from './config/options.js'
import { packageVersion } from './config/version.js'
import { StartError, startEmulator, type RunningEmulator } from './main.js'

/** Exit codes: 0 stopped cleanly, 1 start-up failed (config, data folder, port), 2 bad usage (command, flag, value). */
const EXIT_FAILED = 1
const EXIT_USAGE = 2

const HELP = `appwrite-emulator: the Appwrite 1.5 client API on your machine

Usage: appwrite-emulator start [options]
       appwrite-emulator --version | --help

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
  --store <url>       keep everything in PostgreSQL, e.g. postgres://postgres@127.0.0.1:5432/emulator, so several
                      processes serve the same projects (APPWRITE_EMULATOR_STORE; default SQLite under --data)
  --bus <url>         share realtime events and rate limits between processes through Redis, e.g.
                      redis://127.0.0.1:6379 (APPWRITE_EMULATOR_BUS)
  --files <dir>       file bytes in a folder every process reaches (APPWRITE_EMULATOR_FILES; default <data>/files)
  --project-quota <q> per-project quotas, e.g. requests=600/min,documents=100000,storage=1GB
                      (APPWRITE_EMULATOR_PROJECT_QUOTA)
  --import <file>     load a project archive (GET /_emulator/projects/{id}/export) into its project at start
                      (APPWRITE_EMULATOR_IMPORT)
  --export-on-exit <file>  export the config's project (else the imported one) on stop, through a temporary file
                      renamed into place (APPWRITE_EMULATOR_EXPORT_ON_EXIT)
  --coverage-report <file>  on stop, write the API coverage as JSON to <file> and as a table to <file>.txt, and
                      print the table (APPWRITE_EMULATOR_COVERAGE_REPORT)
  --no-function-builds    skip functions' commands (npm install…) (APPWRITE_EMULATOR_NO_FUNCTION_BUILDS=true)
  --no-function-triggers  do not run functions on events and schedules (APPWRITE_EMULATOR_NO_FUNCTION_TRIGGERS=true)
  --log-level <lvl>   fatal|error|warn|info|debug|trace|silent (APPWRITE_EMULATOR_LOG_LEVEL, default info)
  --log-format <f>    pretty|json (APPWRITE_EMULATOR_LOG_FORMAT; default pretty on a terminal, json otherwise)
  -v, --version       print the version
  -h, --help          show this help

Exit codes: 0 stopped by SIGINT/SIGTERM, 1 start-up failed (config, data folder, port), 2 bad usage.
`

const USAGE_HINT = 'Run `appwrite-emulator --help` for the commands and options.'

const usageError = (message: string): number => {
  process.stderr.write(`appwrite-emulator: ${message}\n${USAGE_HINT}\n`)
  return EXIT_USAGE
}

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
        'log-format': { type: 'string' },
        smtp: { type: 'string' },
        'control-token': { type: 'string' },
        'max-projects': { type: 'string' },
        'project-ttl': { type: 'string' },
        'no-function-builds': { type: 'boolean' },
        'no-function-triggers': { type: 'boolean' },
        platform: { type: 'string', multiple: true },
        'any-origin': { type: 'boolean' },
        store: { type: 'string' },
        bus: { type: 'string' },
        files: { type: 'string' },
        'project-quota': { type: 'string' },
        import: { type: 'string' },
        'export-on-exit': { type: 'string' },
        'coverage-report': { type: 'string' },
        version: { type: 'boolean', short: 'v' },
        help: { type: 'boolean', short: 'h' },
      },
    })
  } catch (error) {
    // parseArgs says e.g. "Unknown option '--prot'" or "Option '--port <value>' argument missing".
    return usageError((error as Error).message.replace(/\. To specify a positional argument.*$/s, ''))
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(HELP)
    return 0
  }
  if (values.version) {
    process.stdout.write(`appwrite-emulator ${packageVersion()} (Appwrite client API 1.5.11)\n`)
    return 0
  }
  if (positionals.length === 0) return usageError('missing command: `appwrite-emulator start` starts the emulator')
  if (positionals[0] !== 'start') return usageError(`unknown command "${positionals[0]}" (the command is "start")`)
  if (positionals.length > 1) return usageError(`unexpected argument "${positionals[1]}" after "start" (options start with --)`)
  // Numbers pass through as the text given, so that resolveOptions can quote it when it is not a number.
  const given = {
    ...(values.port !== undefined && { port: values.port }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values.config !== undefined && { config: values.config }),
    ...(values.data !== undefined && { data: values.data }),
    ...(values['in-memory'] && { inMemory: true }),
    ...(values['rate-limits'] && { rateLimits: true }),
    ...(values['trust-proxy'] && { trustProxy: true }),
    ...(values['allow-private-urls'] && { allowPrivateUrls: true }),
    ...(values['log-level'] !== undefined && { logLevel: values['log-level'] }),
    ...(values['log-format'] !== undefined && { logFormat: values['log-format'] }),
    ...(values.smtp !== undefined && { smtp: values.smtp }),
    ...(values['control-token'] !== undefined && { controlToken: values['control-token'] }),
    ...(values['max-projects'] !== undefined && { maxProjects: values['max-projects'] }),
    ...(values['no-function-builds'] && { functionBuilds: false }),
    ...(values['no-function-triggers'] && { functionTriggers: false }),
    ...(values.platform !== undefined && { platforms: values.platform.flatMap((h) => h.split(',')).map((h) => h.trim()).filter(Boolean) }),
    ...(values['any-origin'] && { anyOrigin: true }),
    ...(values.store !== undefined && { store: values.store }),
    ...(values.bus !== undefined && { bus: values.bus }),
    ...(values.files !== undefined && { files: values.files }),
    ...(values['project-quota'] !== undefined && { projectQuota: values['project-quota'] }),
    ...(values.import !== undefined && { importFile: values.import }),
    ...(values['export-on-exit'] !== undefined && { exportOnExit: values['export-on-exit'] }),
    ...(values['coverage-report'] !== undefined && { coverageReport: values['coverage-report'] }),
  } as unknown as Partial<EmulatorOptions>
  if (values['project-ttl'] !== undefined) {
    const ttl = parseDuration(values['project-ttl'])
    if (ttl === null) return usageError(`--project-ttl must be a duration such as 90s, 30m, 12h or 7d, got "${values['project-ttl']}"`)
    given.projectTtl = ttl
  }
  let emulator: RunningEmulator
  try {
    emulator = await startEmulator(given)
  } catch (error) {
    if (error instanceof OptionsError) return usageError(error.message)
    if (error instanceof ConfigError) {
      process.stderr.write(`appwrite-emulator: invalid configuration\n${error.message.replace(/^/gm, '  ')}\n`)
      return EXIT_FAILED
    }
    if (error instanceof StartError) {
      process.stderr.write(`appwrite-emulator: ${error.message}\n`)
      return EXIT_FAILED
    }
    process.stderr.write(`appwrite-emulator: failed to start: ${(error as Error)?.stack ?? String(error)}\n`)
    return EXIT_FAILED
  }
  process.stdout.write(banner(emulator))
  const shutdown = (signal: string) => {
    process.stdout.write(`\n  ${signal}: stopping…\n`)
    emulator.stop().then(
      () => {
        if (emulator.options.coverageReport) process.stdout.write(`\n${emulator.coverageTable()}  written to ${emulator.options.coverageReport}\n`)
        process.exit(0)
      },
      () => process.exit(EXIT_FAILED),
    )
  }
  process.once('SIGINT', () => shutdown('SIGINT'))
  process.once('SIGTERM', () => shutdown('SIGTERM'))
  return -1
}

/** The start-up banner: where the API and the control API are, where data goes, and what the config loaded. */
function banner(emulator: RunningEmulator): string {
  const o = emulator.options
  const l = emulator.loaded
  const list = (ids: string[]) => (ids.length ? `${ids.length} (${ids.join(', ')})` : 'none')
  const configLines = o.config
    ? [
        `  Config:   ${o.config}`,
        `    project ID:  ${l.projectId ?? 'not set (every project gets this config)'}`,
        `    databases:   ${list(l.databases)}`,
        `    collections: ${list(l.collections)}`,
        `    buckets:     ${list(l.buckets)}`,
        `    functions:   ${list(l.functions)}`,
        `    teams:       ${list(l.teams)}`,
        `    topics:      ${list(l.topics)}`,
        ...(l.warnings.length ? [`    warnings:    ${l.warnings.length} (unknown keys, each logged at warn)`] : []),
      ]
    : ['  Config:   none (no appwrite.json here; --config names one)']
  return (
    [
      '',
      `  Appwrite emulator ${packageVersion()} (client API 1.5.11) is ready`,
      `  API:      ${emulator.url}`,
      `  Projects: ${o.config ? 'from config' : 'any ID'} — unknown project IDs are created on first use`,
      `  Data:     ${o.inMemory ? 'in memory (nothing on disk)' : o.data}`,
      ...configLines,
      `  Platforms: ${platformLine(emulator.platforms)}`,
      `  Control:  ${emulator.origin}/_emulator/health${o.controlToken ? ' (needs the control token)' : ' (direct loopback clients only)'}`,
      `  Console:  ${emulator.origin}/console${o.controlToken ? '?token=<control token>' : ''}`,
      ...(isLoopbackHost(o.host) || o.controlToken
        ? []
        : [`  Warning:  listening on ${o.host} without --control-token: only loopback clients can use the control API, and the client API is open to the network`]),
      '',
    ].join('\n') + '\n'
  )
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
