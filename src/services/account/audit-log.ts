import { uniqueId } from '../../domain/ids.js'
import { formatDate, type Clock } from '../../domain/dates.js'
import type { AppEvent, EventBus } from '../../events/bus.js'
import { detectDevice } from '../../core/device.js'
import type { Store } from '../../store/types.js'

/** Writes an account log entry for every event that carries an audit, as Appwrite's audits worker does. */
export function subscribeAuditLog(bus: EventBus, store: Store, clock: Clock): () => void {
  return bus.subscribe(async (event: AppEvent) => {
    if (!event.audit) return
    const { caller, projectId } = event
    const user = await store.users.get(projectId, event.audit.userId)
    // Outside the transaction: an agent the common shapes miss waits for the detector thread.
    const device = await detectDevice(caller.client.userAgent)
    await store.transaction(() =>
      store.logs.insert(projectId, {
        id: uniqueId(),
        userId: event.audit!.userId,
        event: event.audit!.event,
        mode: 'default',
        ip: caller.client.ip,
        time: formatDate(clock.now()),
        userEmail: user?.email ?? '',
        userName: user?.name ?? '',
        countryCode: '--',
        ...device,
      }),
    )
  })
}
