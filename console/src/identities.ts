import { useCallback, useEffect, useState } from 'preact/hooks'
import { control, type EventStream } from './api.js'

/** Who the explorer runs operations as: a guest, or a user of the project with a session string. */
export interface Identity {
  key: string
  label: string
  userId: string | null
}

export interface Identities {
  all: Identity[]
  current: Identity
  select(identity: Identity): void
  selectKey(key: string): void
  /** The session string to send for the current identity, minting one for a user the first time. */
  session(): Promise<string | null>
  /** Keeps a session the explorer saw created (`X-Fallback-Cookies`), so the user runs with it. */
  remember(userId: string, value: string): void
  /** Forgets a user's session (after it was deleted). */
  forget(userId: string): void
}

const GUEST: Identity = { key: 'guest', label: 'Guest (no session)', userId: null }

// Session strings per project and user, kept for this tab.
const sessions = new Map<string, string>()

/** Drops a user's session string (it was signed out), so the next run mints a new one. */
export const forgetSession = (project: string, userId: string) => sessions.delete(`${project}/${userId}`)

/** The identities of a project: a guest and each of its users, refreshed when users change. */
export function useIdentities(project: string, stream: EventStream): Identities {
  const [users, setUsers] = useState<{ $id: string; email: string; name: string }[]>([])
  const [currentKey, setCurrentKey] = useState('guest')
  useEffect(() => {
    setCurrentKey('guest')
    const load = () => control<{ users: { $id: string; email: string; name: string }[] }>(`/projects/${encodeURIComponent(project)}/users`).then((r) => setUsers(r.users), () => setUsers([]))
    load()
    return stream.listen((e) => {
      if (e.name.startsWith('users.')) load()
    })
  }, [project, stream])
  const all = [GUEST, ...users.map((u) => ({ key: `user:${u.$id}`, label: `${u.email || u.name || u.$id} (${u.$id})`, userId: u.$id }))]
  const current = all.find((i) => i.key === currentKey) ?? GUEST
  const remember = useCallback((userId: string, value: string) => sessions.set(`${project}/${userId}`, value), [project])
  return {
    all,
    current,
    select: (identity) => setCurrentKey(identity.key),
    selectKey: setCurrentKey,
    async session() {
      if (!current.userId) return null
      const key = `${project}/${current.userId}`
      const known = sessions.get(key)
      if (known) return known
      const minted = await control<{ value: string }>(`/projects/${encodeURIComponent(project)}/users/${encodeURIComponent(current.userId)}/sessions`, { method: 'POST' })
      sessions.set(key, minted.value)
      return minted.value
    },
    remember,
    forget: (userId) => sessions.delete(`${project}/${userId}`),
  }
}
