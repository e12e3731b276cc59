/** Appwrite 1.5's runtimes (app/config/runtimes.php of 1.5.x, open-runtimes v4 images) that the emulator runs. */
const NODE = ['node-14.5', 'node-16.0', 'node-18.0', 'node-19.0', 'node-20.0', 'node-21.0']
const PYTHON = ['python-3.8', 'python-3.9', 'python-3.10', 'python-3.11', 'python-3.12']

/** Which wrapper runs a function: `node` or `python`, or null for a runtime the emulator cannot run. */
export type RuntimeKind = 'node' | 'python'

export interface RuntimeInfo {
  kind: RuntimeKind
  /** `APPWRITE_FUNCTION_RUNTIME_NAME`, as Appwrite's runtime config names it. */
  name: string
  /** `APPWRITE_FUNCTION_RUNTIME_VERSION`. */
  version: string
}

/** The runtime of a function's `runtime` field, or null when the emulator does not run it. */
export function runtimeOf(runtime: string): RuntimeInfo | null {
  if (NODE.includes(runtime)) return { kind: 'node', name: 'Node.js', version: runtime.slice(5) }
  if (PYTHON.includes(runtime)) return { kind: 'python', name: 'Python', version: runtime.slice(7) }
  return null
}

/** The message of `function_runtime_unsupported`: Appwrite's, plus the runtimes the emulator does run. */
export function unsupportedRuntimeMessage(runtime: string): string {
  return `Runtime "${runtime}" is not supported. The emulator runs ${[...NODE, ...PYTHON].join(', ')}.`
}

/** The runtimes the emulator runs, for docs and messages. */
export const SUPPORTED_RUNTIMES: readonly string[] = [...NODE, ...PYTHON]

/** Files whose change triggers the function's `commands` (its build) again. */
export const DEPENDENCY_FILES = ['package.json', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'pnpm-lock.yaml', 'requirements.txt', 'pyproject.toml', 'Pipfile', 'Pipfile.lock']
