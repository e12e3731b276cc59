/** Reads a control API route (same origin, behind the emulator's loopback/token guard). */
export async function control<T>(path: string, init?: RequestInit): Promise<T> {
  const res = await fetch(`/_emulator${path}`, { credentials: 'omit', ...init, headers: { ...authHeader(), ...(init?.headers ?? {}) } })
  const text = await res.text()
  const body = text ? JSON.parse(text) : null
  if (!res.ok) throw new Error(body?.message ?? `${res.status}`)
  return body as T
}

// A control token, when the emulator runs with one, is typed once and kept for this tab only.
const TOKEN_KEY = 'appwrite-emulator-console-token'
export const authHeader = (): Record<string, string> => {
  const token = sessionStorage.getItem(TOKEN_KEY) ?? document.querySelector<HTMLMetaElement>('meta[name=control-token]')?.content
  return token ? { Authorization: `Bearer ${token}` } : {}
}
export const setToken = (token: string) => sessionStorage.setItem(TOKEN_KEY, token)

/** One event of a project as the console's stream sends it. */
export interface ConsoleEvent {
  name: string
  events: string[]
  channels: string[]
  payload: Record<string, unknown>
  at: number
}

type Listener = (event: ConsoleEvent) => void

/** The project's event stream (server-sent events), shared by every view that listens. */
export class EventStream {
  private source: EventSource | null = null
  private readonly listeners = new Set<Listener>()
  readonly recent: ConsoleEvent[] = []

  constructor(readonly project: string) {}

  listen(listener: Listener): () => void {
    this.listeners.add(listener)
    if (!this.source) {
      this.source = new EventSource(`/_emulator/projects/${encodeURIComponent(this.project)}/events`)
      this.source.onmessage = (m) => {
        const event = { ...(JSON.parse(m.data) as Omit<ConsoleEvent, 'at'>), at: Date.now() }
        this.recent.push(event)
        if (this.recent.length > 200) this.recent.shift()
        for (const l of this.listeners) l(event)
      }
    }
    return () => this.listeners.delete(listener)
  }

  close() {
    this.source?.close()
    this.source = null
    this.listeners.clear()
  }
}

/** The emulator's client API endpoint as this page reaches it. */
export const endpoint = () => `${location.origin}/v1`

/**
 * Calls the client API as the console's chosen identity: no cookies, the session (if any) in `X-Appwrite-Session`.
 * Answers the parsed JSON, or throws Appwrite's error message.
 */
export async function asIdentity<T>(project: string, session: string | null, method: string, url: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { 'X-Appwrite-Project': project }
  if (session) headers['X-Appwrite-Session'] = session
  if (body !== undefined) headers['Content-Type'] = 'application/json'
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'omit' })
  const text = await res.text()
  const parsed = text && (res.headers.get('content-type') ?? '').includes('json') ? JSON.parse(text) : null
  if (!res.ok) throw new Error(parsed?.message ? `${res.status} ${parsed.type}: ${parsed.message}` : `${res.status}`)
  return parsed as T
}
