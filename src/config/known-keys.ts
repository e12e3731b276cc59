/**
 * The keys each kind of appwrite.json object has: `read` are those the emulator uses, `ignored` those the Appwrite
 * CLI (5.x, 6.x) writes that the emulator has no use for. Any other key is warned about, with the nearest `read`
 * key when it looks like a typo (`"colections"` → `collections`).
 */
export const KNOWN_KEYS = {
  root: {
    read: ['projectId', 'projectName', 'settings', 'databases', 'collections', 'buckets', 'functions', 'teams', 'topics', 'platforms'],
    ignored: ['$schema', 'endpoint', 'messages', 'messaging', 'tablesDB', 'tables', 'sites'],
  },
  settings: { read: ['services', 'auth'] },
  auth: { read: ['methods', 'security'] },
  security: {
    read: ['duration', 'limit', 'sessionsLimit', 'passwordHistory', 'passwordDictionary', 'personalDataCheck', 'sessionAlerts', 'mockNumbers'],
    ignored: ['membershipsUserName', 'membershipsUserEmail', 'membershipsMfa'],
  },
  mockNumber: { read: ['phone', 'otp'] },
  database: { read: ['$id', 'name', 'enabled'], ignored: ['$createdAt', '$updatedAt'] },
  collection: {
    read: ['$id', 'databaseId', 'name', 'enabled', 'documentSecurity', '$permissions', 'attributes', 'indexes'],
    ignored: ['$createdAt', '$updatedAt'],
  },
  attribute: {
    read: ['key', 'type', 'format', 'required', 'array', 'default', 'size', 'min', 'max', 'elements', 'relatedCollection', 'relationType', 'twoWay', 'twoWayKey', 'onDelete', 'side'],
    ignored: ['status', 'error', '$createdAt', '$updatedAt', 'encrypt'],
  },
  index: { read: ['key', 'type', 'attributes', 'orders'], ignored: ['status', 'error', '$createdAt', '$updatedAt', 'lengths'] },
  bucket: {
    read: ['$id', 'name', 'enabled', '$permissions', 'fileSecurity', 'maximumFileSize', 'allowedFileExtensions', 'compression', 'encryption', 'antivirus'],
    ignored: ['$createdAt', '$updatedAt'],
  },
  function: {
    read: ['$id', 'name', 'runtime', 'execute', 'events', 'schedule', 'timeout', 'enabled', 'logging', 'entrypoint', 'commands', 'path', 'scopes', 'vars'],
    ignored: ['ignore', 'specification', 'deployment', 'live', 'version', 'installationId', 'providerRepositoryId', 'providerBranch', 'providerRootDirectory', 'providerSilentMode', '$createdAt', '$updatedAt'],
  },
  team: { read: ['$id', 'name'], ignored: ['$createdAt', '$updatedAt', 'total', 'prefs'] },
  topic: { read: ['$id', 'name', 'subscribe'], ignored: ['$createdAt', '$updatedAt', 'emailTotal', 'smsTotal', 'pushTotal'] },
  platform: { read: ['type', 'hostname', 'key', 'name'] },
} satisfies Record<string, { read: readonly string[]; ignored?: readonly string[] }>

export type ConfigObjectKind = keyof typeof KNOWN_KEYS

/** The candidate closest to `word` (ignoring case) when it is close enough to be a likely typo, else undefined. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined
  let bestDistance = Infinity
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (d < bestDistance) {
      best = candidate
      bestDistance = d
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined
}

/** Edit distance counting a swap of two neighbours as one edit (`nmae` → `name`), as typos go. */
function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)))
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1)
    }
  }
  return d[a.length]![b.length]!
}
