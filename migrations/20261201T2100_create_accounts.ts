import { type Kysely, sql } from 'kysely';

/**
 * Accounts, their region scopes, browser sessions, personal API tokens, and the sign-in throttle.
 *
 * Secrets never sit in the database in the clear: passwords are argon2id hashes; session ids and
 * API tokens are 256-bit random values, so a SHA-256 of them is enough (nothing to brute-force) and
 * lets a lookup use the primary key.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('app_user')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('role', 'text', (c) => c.notNull().check(sql`role IN ('admin', 'planner', 'official')`))
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('disabled', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Usernames are unique whatever their case: "Demo-Admin" is "demo-admin".
  await sql`CREATE UNIQUE INDEX app_user_username_lower ON app_user (lower(username))`.execute(db);

  // A planner edits only inside these regions (a subdistrict or a community, and everything below).
  await db.schema
    .createTable('user_scope')
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('region_id', 'integer', (c) => c.notNull().references('region.id').onDelete('cascade'))
    .addPrimaryKeyConstraint('user_scope_pkey', ['user_id', 'region_id'])
    .execute();

  await db.schema
    .createTable('user_session')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('csrf_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('user_agent', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await sql`CREATE INDEX user_session_user ON user_session (user_id)`.execute(db);

  await db.schema
    .createTable('api_token')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('user_id', 'integer', (c) => c.notNull().references('app_user.id').onDelete('cascade'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // The first characters of the token, shown in lists so an owner can tell tokens apart.
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('last_used_at', 'timestamptz')
    .addColumn('revoked_at', 'timestamptz')
    .execute();
  await sql`CREATE INDEX api_token_user ON api_token (user_id)`.execute(db);

  // Failed sign-ins per key ("account:<name>" or "address:<ip>"), whether or not the account exists,
  // so the answer never tells an attacker which usernames are real.
  await db.schema
    .createTable('auth_throttle')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('window_started_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('locked_until', 'timestamptz')
    .execute();

  // Stations become editable: a save names the version it was based on (optimistic concurrency).
  // Who changed it last stays on the server side: the public never sees who edited what.
  await sql`ALTER TABLE station ADD COLUMN version integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_by integer REFERENCES app_user (id) ON DELETE SET NULL`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`ALTER TABLE station DROP COLUMN version, DROP COLUMN updated_by`.execute(db);
  for (const table of ['auth_throttle', 'api_token', 'user_session', 'user_scope', 'app_user']) {
    await db.schema.dropTable(table).execute();
  }
}
