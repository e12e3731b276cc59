/**
 * Per-project fairness in front of a bounded connection pool: at most `perProject` connections go to any one
 * project at a time, and when connections are scarce the waiting projects take turns (round robin), so one
 * project's burst queues behind itself instead of starving every other tenant.
 */
export class FairGate {
  private inUse = 0
  private readonly busy = new Map<string, number>()
  /** Waiters by project, in arrival order; `turns` is the round-robin order of projects with waiters. */
  private readonly waiting = new Map<string, (() => void)[]>()
  private readonly turns: string[] = []

  constructor(
    readonly size: number,
    readonly perProject: number,
  ) {}

  /** Runs `work` holding one of the gate's slots for `projectId`. */
  async run<T>(projectId: string, work: () => Promise<T>): Promise<T> {
    const release = await this.acquire(projectId)
    try {
      return await work()
    } finally {
      release()
    }
  }

  /** Waits for a slot for `projectId`; the function it resolves to gives the slot back (once). */
  async acquire(projectId: string): Promise<() => void> {
    if (!this.mayEnter(projectId)) await new Promise<void>((resolve) => this.enqueue(projectId, resolve))
    else this.enter(projectId)
    let released = false
    return () => {
      if (released) return
      released = true
      this.leave(projectId)
    }
  }

  /** Slots held now, for tests and the bench. */
  stats(): { inUse: number; waiting: number } {
    let waiting = 0
    for (const list of this.waiting.values()) waiting += list.length
    return { inUse: this.inUse, waiting }
  }

  private mayEnter(projectId: string): boolean {
    return this.inUse < this.size && (this.busy.get(projectId) ?? 0) < this.perProject && !this.waiting.has(projectId)
  }

  private enter(projectId: string): void {
    this.inUse++
    this.busy.set(projectId, (this.busy.get(projectId) ?? 0) + 1)
  }

  private enqueue(projectId: string, resolve: () => void): void {
    let list = this.waiting.get(projectId)
    if (!list) {
      this.waiting.set(projectId, (list = []))
      this.turns.push(projectId)
    }
    list.push(resolve)
  }

  private leave(projectId: string): void {
    this.inUse--
    const held = (this.busy.get(projectId) ?? 1) - 1
    if (held === 0) this.busy.delete(projectId)
    else this.busy.set(projectId, held)
    // Hand free slots to the next projects in turn whose own share is not used up.
    for (let scanned = 0; scanned < this.turns.length && this.inUse < this.size; ) {
      const next = this.turns.shift()!
      const list = this.waiting.get(next)!
      if ((this.busy.get(next) ?? 0) >= this.perProject) {
        this.turns.push(next)
        scanned++
        continue
      }
      const resolve = list.shift()!
      if (list.length === 0) this.waiting.delete(next)
      else this.turns.push(next)
      this.enter(next)
      resolve()
      scanned = 0
    }
  }
}
