/** Versioned schema changes, applied in order; `PRAGMA user_version` records the last one applied. */
export interface Migration {
  version: number
  sql: string
}

// Every table keeps the whole record as JSON in `data`; the other columns are the ones we filter or sort on.
const recordTable = (name: string, columns: string[], indexes: string[] = []) => `
CREATE TABLE ${name} (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  project_id TEXT NOT NULL,
  id TEXT NOT NULL,
  ${columns.map((c) => `${c},`).join('\n  ')}
  data TEXT NOT NULL
);
CREATE UNIQUE INDEX ${name}_id ON ${name} (project_id, id);
${indexes.join('\n')}`

export const migrations: Migration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
${recordTable('projects', [])}
${recordTable('users', ['email TEXT', 'phone TEXT'], [
  'CREATE UNIQUE INDEX users_email ON users (project_id, email) WHERE email IS NOT NULL;',
  'CREATE UNIQUE INDEX users_phone ON users (project_id, phone) WHERE phone IS NOT NULL;',
])}
${recordTable('sessions', ['user_id TEXT NOT NULL', 'secret_hash TEXT NOT NULL'], [
  'CREATE INDEX sessions_user ON sessions (project_id, user_id);',
])}
${recordTable('tokens', ['user_id TEXT NOT NULL', 'type TEXT NOT NULL'], [
  'CREATE INDEX tokens_user ON tokens (project_id, user_id);',
])}
${recordTable('identities', ['user_id TEXT NOT NULL', 'provider TEXT NOT NULL', 'provider_uid TEXT NOT NULL', 'provider_email TEXT'], [
  'CREATE INDEX identities_user ON identities (project_id, user_id);',
  'CREATE UNIQUE INDEX identities_provider ON identities (project_id, provider, provider_uid);',
])}
${recordTable('targets', ['user_id TEXT NOT NULL', 'identifier TEXT NOT NULL'], [
  'CREATE INDEX targets_user ON targets (project_id, user_id);',
  'CREATE UNIQUE INDEX targets_identifier ON targets (project_id, identifier);',
])}
${recordTable('logs', ['user_id TEXT NOT NULL'], ['CREATE INDEX logs_user ON logs (project_id, user_id);'])}
${recordTable('messages', [])}
`,
  },
  {
    version: 2,
    sql: `
${recordTable('challenges', ['user_id TEXT NOT NULL'], ['CREATE INDEX challenges_user ON challenges (project_id, user_id);'])}
${recordTable('authenticators', ['user_id TEXT NOT NULL', 'type TEXT NOT NULL'], [
  'CREATE UNIQUE INDEX authenticators_user_type ON authenticators (project_id, user_id, type);',
])}
${recordTable('teams', [])}
${recordTable('memberships', ['team_id TEXT NOT NULL', 'user_id TEXT NOT NULL'], [
  'CREATE INDEX memberships_team ON memberships (project_id, team_id);',
  'CREATE UNIQUE INDEX memberships_team_user ON memberships (project_id, team_id, user_id);',
  'CREATE INDEX memberships_user ON memberships (project_id, user_id);',
])}
`,
  },
  {
    version: 3,
    sql: `
${recordTable('files', ['bucket_id TEXT NOT NULL'], ['CREATE INDEX files_bucket ON files (project_id, bucket_id);'])}
`,
  },
  {
    version: 4,
    sql: `
${recordTable('topics', [])}
${recordTable('subscribers', ['topic_id TEXT NOT NULL', 'target_id TEXT NOT NULL'], [
  'CREATE UNIQUE INDEX subscribers_target_topic ON subscribers (project_id, target_id, topic_id);',
  'CREATE INDEX subscribers_topic ON subscribers (project_id, topic_id);',
])}
`,
  },
  {
    version: 5,
    sql: `
${recordTable('executions', ['function_id TEXT NOT NULL'], ['CREATE INDEX executions_function ON executions (project_id, function_id);'])}
`,
  },
  {
    version: 6,
    sql: `
${recordTable('oauth2_pending', [])}
`,
  },
]
