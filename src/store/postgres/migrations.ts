import type pg from 'pg'
import { LOCK_SPACE } from './connection.js'

/** Versioned schema changes for PostgreSQL, in the same order as SQLite's (src/store/sqlite/migrations.ts). */
export interface PgMigration {
  version: number
  sql: string
}

/** The tables of JSON records and their filter columns; kept beside the DDL so unique errors name a column. */
export interface RecordTableDef {
  name: string
  columns: string[]
  /** `[index name, columns, unique?, partial condition?]` */
  indexes: [string, string[], boolean, string?][]
}

const def = (name: string, columns: string[], indexes: RecordTableDef['indexes'] = []): RecordTableDef => ({ name, columns, indexes })

/** Every record table, by the migration that creates it. */
export const RECORD_TABLES: Record<number, RecordTableDef[]> = {
  1: [
    def('projects', []),
    def('users', ['email', 'phone'], [
      ['users_email', ['email'], true, 'email IS NOT NULL'],
      ['users_phone', ['phone'], true, 'phone IS NOT NULL'],
    ]),
    def('sessions', ['user_id', 'secret_hash'], [['sessions_user', ['user_id'], false]]),
    def('tokens', ['user_id', 'type'], [['tokens_user', ['user_id'], false]]),
    def('identities', ['user_id', 'provider', 'provider_uid', 'provider_email'], [
      ['identities_user', ['user_id'], false],
      ['identities_provider', ['provider', 'provider_uid'], true],
    ]),
    def('targets', ['user_id', 'identifier'], [
      ['targets_user', ['user_id'], false],
      ['targets_identifier', ['identifier'], true],
    ]),
    def('logs', ['user_id'], [['logs_user', ['user_id'], false]]),
    def('messages', []),
  ],
  2: [
    def('challenges', ['user_id'], [['challenges_user', ['user_id'], false]]),
    def('authenticators', ['user_id', 'type'], [['authenticators_user_type', ['user_id', 'type'], true]]),
    def('teams', []),
    def('memberships', ['team_id', 'user_id'], [
      ['memberships_team', ['team_id'], false],
      ['memberships_team_user', ['team_id', 'user_id'], true],
      ['memberships_user', ['user_id'], false],
    ]),
  ],
  3: [def('files', ['bucket_id'], [['files_bucket', ['bucket_id'], false]])],
  4: [
    def('topics', []),
    def('subscribers', ['topic_id', 'target_id'], [
      ['subscribers_target_topic', ['target_id', 'topic_id'], true],
      ['subscribers_topic', ['topic_id'], false],
    ]),
  ],
  5: [def('executions', ['function_id'], [['executions_function', ['function_id'], false]])],
  6: [def('oauth2_pending', [])],
}

// Text columns compare byte by byte (`COLLATE "C"`), as SQLite's BINARY does.
const recordTable = (t: RecordTableDef) => `
CREATE TABLE ${t.name} (
  seq BIGSERIAL PRIMARY KEY,
  project_id TEXT COLLATE "C" NOT NULL,
  id TEXT COLLATE "C" NOT NULL,
  ${t.columns.map((c) => `${c} TEXT COLLATE "C",`).join('\n  ')}
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX ${t.name}_id ON ${t.name} (project_id, id);
${t.indexes.map(([name, cols, unique, where]) => `CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${name} ON ${t.name} (project_id, ${cols.join(', ')})${where ? ` WHERE ${where}` : ''};`).join('\n')}`

export const pgMigrations: PgMigration[] = Object.entries(RECORD_TABLES).map(([version, tables]) => ({
  version: Number(version),
  sql:
    (version === '1'
      ? `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
-- Case-insensitive text as SQLite's NOCASE: ASCII letters folded, everything else byte for byte.
CREATE OR REPLACE FUNCTION emu_nocase(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT lower($1 COLLATE "C") $$;`
      : '') + tables.map(recordTable).join('\n'),
}))

/** The advisory lock every schema change takes, so processes starting together migrate one after another. */
export const MIGRATION_LOCK = 1

/**
 * Applies the migrations not yet recorded in `emulator_migrations`, each in its own transaction, holding the
 * migration advisory lock so several processes starting at once apply each one exactly once.
 */
export async function migrate(client: pg.ClientBase, migrations: PgMigration[] = pgMigrations): Promise<number[]> {
  const applied: number[] = []
  await client.query('SELECT pg_advisory_lock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK])
  try {
    await client.query('CREATE TABLE IF NOT EXISTS emulator_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())')
    const done = new Set((await client.query<{ version: number }>('SELECT version FROM emulator_migrations')).rows.map((r) => r.version))
    for (const m of migrations) {
      if (done.has(m.version)) continue
      await client.query('BEGIN')
      try {
        await client.query(m.sql)
        await client.query('INSERT INTO emulator_migrations (version) VALUES ($1)', [m.version])
        await client.query('COMMIT')
        applied.push(m.version)
      } catch (error) {
        await client.query('ROLLBACK')
        throw error
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_SPACE, MIGRATION_LOCK])
  }
  return applied
}
