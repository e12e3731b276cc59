import { isDeepStrictEqual } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseAppwriteJson } from '../../src/config/appwrite-json.js'
import { cookieHeader, createTestApp, PROJECT, type TestApp, type TestRequest, type TestResponse } from '../harness/app.js'

/**
 * The permission matrix (issue 11): guests, users, team members, a pending invitee and an anonymous user against
 * each other's documents, files, teams, memberships and sessions. Rows are generated from actors × resources ×
 * operations; each expectation comes from the small rule functions below, written from BEHAVIORS §8, §9, §13 and
 * §14 and never from the emulator. The last test asserts "0 leaks" and prints every mismatch.
 *
 * Labels are server-only in 1.5 (no client route sets them), so there is no `label:` actor.
 */

// ─── Actors and the roles Appwrite gives them (BEHAVIORS §9, `Auth::getRoles`) ────────────────────────────────────

type Actor = 'guest' | 'alice' | 'bob' | 'carol' | 'dave' | 'erin' | 'anon'
type User = Exclude<Actor, 'guest'>
const ACTORS: Actor[] = ['guest', 'alice', 'bob', 'carol', 'dave', 'erin', 'anon']
const USERS: User[] = ['alice', 'bob', 'carol', 'dave', 'erin', 'anon']
const EMAIL_USERS = ['alice', 'bob', 'carol', 'dave', 'erin'] as const

/**
 * Values only known at run time are written as tokens: `@anon` is the anonymous user's ID, `@m_<user>` a
 * membership ID. Permissions and expectations are built with tokens; requests carry the real values.
 */
const userIdOf = (u: User) => (u === 'anon' ? '@anon' : u)

interface MembershipModel {
  team: string
  user: string
  roles: string[]
  confirmed: boolean
  permissions: string[]
}

/** A team creator's membership (BEHAVIORS §13). */
const creatorPermissions = (team: string, user: string) => [
  `read("user:${user}")`, `read("team:${team}")`, `update("user:${user}")`, `update("team:${team}/owner")`, `delete("user:${user}")`, `delete("team:${team}/owner")`,
]
/** An invitation, accepted or not (BEHAVIORS §13). */
const invitationPermissions = (team: string, user: string) => [
  'read("any")', `update("user:${user}")`, `update("team:${team}/owner")`, `delete("user:${user}")`, `delete("team:${team}/owner")`,
]

/** dave owns `staff`; carol accepted an `editor` invitation; erin's `editor` invitation is still open; bob owns `other`. */
const MEMBERSHIPS: Record<string, MembershipModel> = {
  '@m_dave': { team: 'staff', user: 'dave', roles: ['owner'], confirmed: true, permissions: creatorPermissions('staff', 'dave') },
  '@m_carol': { team: 'staff', user: 'carol', roles: ['editor'], confirmed: true, permissions: invitationPermissions('staff', 'carol') },
  '@m_erin': { team: 'staff', user: 'erin', roles: ['editor'], confirmed: false, permissions: invitationPermissions('staff', 'erin') },
  '@m_bob': { team: 'other', user: 'bob', roles: ['owner'], confirmed: true, permissions: creatorPermissions('other', 'bob') },
}
/** Accepting an invitation verifies the invitee's email (BEHAVIORS §13); nobody else verified anything. */
const VERIFIED = new Set<Actor>(['carol'])

function rolesOf(actor: Actor): string[] {
  if (actor === 'guest') return ['any', 'guests']
  const id = userIdOf(actor)
  const dim = VERIFIED.has(actor) ? 'verified' : 'unverified'
  const roles = ['any', 'users', `user:${id}`, `users/${dim}`, `user:${id}/${dim}`]
  for (const [token, m] of Object.entries(MEMBERSHIPS)) {
    // Only confirmed memberships give team roles.
    if (m.user === actor && m.confirmed) roles.push(`team:${m.team}`, `member:${token}`, ...m.roles.map((r) => `team:${m.team}/${r}`))
  }
  return roles
}
const ROLES = Object.fromEntries(ACTORS.map((a) => [a, rolesOf(a)])) as Record<Actor, string[]>

// ─── The rules (pure) ──────────────────────────────────────────────────────────────────────────────────────────────

type Action = 'create' | 'read' | 'update' | 'delete'

/** Whether one of `roles` is granted `action` by `permissions`; `write` means update and delete. */
function allows(roles: readonly string[], permissions: readonly string[], action: Action): boolean {
  return permissions.some((p) => {
    const m = /^(\w+)\("(.*)"\)$/.exec(p)
    if (!m) return false
    const granted = m[1] === action || (m[1] === 'write' && (action === 'update' || action === 'delete'))
    return granted && roles.includes(m[2])
  })
}

/** utopia `Permission::aggregate`: `write` becomes update + delete after the plain ones, no duplicates. */
function aggregate(permissions: readonly string[]): string[] {
  const plain = permissions.filter((p) => !p.startsWith('write('))
  const expanded = permissions.filter((p) => p.startsWith('write(')).flatMap((p) => [p.replace(/^write/, 'update'), p.replace(/^write/, 'delete')])
  return [...new Set([...plain, ...expanded])]
}

/** No permissions given: the creator's read, update and delete, or nothing for a guest (BEHAVIORS §8, §14). */
const defaultPermissions = (actor: Actor) => (actor === 'guest' ? [] : ['read', 'update', 'delete'].map((a) => `${a}("user:${userIdOf(actor)}")`))

interface Outcome {
  status: number
  type?: string
  /** Lists: whether the row's item is in the answer. */
  present?: boolean
  /** Creates: the `$permissions` of the answer. */
  permissions?: string[]
}
const ok = (status: number, extra: Omit<Outcome, 'status'> = {}): Outcome => ({ status, ...extra })
const fail = (status: number, type: string): Outcome => ({ status, type })
const UNAUTHORIZED = fail(401, 'user_unauthorized')
const NO_SCOPE = fail(401, 'general_unauthorized_scope')

type ReadOp = 'get' | 'list'
type DocOp = ReadOp | 'update' | 'update (no change)' | 'delete'
type FileOp = Exclude<DocOp, 'update (no change)'> | 'download'

interface Container {
  id: string
  permissions: string[]
  /** documentSecurity / fileSecurity */
  itemSecurity: boolean
}

/**
 * Documents (BEHAVIORS §8): readable iff collection read, or documentSecurity and document read; an unreadable
 * document is 404; a list with neither collection read nor documentSecurity is 401; update and delete find the
 * document without a read check and answer 401 when neither level grants the action. An update that changes
 * nothing is checked for read instead of update.
 */
function documentRule(op: DocOp, roles: string[], collection: Container, doc: string[]): Outcome {
  const may = (a: Action) => allows(roles, collection.permissions, a) || (collection.itemSecurity && allows(roles, doc, a))
  switch (op) {
    case 'get':
      return may('read') ? ok(200) : fail(404, 'document_not_found')
    case 'list':
      if (!allows(roles, collection.permissions, 'read') && !collection.itemSecurity) return UNAUTHORIZED
      return ok(200, { present: may('read') })
    case 'update':
      return may('update') ? ok(200) : UNAUTHORIZED
    case 'update (no change)':
      return may('read') ? ok(200) : UNAUTHORIZED
    case 'delete':
      return may('delete') ? ok(204) : UNAUTHORIZED
  }
}

/**
 * Files (BEHAVIORS §14): as documents, except that without bucket permission for the action and without
 * fileSecurity every operation, reads included, is 401; with fileSecurity an unreadable file is 404.
 */
function fileRule(op: FileOp, roles: string[], bucket: Container, file: string[]): Outcome {
  const action: Action = op === 'update' ? 'update' : op === 'delete' ? 'delete' : 'read'
  const byBucket = allows(roles, bucket.permissions, action)
  if (!byBucket && !bucket.itemSecurity) return UNAUTHORIZED
  const may = byBucket || allows(roles, file, action)
  switch (op) {
    case 'get':
    case 'download':
      return may ? ok(200) : fail(404, 'storage_file_not_found')
    case 'list':
      return ok(200, { present: may })
    case 'update':
      return may ? ok(200) : UNAUTHORIZED
    case 'delete':
      return may ? ok(204) : UNAUTHORIZED
  }
}

/**
 * Creates (BEHAVIORS §8, §9, §14): each given role must be one the caller holds, the container's `create` must
 * match; both fail with 401 `user_unauthorized`. Document security plays no part.
 */
function createRule(actor: Actor, containerPermissions: string[], given: string[] | null): Outcome {
  const roles = ROLES[actor]
  if (given && given.some((p) => !roles.includes(/\("(.*)"\)/.exec(p)![1]))) return UNAUTHORIZED
  if (!allows(roles, containerPermissions, 'create')) return UNAUTHORIZED
  return ok(201, { permissions: given ? aggregate(given) : defaultPermissions(actor) })
}

/** Teams (BEHAVIORS §13): read by `team:<id>`, written by `team:<id>/owner`; guests lack the teams scopes. */
function teamRule(op: 'get' | 'list' | 'update', actor: Actor, team: string): Outcome {
  if (actor === 'guest') return NO_SCOPE
  const roles = ROLES[actor]
  const member = roles.includes(`team:${team}`)
  if (op === 'list') return ok(200, { present: member })
  if (!member) return fail(404, 'team_not_found')
  if (op === 'update' && !roles.includes(`team:${team}/owner`)) return UNAUTHORIZED
  return ok(200)
}

type MembershipOp = 'list' | 'get' | 'update' | 'delete'

/**
 * Memberships (BEHAVIORS §13, teams.php order): the team and the membership are read with permission checks;
 * unreadable is missing. Only owners change roles (401); the member themself or an owner may delete (401).
 * Delete reads the membership first (404 `team_invite_not_found`), then the team, then checks they match.
 */
function membershipRule(op: MembershipOp, actor: Actor, pathTeam: string, m: MembershipModel): Outcome {
  if (actor === 'guest') return NO_SCOPE
  const roles = ROLES[actor]
  const teamReadable = roles.includes(`team:${pathTeam}`)
  const readable = allows(roles, m.permissions, 'read')
  switch (op) {
    case 'list':
      return teamReadable ? ok(200, { present: readable && m.team === pathTeam }) : fail(404, 'team_not_found')
    case 'get':
      if (!teamReadable) return fail(404, 'team_not_found')
      return readable ? ok(200) : fail(404, 'membership_not_found')
    case 'update':
      if (!teamReadable) return fail(404, 'team_not_found')
      if (!readable) return fail(404, 'membership_not_found')
      return roles.includes(`team:${pathTeam}/owner`) ? ok(200) : UNAUTHORIZED
    case 'delete':
      if (!readable) return fail(404, 'team_invite_not_found')
      if (!teamReadable) return fail(404, 'team_not_found')
      if (m.team !== pathTeam) return fail(404, 'team_membership_mismatch')
      return allows(roles, m.permissions, 'delete') ? ok(204) : UNAUTHORIZED
  }
}

/** Sessions (BEHAVIORS §10): a user sees and changes only their own; another user's session ID is unknown. */
function sessionRule(op: 'list' | 'get' | 'update' | 'delete', actor: Actor, owner: User): Outcome {
  if (actor === 'guest') return NO_SCOPE
  if (op === 'list') return ok(200, { present: actor === owner })
  if (actor !== owner) return fail(404, 'user_session_not_found')
  return ok(op === 'delete' ? 204 : 200)
}

// ─── Resources ─────────────────────────────────────────────────────────────────────────────────────────────────────

const rud = (role: string) => [`read("${role}")`, `update("${role}")`, `delete("${role}")`]
const ANY_RUD = rud('any')

/** Item permissions a creator who holds every role in them sets; null = none sent (the default). */
interface PermissionSet {
  key: string
  creator: Actor
  permissions: string[] | null
}
const PERMISSION_SETS: PermissionSet[] = [
  { key: 'empty', creator: 'guest', permissions: [] },
  { key: 'default', creator: 'alice', permissions: null },
  { key: 'alice', creator: 'alice', permissions: rud('user:alice') },
  { key: 'alice-unverified', creator: 'alice', permissions: ['read("user:alice/unverified")', 'update("user:alice/unverified")'] },
  { key: 'team', creator: 'carol', permissions: rud('team:staff') },
  { key: 'editor', creator: 'carol', permissions: rud('team:staff/editor') },
  { key: 'owner', creator: 'dave', permissions: rud('team:staff/owner') },
  { key: 'team-read-owner-write', creator: 'dave', permissions: ['read("team:staff")', 'write("team:staff/owner")'] },
  { key: 'member', creator: 'carol', permissions: ['read("member:@m_carol")', 'update("member:@m_carol")'] },
  { key: 'users', creator: 'bob', permissions: rud('users') },
  { key: 'users-read-bob-write', creator: 'bob', permissions: ['read("users")', 'update("user:bob")', 'delete("user:bob")'] },
  { key: 'verified', creator: 'carol', permissions: ['read("users/verified")', 'delete("users/verified")'] },
  { key: 'unverified', creator: 'bob', permissions: ['read("users/unverified")', 'update("users/unverified")'] },
  { key: 'any', creator: 'guest', permissions: ANY_RUD },
  { key: 'any-read', creator: 'guest', permissions: ['read("any")'] },
  { key: 'guests', creator: 'guest', permissions: rud('guests') },
  { key: 'bob-write-only', creator: 'bob', permissions: ['write("user:bob")'] },
  { key: 'erin', creator: 'erin', permissions: rud('user:erin') },
  { key: 'anon-default', creator: 'anon', permissions: null },
]
const SUBSET = ['empty', 'default', 'editor', 'owner', 'any-read', 'guests', 'bob-write-only']
const setsNamed = (keys: string[]) => PERMISSION_SETS.filter((s) => keys.includes(s.key))
/** What a set stores: the aggregate of what was sent, or the creator's defaults. */
const storedPermissions = (s: PermissionSet) => (s.permissions ? aggregate(s.permissions) : defaultPermissions(s.creator))

/** Items in containers without item security are created by a guest granting `any` everything: it must not count. */
const IGNORED: PermissionSet = { key: 'ignored-any', creator: 'guest', permissions: ANY_RUD }

const COLLECTIONS: (Container & { sets: PermissionSet[] })[] = [
  { id: 'c_open', itemSecurity: false, permissions: ['create("any")', 'read("any")'], sets: [IGNORED] },
  { id: 'c_users', itemSecurity: false, permissions: ['create("any")', ...rud('users')], sets: [IGNORED] },
  { id: 'c_team', itemSecurity: false, permissions: ['create("any")', 'read("team:staff")', 'update("team:staff/editor")', 'delete("team:staff/owner")'], sets: [IGNORED] },
  { id: 'c_alice', itemSecurity: false, permissions: ['create("any")', ...rud('user:alice')], sets: [IGNORED] },
  { id: 'c_guests', itemSecurity: false, permissions: ['create("any")', ...rud('guests')], sets: [IGNORED] },
  { id: 'c_verified', itemSecurity: false, permissions: ['create("any")', 'read("users/verified")', 'update("users/unverified")', 'delete("user:bob")'], sets: [IGNORED] },
  { id: 'c_writeonly', itemSecurity: false, permissions: ['create("any")', 'update("users")', 'delete("team:staff")'], sets: [IGNORED] },
  { id: 'c_closed', itemSecurity: false, permissions: ['create("any")'], sets: [IGNORED] },
  { id: 's_none', itemSecurity: true, permissions: ['create("any")'], sets: PERMISSION_SETS },
  { id: 's_users', itemSecurity: true, permissions: ['create("any")', 'read("users")'], sets: setsNamed(SUBSET) },
  { id: 's_team', itemSecurity: true, permissions: ['create("any")', 'read("team:staff")', 'update("team:staff/owner")'], sets: setsNamed(SUBSET) },
]

/** Collections for the create rows: who may create decides, nothing else. */
const CREATE_COLLECTIONS: Container[] = [
  ['k_any', 'any'], ['k_guests', 'guests'], ['k_users', 'users'], ['k_alice', 'user:alice'], ['k_team', 'team:staff'],
  ['k_editor', 'team:staff/editor'], ['k_owner', 'team:staff/owner'], ['k_verified', 'users/verified'], ['k_unverified', 'users/unverified'], ['k_none', null],
].map(([id, role]) => ({ id: id!, itemSecurity: false, permissions: role ? [`create("${role}")`] : [] }))

/** Roles a caller tries to grant on a new document or file: only their own may be (BEHAVIORS §8 "Permissions must be one of"). */
const GRANTS = ['any', 'guests', 'users', 'users/verified', 'users/unverified', 'user:alice', 'user:alice/unverified', 'user:erin', 'team:staff', 'team:staff/editor', 'team:staff/owner', 'team:other', 'member:@m_carol']
const FILE_GRANTS = ['guests', 'users', 'user:alice', 'team:staff', 'team:staff/editor', 'team:staff/owner', 'member:@m_carol']

const BUCKETS: (Container & { sets: PermissionSet[] })[] = [
  { id: 'b_open', itemSecurity: false, permissions: ['create("any")', ...ANY_RUD], sets: [IGNORED] },
  { id: 'b_users', itemSecurity: false, permissions: ['create("any")', 'read("users")', 'update("users")', 'delete("team:staff/owner")'], sets: [IGNORED] },
  { id: 'b_team', itemSecurity: false, permissions: ['create("any")', 'read("team:staff")', 'update("team:staff/editor")', 'delete("team:staff/owner")'], sets: [IGNORED] },
  { id: 'b_guests', itemSecurity: false, permissions: ['create("any")', 'read("guests")'], sets: [IGNORED] },
  { id: 'b_closed', itemSecurity: false, permissions: ['create("any")'], sets: [IGNORED] },
  { id: 'b_secure', itemSecurity: true, permissions: ['create("any")'], sets: PERMISSION_SETS },
  { id: 'b_secure_users', itemSecurity: true, permissions: ['create("any")', 'read("users")'], sets: setsNamed(SUBSET) },
]
const CREATE_BUCKETS: Container[] = [
  { id: 'bk_users', itemSecurity: true, permissions: ['create("users")'] },
  { id: 'bk_editor', itemSecurity: true, permissions: ['create("team:staff/editor")'] },
  { id: 'bk_none', itemSecurity: true, permissions: [] },
]

const TEMPLATE = parseAppwriteJson(
  {
    projectId: PROJECT,
    databases: [{ $id: 'db', name: 'Matrix' }],
    collections: [...COLLECTIONS, ...CREATE_COLLECTIONS].map((c) => ({
      $id: c.id, databaseId: 'db', name: c.id, documentSecurity: c.itemSecurity, $permissions: c.permissions,
      attributes: [{ key: 'note', type: 'string', size: 100, required: false }],
    })),
    buckets: [...BUCKETS, ...CREATE_BUCKETS].map((b) => ({ $id: b.id, name: b.id, fileSecurity: b.itemSecurity, $permissions: b.permissions, encryption: false, antivirus: false })),
  },
  '/x/appwrite.json',
)

/** One document or file under test: a shared item for reads and updates, and one copy per actor to delete. */
interface Item {
  id: string
  container: Container
  set: PermissionSet
  stored: string[]
}
const itemsOf = (containers: (Container & { sets: PermissionSet[] })[], prefix: string): Item[] =>
  containers.flatMap((c) => c.sets.map((set) => ({ container: c, set, stored: storedPermissions(set) }))).map((x, i) => ({ id: `${prefix}${i}`, ...x }))
const DOCS = itemsOf(COLLECTIONS, 'd')
const FILES = itemsOf(BUCKETS, 'f')
const copyId = (item: Item, actor: Actor) => `${item.id}_${actor}`

// ─── Run-time state ────────────────────────────────────────────────────────────────────────────────────────────────

let app: TestApp
const cookies: Partial<Record<Actor, string>> = {}
/** token → real value (`@anon` → user ID, `@m_carol` → membership ID). */
const tokens = new Map<string, string>()
/** `<user>.main` / `<user>.spare` → session ID. */
const sessions: Record<string, string> = {}
/** Fresh memberships for the delete rows, `<actor>.<kind>` → membership ID. */
const fresh: Record<string, string> = {}

const wire = (s: string) => s.replace(/@\w+/g, (t) => tokens.get(t) ?? t)
const unwire = (s: string) => [...tokens].reduce((acc, [token, real]) => acc.split(real).join(token), s)
const q = (query: object) => encodeURIComponent(JSON.stringify(query))
const byId = (id: string) => `queries[]=${q({ method: 'equal', attribute: '$id', values: [id] })}`

function send(actor: Actor, r: Omit<TestRequest, 'cookie'>): Promise<TestResponse> {
  return app.request({ ...r, cookie: cookies[actor] })
}

/** The outcome of a response: errors by status and type; successes by status, after `check` looks at the body. */
function outcomeOf(res: TestResponse, check: (body: any, text: string) => Omit<Outcome, 'status'> | false = () => ({})): Outcome {
  if (res.status >= 400) return fail(res.status, typeof res.body === 'object' && res.body ? res.body.type : 'not-json')
  const extra = check(res.body, res.text)
  return extra === false ? fail(res.status, 'unexpected_body') : ok(res.status, extra)
}

/** A list check: the item is there, and `total` agrees with the page. */
const listed = (key: string, id: string) => (body: any) => {
  const items: { $id: string }[] = body?.[key] ?? []
  const present = items.some((x) => x.$id === id)
  return body.total === items.length ? { present } : false
}

function multipart(fileId: string, content: string, permissions: string[] | null) {
  const boundary = '----permission-matrix'
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`
  let body = field('fileId', fileId)
  body += `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileId}.txt"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`
  for (const p of permissions ?? []) body += field('permissions[]', p)
  return { body: `${body}--${boundary}--\r\n`, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }
}

const docUrl = (collection: string, id = '') => `/v1/databases/db/collections/${collection}/documents${id && `/${id}`}`
const fileUrl = (bucket: string, id = '') => `/v1/storage/buckets/${bucket}/files${id && `/${id}`}`
const content = (id: string) => `hello ${id}`

function createDocument(actor: Actor, collection: string, id: string, permissions: string[] | null) {
  return send(actor, { method: 'POST', url: docUrl(collection), body: { documentId: id, data: { note: 'seed' }, ...(permissions && { permissions: permissions.map(wire) }) } })
}
function createFile(actor: Actor, bucket: string, id: string, permissions: string[] | null) {
  return send(actor, { method: 'POST', url: fileUrl(bucket), ...multipart(id, content(id), permissions && permissions.map(wire)) })
}

async function must(res: Promise<TestResponse>, status: number, what: string): Promise<any> {
  const r = await res
  if (r.status !== status) throw new Error(`setup: ${what} answered ${r.status} ${r.text}`)
  return r.body
}

async function secretFor(membershipId: string): Promise<string> {
  const messages = await app.store.messages.list(PROJECT)
  const message = messages.find((m) => m.data.membershipId === membershipId)
  if (!message) throw new Error(`setup: no invitation message for ${membershipId}`)
  return message.data.secret!
}

/** dave invites (by user ID or email) into `staff`; with `accept`, the invitee accepts as a guest with the emailed secret. */
async function invite(who: { userId?: string; email?: string }, roles: string[], accept: boolean): Promise<string> {
  const created = await must(send('dave', { method: 'POST', url: '/v1/teams/staff/memberships', body: { ...who, roles, url: 'http://localhost/join' } }), 201, 'invitation')
  if (accept) {
    const secret = await secretFor(created.$id)
    await must(app.request({ method: 'PATCH', url: `/v1/teams/staff/memberships/${created.$id}/status`, body: { userId: created.userId, secret } }), 200, 'acceptance')
  }
  return created.$id
}

async function setUp(): Promise<void> {
  await Promise.all(
    EMAIL_USERS.map(async (id) => {
      const email = `${id}@example.test`
      const password = `${id}-password-1`
      await must(app.request({ method: 'POST', url: '/v1/account', body: { userId: id, email, password, name: id } }), 201, `sign-up of ${id}`)
      for (const slot of ['main', 'spare']) {
        const res = await app.request({ method: 'POST', url: '/v1/account/sessions/email', body: { email, password } })
        if (res.status !== 201) throw new Error(`setup: session for ${id}: ${res.text}`)
        sessions[`${id}.${slot}`] = res.body.$id
        if (slot === 'main') cookies[id] = cookieHeader(res.headers['set-cookie'])
      }
    }),
  )
  // An anonymous user has a single session: deleting it is the file's last row.
  const anon = await app.request({ method: 'POST', url: '/v1/account/sessions/anonymous' })
  if (anon.status !== 201) throw new Error(`setup: anonymous session: ${anon.text}`)
  cookies.anon = cookieHeader(anon.headers['set-cookie'])
  sessions['anon.main'] = anon.body.$id
  tokens.set('@anon', anon.body.userId)

  await must(send('dave', { method: 'POST', url: '/v1/teams', body: { teamId: 'staff', name: 'Staff' } }), 201, 'team staff')
  await must(send('bob', { method: 'POST', url: '/v1/teams', body: { teamId: 'other', name: 'Other' } }), 201, 'team other')
  for (const [owner, team] of [['dave', 'staff'], ['bob', 'other']] as const) {
    const list = await must(send(owner, { method: 'GET', url: `/v1/teams/${team}/memberships` }), 200, `memberships of ${team}`)
    tokens.set(`@m_${owner}`, list.memberships.find((m: { userId: string }) => m.userId === owner).$id)
  }
  tokens.set('@m_carol', await invite({ userId: 'carol' }, ['editor'], true))
  tokens.set('@m_erin', await invite({ userId: 'erin' }, ['editor'], false))
  for (const actor of ACTORS) {
    for (const kind of FRESH_KINDS) {
      fresh[`${actor}.${kind}`] = await invite({ email: `${actor}-${kind}@fresh.test` }, kind === 'owner' ? ['owner'] : ['editor'], kind !== 'pending')
    }
  }

  for (const item of DOCS) {
    for (const id of [item.id, ...ACTORS.map((a) => copyId(item, a))]) {
      await must(createDocument(item.set.creator, item.container.id, id, item.set.permissions), 201, `document ${id}`)
    }
  }
  for (const item of FILES) {
    for (const id of [item.id, ...ACTORS.map((a) => copyId(item, a))]) {
      await must(createFile(item.set.creator, item.container.id, id, item.set.permissions), 201, `file ${id}`)
    }
  }
}

// ─── The rows ──────────────────────────────────────────────────────────────────────────────────────────────────────

/**
 * Phases keep destructive rows from spoiling later ones: 1 reads, 2 updates and creates, 3 deletes of per-row
 * items and deletes expected to fail, 4 deletes of shared things expected to succeed (own spare session, leaving a
 * team), 5 the anonymous user deleting their only session.
 */
interface Row {
  actor: Actor
  resource: string
  op: string
  phase: number
  expected: Outcome
  run(): Promise<Outcome>
}
const rows: Row[] = []
let serial = 0

for (const item of DOCS) {
  const c = item.container.id
  for (const actor of ACTORS) {
    const resource = `document ${c}/${item.set.key}`
    const rule = (op: DocOp) => documentRule(op, ROLES[actor], item.container, item.stored)
    rows.push(
      {
        actor, resource, op: 'get', phase: 1, expected: rule('get'),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: docUrl(c, item.id) }), (b) => b.$id === item.id && {}),
      },
      {
        actor, resource, op: 'list', phase: 1, expected: rule('list'),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: `${docUrl(c)}?${byId(item.id)}` }), listed('documents', item.id)),
      },
      {
        actor, resource, op: 'update', phase: 2, expected: rule('update'),
        run: async () => {
          // A real change: utopia checks read instead of update when nothing changes.
          const res = await send(actor, { method: 'PATCH', url: docUrl(c, item.id), body: { data: { note: `update ${++serial}` } } })
          return outcomeOf(res, (b) => b.$id === item.id && {})
        },
      },
      {
        actor, resource, op: 'update (no change)', phase: 2, expected: rule('update (no change)'),
        // On the actor's own copy, whose note is still the seeded one.
        run: async () => outcomeOf(await send(actor, { method: 'PATCH', url: docUrl(c, copyId(item, actor)), body: { data: { note: 'seed' } } }), (b) => b.$id === copyId(item, actor) && {}),
      },
      {
        actor, resource, op: 'delete', phase: 3, expected: rule('delete'),
        run: async () => outcomeOf(await send(actor, { method: 'DELETE', url: docUrl(c, copyId(item, actor)) })),
      },
    )
  }
}

for (const item of FILES) {
  const b = item.container.id
  for (const actor of ACTORS) {
    const resource = `file ${b}/${item.set.key}`
    const rule = (op: FileOp) => fileRule(op, ROLES[actor], item.container, item.stored)
    rows.push(
      {
        actor, resource, op: 'get', phase: 1, expected: rule('get'),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: fileUrl(b, item.id) }), (body) => body.$id === item.id && {}),
      },
      {
        actor, resource, op: 'download', phase: 1, expected: rule('download'),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: `${fileUrl(b, item.id)}/download` }), (_b, text) => text === content(item.id) && {}),
      },
      {
        actor, resource, op: 'list', phase: 1, expected: rule('list'),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: `${fileUrl(b)}?${byId(item.id)}` }), listed('files', item.id)),
      },
      {
        actor, resource, op: 'update', phase: 2, expected: rule('update'),
        run: async () => outcomeOf(await send(actor, { method: 'PUT', url: fileUrl(b, item.id), body: { name: `renamed-${++serial}.txt` } }), (body) => body.$id === item.id && {}),
      },
      {
        actor, resource, op: 'delete', phase: 3, expected: rule('delete'),
        run: async () => outcomeOf(await send(actor, { method: 'DELETE', url: fileUrl(b, copyId(item, actor)) })),
      },
    )
  }
}

const created = (body: any) => ({ permissions: (body.$permissions as string[]).map(unwire) })

for (const actor of ACTORS) {
  for (const c of CREATE_COLLECTIONS) {
    rows.push({
      actor, resource: `collection ${c.id}`, op: 'create (default permissions)', phase: 2, expected: createRule(actor, c.permissions, null),
      run: async () => outcomeOf(await createDocument(actor, c.id, `n_${c.id}_${actor}`, null), created),
    })
  }
  GRANTS.forEach((role, i) => {
    const given = [`read("${role}")`]
    rows.push({
      actor, resource: 'collection k_any', op: `create granting read("${role}")`, phase: 2, expected: createRule(actor, ['create("any")'], given),
      run: async () => outcomeOf(await createDocument(actor, 'k_any', `g${i}_${actor}`, given), created),
    })
  })
  for (const b of CREATE_BUCKETS) {
    rows.push({
      actor, resource: `bucket ${b.id}`, op: 'create file (default permissions)', phase: 2, expected: createRule(actor, b.permissions, null),
      run: async () => outcomeOf(await createFile(actor, b.id, `n_${b.id}_${actor}`, null), created),
    })
  }
  FILE_GRANTS.forEach((role, i) => {
    const given = [`read("${role}")`, `update("${role}")`]
    rows.push({
      actor, resource: 'bucket b_secure', op: `create file granting read+update("${role}")`, phase: 2, expected: createRule(actor, ['create("any")'], given),
      run: async () => outcomeOf(await createFile(actor, 'b_secure', `g${i}_${actor}`, given), created),
    })
  })
}

for (const team of ['staff', 'other']) {
  for (const actor of ACTORS) {
    const resource = `team ${team}`
    rows.push(
      {
        actor, resource, op: 'get', phase: 1, expected: teamRule('get', actor, team),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: `/v1/teams/${team}` }), (b) => b.$id === team && {}),
      },
      {
        actor, resource, op: 'list', phase: 1, expected: teamRule('list', actor, team),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: `/v1/teams?${byId(team)}` }), listed('teams', team)),
      },
      {
        actor, resource, op: 'update name', phase: 2, expected: teamRule('update', actor, team),
        // A new name each time, so the database sees a change and checks update, not read.
        run: async () => outcomeOf(await send(actor, { method: 'PUT', url: `/v1/teams/${team}`, body: { name: `${team} ${++serial}` } }), (b) => b.$id === team && {}),
      },
    )
  }
}

/** Which membership under which team path; the last two are asked for under the wrong team. */
const MEMBERSHIP_TARGETS: { team: string; token: string }[] = [
  { team: 'staff', token: '@m_dave' }, { team: 'staff', token: '@m_carol' }, { team: 'staff', token: '@m_erin' },
  { team: 'other', token: '@m_bob' }, { team: 'staff', token: '@m_bob' }, { team: 'other', token: '@m_carol' },
]
const FRESH_KINDS = ['member', 'owner', 'pending'] as const
const membershipUrl = (team: string, id = '') => `/v1/teams/${team}/memberships${id && `/${id}`}`

for (const { team, token } of MEMBERSHIP_TARGETS) {
  const m = MEMBERSHIPS[token]
  const crossTeam = m.team !== team
  for (const actor of ACTORS) {
    const resource = `membership ${token.slice(3)}@${m.team}${crossTeam ? ` (via /teams/${team})` : ''}`
    const rule = (op: MembershipOp) => membershipRule(op, actor, team, m)
    rows.push({
      actor, resource, op: 'list', phase: 1, expected: rule('list'),
      run: async () => outcomeOf(await send(actor, { method: 'GET', url: `${membershipUrl(team)}?${byId(wire(token))}` }), listed('memberships', wire(token))),
    })
    // BEHAVIORS does not say what get and update answer for a readable membership of another (readable) team.
    const undefinedCase = crossTeam && ROLES[actor].includes(`team:${team}`) && allows(ROLES[actor], m.permissions, 'read')
    if (!undefinedCase) {
      rows.push(
        {
          actor, resource, op: 'get', phase: 1, expected: rule('get'),
          run: async () => outcomeOf(await send(actor, { method: 'GET', url: membershipUrl(team, wire(token)) }), (b) => b.$id === wire(token) && {}),
        },
        {
          actor, resource, op: 'update roles', phase: 2, expected: rule('update'),
          // The same roles: nothing changes for later rows.
          run: async () => outcomeOf(await send(actor, { method: 'PATCH', url: membershipUrl(team, wire(token)), body: { roles: m.roles } }), (b) => b.$id === wire(token) && {}),
        },
      )
    }
    const expected = rule('delete')
    // Removing someone else from these shared memberships would spoil later rows; the fresh memberships below cover it.
    if (expected.status < 300 && m.user !== actor) continue
    rows.push({
      actor, resource, op: 'delete', phase: expected.status < 300 ? 4 : 3, expected,
      run: async () => outcomeOf(await send(actor, { method: 'DELETE', url: membershipUrl(team, wire(token)) })),
    })
  }
}

for (const actor of ACTORS) {
  for (const kind of FRESH_KINDS) {
    const m: MembershipModel = { team: 'staff', user: `${actor}-${kind}`, roles: [kind === 'owner' ? 'owner' : 'editor'], confirmed: kind !== 'pending', permissions: invitationPermissions('staff', `${actor}-${kind}`) }
    rows.push({
      actor, resource: `membership (fresh ${kind})@staff`, op: 'delete', phase: 3, expected: membershipRule('delete', actor, 'staff', m),
      run: async () => outcomeOf(await send(actor, { method: 'DELETE', url: membershipUrl('staff', fresh[`${actor}.${kind}`]) })),
    })
  }
}

for (const owner of USERS) {
  for (const actor of ACTORS) {
    const resource = `session of ${owner}`
    const main = () => sessions[`${owner}.main`]
    rows.push(
      {
        actor, resource, op: 'list', phase: 1, expected: sessionRule('list', actor, owner),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: '/v1/account/sessions' }), listed('sessions', main())),
      },
      {
        actor, resource, op: 'get', phase: 1, expected: sessionRule('get', actor, owner),
        run: async () => outcomeOf(await send(actor, { method: 'GET', url: `/v1/account/sessions/${main()}` }), (b) => b.$id === main() && unwire(b.userId) === userIdOf(owner) && {}),
      },
      {
        actor, resource, op: 'update', phase: 2, expected: sessionRule('update', actor, owner),
        run: async () => outcomeOf(await send(actor, { method: 'PATCH', url: `/v1/account/sessions/${main()}` }), (b) => b.$id === main() && {}),
      },
    )
    // The anonymous user has no spare session; deleting their only one comes last.
    const slot = owner === 'anon' ? 'main' : 'spare'
    const expected = sessionRule('delete', actor, owner)
    rows.push({
      actor, resource: `session of ${owner} (${slot})`, op: 'delete', phase: expected.status >= 300 ? 3 : owner === 'anon' ? 5 : 4, expected,
      run: async () => outcomeOf(await send(actor, { method: 'DELETE', url: `/v1/account/sessions/${sessions[`${owner}.${slot}`]}` })),
    })
  }
}

// Stable: within a phase, rows keep the order they were generated in.
const ordered = rows.map((row, i) => ({ row, i })).sort((a, b) => a.row.phase - b.row.phase || a.i - b.i).map(({ row }) => row)

// ─── The tests ─────────────────────────────────────────────────────────────────────────────────────────────────────

interface Mismatch {
  actor: Actor
  resource: string
  op: string
  expected: Outcome
  got: Outcome | string
}
const mismatches: Mismatch[] = []
const show = (o: Outcome | string) => (typeof o === 'string' ? o : JSON.stringify(o))

describe(`permission matrix (${ordered.length} cases)`, () => {
  beforeAll(async () => {
    app = await createTestApp({ template: TEMPLATE })
    await setUp()
  })
  afterAll(async () => {
    await app?.close()
  })

  it('has at least 150 cases, and expectations that grant and refuse', () => {
    expect(ordered.length).toBeGreaterThanOrEqual(150)
    expect(ordered.some((r) => r.expected.status < 300)).toBe(true)
    expect(ordered.some((r) => r.expected.status === 404)).toBe(true)
    expect(ordered.some((r) => r.expected.type === 'user_unauthorized')).toBe(true)
  })

  ordered.forEach((row, n) => {
    it(`#${n + 1} ${row.actor} ${row.op} ${row.resource} → ${show(row.expected)}`, async () => {
      let got: Outcome | string
      try {
        got = await row.run()
      } catch (error) {
        got = `threw ${(error as Error).message}`
      }
      if (!isDeepStrictEqual(got, row.expected)) mismatches.push({ actor: row.actor, resource: row.resource, op: row.op, expected: row.expected, got })
      expect(got).toEqual(row.expected)
    })
  })

  it('0 leaks: no row answered otherwise than Appwrite would', () => {
    if (mismatches.length) {
      const lines = mismatches.map((m) => `  ${m.actor.padEnd(5)} | ${m.resource} | ${m.op} | expected ${show(m.expected)} | got ${show(m.got)}`)
      console.log(`${mismatches.length} of ${ordered.length} rows differ:\n${lines.join('\n')}`)
    }
    expect(mismatches).toEqual([])
  })
})
