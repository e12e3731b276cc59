import { randomBytes } from 'node:crypto'
import type { ProjectTemplate } from '../config/appwrite-json.js'
import type { Clock } from '../domain/dates.js'
import type { CountryName } from '../domain/models.js'
import { userRoles } from '../domain/permissions.js'
import { EventBus } from '../events/bus.js'
import type { Caller } from '../core/caller.js'
import type { OperationObserver } from '../core/operation.js'
import { RateLimiter } from '../core/rate-limit.js'
import { metaOnce, type Store } from '../store/types.js'
import { AccountService } from './account/account-service.js'
import { subscribeAuditLog } from './account/audit-log.js'
import { JwtIssuer } from './account/jwt.js'
import { SessionService } from './account/session-service.js'
import { ProjectRegistry, type TenantLimits } from './projects/project-registry.js'
import { AvatarsService } from './avatars/avatars-service.js'
import { LocaleService } from './locale/locale-service.js'
import { englishCountryName } from './locale/locale-data.js'
import { TokenService } from './account/token-service.js'
import { OAuth2Service } from './account/oauth2/oauth2-service.js'
import { TokenFlows } from './account/token-flows.js'
import { MfaService } from './account/mfa/mfa-service.js'
import { ChallengeService } from './account/mfa/challenge-service.js'
import { MembershipService, TeamService } from './teams/index.js'
import { Outbox } from '../outbox/outbox.js'
import type { FastifyBaseLogger } from 'fastify'
import { openDocumentStore, type DocumentStore } from '../store/documents/index.js'
import { DatabaseService } from './databases/database-service.js'
import type { BlobStore } from '../files/blob-store.js'
import { MemoryBlobStore } from '../files/memory-blob-store.js'
import { StorageService } from './storage/storage-service.js'
import { MessagingService } from './messaging/index.js'
import { FunctionsService } from './functions/index.js'
import { RealtimeHub } from '../realtime/hub.js'
import { createPlatformRegistry, type PlatformRegistry } from '../core/platforms.js'

/** Everything a route can reach. Routes get services, never the store. */
export interface Services {
  clock: Clock
  bus: EventBus
  projects: ProjectRegistry
  sessions: SessionService
  account: AccountService
  tokens: TokenService
  /** Verification, recovery, magic URL, email and phone codes, token sessions, push targets. */
  tokenFlows: TokenFlows
  /** MFA: the `mfa` switch, TOTP authenticators, recovery codes, factors (BEHAVIORS §11). */
  mfa: MfaService
  /** MFA challenges by email, phone, TOTP or recovery code. */
  mfaChallenges: ChallengeService
  /** Teams, their prefs, and the roles confirmed memberships give (BEHAVIORS §13). */
  teams: TeamService
  /** Invitations, acceptance, roles and leaving. */
  memberships: MembershipService
  /** OAuth2 sign-in through the emulator's stand-in provider pages (BEHAVIORS §12). */
  oauth2: OAuth2Service
  /** Every email and SMS the emulator sends goes here. */
  outbox: Outbox
  rateLimiter: RateLimiter
  avatars: AvatarsService
  /** Documents in the collections of appwrite.json (BEHAVIORS §6–§9). */
  databases: DatabaseService
  /** Files in the buckets of appwrite.json (BEHAVIORS §14). */
  storage: StorageService
  /** Topics of appwrite.json and their subscribers (BEHAVIORS §19). */
  messaging: MessagingService
  /** Executions of the functions of appwrite.json, run in worker processes (BEHAVIORS §17). */
  functions: FunctionsService
  /** Open realtime connections and the fan-out of events to them (BEHAVIORS §21). */
  realtime: RealtimeHub
  /** The document store and the blob store themselves, for the control API's snapshots, forks and archives. */
  documents: DocumentStore
  blobs: BlobStore
  /** The key of files encrypted at rest (archives carry those files decrypted, so another data folder can load them). */
  storageKey: Buffer
  /** The control API's test features (decision log, coverage, faults), set by buildApp; absent in bare service tests. */
  observer?: OperationObserver
  locale: LocaleService
  countryName: CountryName
  /** All roles a caller holds; services such as teams add theirs through `roleProviders`. */
  roles(caller: Caller): Promise<string[]>
  roleProviders: ((caller: Caller) => Promise<string[]>)[]
  /** The factors a session needs before it may leave the MFA routes. */
  minimumFactors(caller: Caller): Promise<number>
  /** The registered platforms: the origin check, CORS and redirect-URL hosts (BEHAVIORS §0 step 3). */
  platforms: PlatformRegistry
  log: FastifyBaseLogger
}

export interface ServiceOptions {
  store: Store
  template: ProjectTemplate
  clock: Clock
  rateLimits: boolean
  /** How many projects may exist and how long one may idle (`--max-projects`, `--project-ttl`). */
  tenants?: TenantLimits
  log: FastifyBaseLogger
  /** Relay emails to this SMTP server (`smtp://host:port`) besides keeping them in the outbox. */
  smtp?: string | null
  /** Let avatar routes fetch loopback, private and link-local URLs (`--allow-private-urls`). */
  allowPrivateUrls?: boolean
  /** Where file bytes go: a folder under `--data`, or memory (the default). */
  blobs?: BlobStore
  /** The AES-256 key for files encrypted at rest; a fresh one per process when not given. */
  storageKey?: Buffer
  /** Run functions' `commands` when their dependency files change (default true). */
  functionBuilds?: boolean
  /** Run functions on events and schedules (default true). */
  functionTriggers?: boolean
}

/** Builds every service once, wired to one store, bus and clock. */
export async function createServices(options: ServiceOptions): Promise<Services> {
  const { store, template, clock } = options
  const bus = new EventBus(
    (error) => options.log.error({ err: error }, 'event listener failed'),
    () => store.isInTransaction(),
  )
  const jwtSecret = await metaOnce(store, 'jwt_secret', () => randomBytes(32).toString('hex'))
  const countryName: CountryName = englishCountryName
  const sessions = new SessionService(store, clock, bus, new JwtIssuer(jwtSecret, clock), countryName)
  const account = new AccountService(store, clock, bus, sessions, countryName)
  const tokens = new TokenService(store, clock)
  const outbox = new Outbox(store, clock, options.log, options.smtp ?? null)
  const mfa = new MfaService(store, clock, bus)
  const teams = new TeamService(store, clock, bus)
  const projects = new ProjectRegistry(store, template, clock, options.tenants)
  projects.onProvision((project) => teams.provision(project))
  const blobs = options.blobs ?? new MemoryBlobStore()
  const storageKey = options.storageKey ?? randomBytes(32)
  const storage = new StorageService({ store, blobs, key: storageKey, clock, bus })
  // A new or reset project starts with no file bytes; the store's wipe removes the records.
  projects.onProvision((project) => storage.wipeProject(project.id))
  const { documents, schemas } = openDocumentStore(store, template)
  const databases = new DatabaseService(documents, schemas, template, clock, bus)
  // A new or reset project starts with no documents.
  projects.onProvision((project) => documents.wipeProject(project.id))
  // A project dropped for idling leaves nothing behind: its file bytes and documents go with its records.
  projects.onDrop((projectId) => storage.wipeProject(projectId))
  projects.onDrop((projectId) => documents.wipeProject(projectId))
  const messaging = new MessagingService(store, clock, bus)
  projects.onProvision((project) => messaging.provision(project))
  // A deleted target leaves its topics, as Appwrite's deletes worker does.
  bus.subscribe((event) => messaging.onEvent(event))
  const rateLimiter = new RateLimiter(options.rateLimits)
  projects.onDrop((projectId) => rateLimiter.forget(projectId))
  subscribeAuditLog(bus, store, clock)
  const realtime = new RealtimeHub(template, clock, (error) => options.log.error({ err: error }, 'realtime delivery failed'))
  realtime.listen(bus)
  const services: Services = {
    clock,
    bus,
    projects,
    sessions,
    account,
    tokens,
    tokenFlows: new TokenFlows(store, clock, bus, tokens, sessions, account, outbox),
    oauth2: new OAuth2Service({ store, clock, bus, projects, sessions, tokens }),
    mfa,
    mfaChallenges: new ChallengeService(store, clock, bus, outbox, mfa, countryName),
    teams,
    memberships: new MembershipService(store, clock, bus, teams, sessions, outbox),
    outbox,
    rateLimiter,
    avatars: new AvatarsService({ clock, allowPrivateUrls: options.allowPrivateUrls ?? false }),
    databases,
    storage,
    messaging,
    functions: new FunctionsService({ store, clock, bus, template, sessions, projects, log: options.log, builds: options.functionBuilds ?? true, triggers: options.functionTriggers ?? true }),
    realtime,
    documents,
    blobs,
    storageKey,
    locale: new LocaleService(),
    countryName,
    // Team roles (`team:<id>`, `team:<id>/<role>`, `member:<id>`) for every permission check.
    roleProviders: [(caller) => teams.rolesOf(caller)],
    async roles(caller) {
      const extra = await Promise.all(services.roleProviders.map((provide) => provide(caller)))
      return [...userRoles(caller.user), ...extra.flat()]
    },
    minimumFactors: (caller) => mfa.minimumFactors(caller),
    platforms: createPlatformRegistry(template.platforms),
    log: options.log,
  }
  return services
}
