import type { OperationDescription, PreparedRequest } from './forms.js'

/** The languages the explorer writes a sample in. */
export const SAMPLE_LANGUAGES = ['curl', 'web', 'flutter', 'apple', 'android'] as const
export type SampleLanguage = (typeof SAMPLE_LANGUAGES)[number]

/** Where the samples point: the emulator's endpoint as the browser reaches it, e.g. `http://127.0.0.1:8080/v1`. */
export interface SampleTarget {
  endpoint: string
  project: string
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/** A `curl` command for the request, with the form's values, headers and JSON body. */
export function curlSample(request: PreparedRequest, target: SampleTarget): string {
  const base = target.endpoint.replace(/\/v1$/, '')
  const lines = [`curl -X ${request.method} ${shellQuote(base + request.url)}`]
  for (const [name, value] of Object.entries(request.headers)) lines.push(`-H ${shellQuote(`${name}: ${value}`)}`)
  if (request.fileParam) {
    for (const [name, value] of Object.entries(request.body ?? {})) lines.push(`-F ${shellQuote(`${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`)}`)
    lines.push(`-F ${shellQuote(`${request.fileParam}=@file.png`)}`)
  } else if (request.body && request.method !== 'GET') {
    lines.push(`--data ${shellQuote(JSON.stringify(request.body))}`)
  }
  return lines.join(' \\\n  ')
}

/** The SDK service class of a namespace: `account` → `Account`, `graphql` → `Graphql`. */
export const serviceClass = (namespace: string) => namespace[0].toUpperCase() + namespace.slice(1)

type Literal = (value: unknown) => string

const jsLiteral: Literal = (v) => JSON.stringify(v)
const dartLiteral: Literal = (v) => {
  if (typeof v === 'string') return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\$/g, '\\$')}'`
  if (Array.isArray(v)) return `[${v.map(dartLiteral).join(', ')}]`
  if (v && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${dartLiteral(k)}: ${dartLiteral(x)}`).join(', ')}}`
  return String(v)
}
const swiftLiteral: Literal = (v) => {
  if (typeof v === 'string') return JSON.stringify(v)
  if (Array.isArray(v)) return `[${v.map(swiftLiteral).join(', ')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v)
    return entries.length ? `[${entries.map(([k, x]) => `${JSON.stringify(k)}: ${swiftLiteral(x)}`).join(', ')}]` : '[:]'
  }
  return String(v)
}
const kotlinLiteral: Literal = (v) => {
  if (typeof v === 'string') return JSON.stringify(v).replace(/\$/g, '\\$')
  if (Array.isArray(v)) return `listOf(${v.map(kotlinLiteral).join(', ')})`
  if (v && typeof v === 'object') return `mapOf(${Object.entries(v).map(([k, x]) => `${kotlinLiteral(k)} to ${kotlinLiteral(x)}`).join(', ')})`
  return String(v)
}

const words = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1 $2').split(/[^A-Za-z0-9]+/).filter(Boolean)
const cap = (w: string) => w[0].toUpperCase() + w.slice(1).toLowerCase()

/** How each SDK names an enum member, after the SDK generator: `top-left` is `TopLeft`, `topLeft`, `topLeft`, `TOP_LEFT`. */
export const ENUM_MEMBER: Record<Exclude<SampleLanguage, 'curl'>, (key: string) => string> = {
  web: (k) => words(k).map(cap).join(''),
  flutter: (k) => words(k).map((w, i) => (i ? cap(w) : w.toLowerCase())).join(''),
  apple: (k) => words(k).map((w, i) => (i ? cap(w) : w.toLowerCase())).join(''),
  android: (k) => words(k).map((w) => w.toUpperCase()).join('_'),
}

/** The enum member for a whitelist param's value (`ImageFormat.Png`), or null when the spec named no enum. */
function enumLiteral(op: OperationDescription, name: string, value: unknown, language: Exclude<SampleLanguage, 'curl'>): string | null {
  const param = op.params.find((p) => p.name === name)
  if (!param?.enumName || typeof value !== 'string' || !param.values) return null
  const at = param.values.indexOf(value)
  if (at < 0) return null
  return `${param.enumName}.${ENUM_MEMBER[language](param.enumKeys?.[at] || value)}`
}

/** The enum types a call uses, for its imports. */
const enumsUsed = (op: OperationDescription, args: Record<string, unknown>) => [...new Set(op.params.filter((p) => p.enumName && p.name in args).map((p) => p.enumName!))]

/** The arguments given, in the route's order; the web SDK is positional, so a gap before a given one is `undefined`. */
function givenArgs(op: OperationDescription, args: Record<string, unknown>): [string, unknown][] {
  return op.params.filter((p) => p.name in args).map((p) => [p.name, args[p.name]])
}

const FILE = {
  web: "document.getElementById('uploader').files[0]",
  flutter: "InputFile(path: './path-to-files/image.jpg', filename: 'image.jpg')",
  apple: 'InputFile.fromPath("file.png")',
  android: 'InputFile.fromPath("file.png")',
}

/** The web SDK (appwrite@14) call, positional as that SDK takes its params. */
export function webSample(op: OperationDescription, request: PreparedRequest, target: SampleTarget): string {
  const names = op.params.map((p) => p.name)
  const last = Math.max(-1, ...names.map((n, i) => (n in request.args ? i : -1)))
  const positional = names.slice(0, last + 1).map((n) => (n === request.fileParam ? FILE.web : n in request.args ? enumLiteral(op, n, request.args[n], 'web') ?? jsLiteral(request.args[n]) : 'undefined'))
  const service = op.namespace
  return [
    `import { ${['Client', serviceClass(service), ...enumsUsed(op, request.args)].join(', ')} } from 'appwrite'`,
    '',
    `const client = new Client().setEndpoint(${jsLiteral(target.endpoint)}).setProject(${jsLiteral(target.project)})`,
    `const ${service} = new ${serviceClass(service)}(client)`,
    '',
    `const result = await ${service}.${op.name}(${positional.join(', ')})`,
    'console.log(result)',
  ].join('\n')
}

/** The Flutter SDK (appwrite 12, for 1.5) call, with named arguments. */
export function flutterSample(op: OperationDescription, request: PreparedRequest, target: SampleTarget): string {
  const args = givenArgs(op, request.args).map(([n, v]) => `  ${n}: ${n === request.fileParam ? FILE.flutter : enumLiteral(op, n, v, 'flutter') ?? dartLiteral(v)},`)
  return [
    "import 'package:appwrite/appwrite.dart';",
    ...(enumsUsed(op, request.args).length ? ["import 'package:appwrite/enums.dart';"] : []),
    '',
    `final client = Client().setEndpoint(${dartLiteral(target.endpoint)}).setProject(${dartLiteral(target.project)});`,
    `final ${op.namespace} = ${serviceClass(op.namespace)}(client);`,
    '',
    args.length ? `final result = await ${op.namespace}.${op.name}(\n${args.join('\n')}\n);` : `final result = await ${op.namespace}.${op.name}();`,
  ].join('\n')
}

/** The Apple SDK (Swift, 5.x for 1.5) call, with labelled arguments. */
export function appleSample(op: OperationDescription, request: PreparedRequest, target: SampleTarget): string {
  const args = givenArgs(op, request.args).map(([n, v]) => `    ${n}: ${n === request.fileParam ? FILE.apple : enumLiteral(op, n, v, 'apple') ?? swiftLiteral(v)}`)
  return [
    'import Appwrite',
    ...(enumsUsed(op, request.args).length ? ['import AppwriteEnums'] : []),
    '',
    `let client = Client().setEndpoint(${swiftLiteral(target.endpoint)}).setProject(${swiftLiteral(target.project)})`,
    `let ${op.namespace} = ${serviceClass(op.namespace)}(client)`,
    '',
    args.length ? `let result = try await ${op.namespace}.${op.name}(\n${args.join(',\n')}\n)` : `let result = try await ${op.namespace}.${op.name}()`,
  ].join('\n')
}

/** The Android SDK (Kotlin, 5.x for 1.5) call, with named arguments, from a coroutine. */
export function androidSample(op: OperationDescription, request: PreparedRequest, target: SampleTarget): string {
  const args = givenArgs(op, request.args).map(([n, v]) => `    ${n} = ${n === request.fileParam ? FILE.android : enumLiteral(op, n, v, 'android') ?? kotlinLiteral(v)}`)
  return [
    'import io.appwrite.Client',
    `import io.appwrite.services.${serviceClass(op.namespace)}`,
    ...enumsUsed(op, request.args).map((e) => `import io.appwrite.enums.${e}`),
    '',
    `val client = Client(context).setEndpoint(${kotlinLiteral(target.endpoint)}).setProject(${kotlinLiteral(target.project)})`,
    `val ${op.namespace} = ${serviceClass(op.namespace)}(client)`,
    '',
    args.length ? `val result = ${op.namespace}.${op.name}(\n${args.join(',\n')}\n)` : `val result = ${op.namespace}.${op.name}()`,
  ].join('\n')
}

/** Every sample of one request. */
export function samples(op: OperationDescription, request: PreparedRequest, target: SampleTarget): Record<SampleLanguage, string> {
  return {
    curl: curlSample(request, target),
    web: webSample(op, request, target),
    flutter: flutterSample(op, request, target),
    apple: appleSample(op, request, target),
    android: androidSample(op, request, target),
  }
}
