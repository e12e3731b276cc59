import type { Clock } from '../domain/dates.js'

/** What a schedule needs of croner: the next run after a date (a paused `Cron` gives it). */
export interface NextRun {
  nextRun(after: Date): Date | null
}

/** The clock's jump notifications, when it has them (`ControllableClock.onChange`). */
type Jumping = Clock & { onChange?(listener: (now: number) => void): () => void }

// A timer wakes at least this often, so a clock moved by its base (a test's fake clock) is noticed too.
const MAX_SLEEP_MS = 30_000

/**
 * Fires `run` each time the emulated clock passes the schedule's next run. It sleeps (real time) until the next
 * run would come by the clock, and re-checks whenever the clock jumps. A jump past several runs fires once, as
 * a scheduler that was asleep catches up with one run, then goes on from the new time; a frozen clock never
 * reaches the next run, so nothing fires until it moves; set back, it waits for the first run after the new time.
 * Returns the stop function.
 */
export function scheduleOnClock(cron: NextRun, clock: Jumping, run: () => void): () => void {
  let next = cron.nextRun(new Date(clock.now()))
  let timer: NodeJS.Timeout | null = null
  let stopped = false
  let last = clock.now()
  const check = () => {
    if (stopped || !next) return
    const now = clock.now()
    // Set back in time: the next run is the first one after the new now.
    if (now < last) next = cron.nextRun(new Date(now))
    last = now
    // deviation: a jump past several runs fires once (a scheduler waking up), not once per missed run.
    if (next && now >= next.getTime()) {
      next = cron.nextRun(new Date(now))
      run()
    }
    arm()
  }
  const arm = () => {
    if (timer) clearTimeout(timer)
    timer = null
    if (stopped || !next) return
    timer = setTimeout(check, Math.min(Math.max(next.getTime() - clock.now(), 0), MAX_SLEEP_MS) + 5)
    timer.unref()
  }
  const unsubscribe = clock.onChange?.(() => check())
  arm()
  return () => {
    stopped = true
    if (timer) clearTimeout(timer)
    unsubscribe?.()
  }
}
