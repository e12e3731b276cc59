import type { Caller } from '../core/caller.js'

/** One change, published after its transaction commits. */
export interface AppEvent {
  projectId: string
  /** The route's event pattern with its IDs filled in, e.g. `users.abc.sessions.def.create`. */
  name: string
  /** The pattern's IDs by name, e.g. `{ userId: 'abc', sessionId: 'def' }` (IDs may contain dots). */
  params: Readonly<Record<string, string>>
  /** Every name the event matches, wildcards included, as Appwrite lists them. */
  events: string[]
  payload: Record<string, unknown>
  caller: Caller
  /** The audit entry it makes, if any: `session.create`, `user.update`… and the user it is about. */
  audit?: { event: string; userId: string }
}

export type EventListener = (event: AppEvent) => void | Promise<void>

/**
 * Appwrite's event names for a pattern such as `users.[userId].sessions.[sessionId].create`: each resource ID
 * is taken as itself and as `*`, and each combination is listed with its action, without it, and as the bare
 * parent resources.
 */
export function generateEvents(pattern: string, params: Record<string, string>): string[] {
  const parts = pattern.split('.')
  const out = new Set<string>()
  const resourceIdx = parts.flatMap((part, i) => (part.startsWith('[') ? [i] : []))
  const lastResource = resourceIdx[resourceIdx.length - 1] ?? parts.length - 1
  const combos = 1 << resourceIdx.length
  for (let mask = 0; mask < combos; mask++) {
    const filled = parts.map((part, i) => {
      const r = resourceIdx.indexOf(i)
      if (r < 0) return part
      return mask & (1 << (resourceIdx.length - 1 - r)) ? '*' : params[part.slice(1, -1)] ?? '*'
    })
    for (let end = parts.length; end > lastResource; end--) out.add(filled.slice(0, end).join('.'))
    for (const r of resourceIdx.slice(0, -1)) out.add(filled.slice(0, r + 1).join('.'))
  }
  return [...out]
}

/** The in-process event bus. Listeners run after the publisher's transaction; their failures are logged, not thrown. */
export class EventBus {
  private readonly listeners = new Set<EventListener>()

  constructor(
    private readonly onError: (error: unknown) => void = () => {},
    /** Tells whether the publisher is still inside a transaction, which would announce a change that may roll back. */
    private readonly insideTransaction: () => boolean = () => false,
  ) {}

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /**
   * Publishes `pattern` with its IDs from `params`. Resolves once every listener has run, so a response is sent
   * only after the logs it causes are written; a listener's failure is reported, never thrown.
   */
  async publish(input: Omit<AppEvent, 'name' | 'events'> & { pattern: string; params: Record<string, string> }): Promise<void> {
    const { pattern, ...rest } = input
    const { params } = input
    if (this.insideTransaction()) throw new Error(`${pattern} was published inside a transaction; publish after it commits`)
    const name = pattern.replace(/\[(\w+)\]/g, (_, key: string) => params[key] ?? '*')
    let events: string[] | undefined
    // The wildcard list grows with every resource level; only listeners that match on it (realtime) pay for it.
    const event: AppEvent = {
      ...rest,
      name,
      get events() {
        return (events ??= generateEvents(pattern, params))
      },
    }
    await Promise.all(
      [...this.listeners].map(async (listener) => {
        try {
          await listener(event)
        } catch (error) {
          this.onError(error)
        }
      }),
    )
  }
}
