import { sql } from 'kysely';
import type { Queryable } from '../db/queryable';

/**
 * An account by username, whatever its case (the unique index is on `lower(username)`).
 * ```sql
 * SELECT id, username, role, password_hash, disabled FROM app_user WHERE lower(username) = lower($1)
 * ```
 */
export function findUserByUsername(db: Queryable, username: string) {
  return db
    .selectFrom('app_user')
    .select(['id', 'username', 'display_name', 'role', 'password_hash', 'disabled'])
    .where(sql<string>`lower(username)`, '=', username.toLowerCase());
}

/** The region ids an account may edit inside. */
export function userScopes(db: Queryable, userId: number) {
  return db.selectFrom('user_scope').select('region_id').where('user_id', '=', userId).orderBy('region_id');
}

/** The account's scope region ids, read in the same statement as the account. */
const scopeIds = sql<number[]>`ARRAY(SELECT region_id FROM user_scope WHERE user_id = u.id ORDER BY region_id)`.as(
  'scopes',
);

/**
 * The live session a cookie names, with its account: expired sessions and disabled accounts give no row.
 * ```sql
 * SELECT s.csrf_token, s.expires_at, u.id, u.username, u.role FROM user_session s JOIN app_user u ON u.id = s.user_id
 *  WHERE s.id_hash = $1 AND s.expires_at > now() AND NOT u.disabled
 * ```
 */
export function sessionUser(db: Queryable, idHash: string) {
  return db
    .selectFrom('user_session as s')
    .innerJoin('app_user as u', 'u.id', 's.user_id')
    .select(['s.id_hash', 's.csrf_token', 's.expires_at', 'u.id', 'u.username', 'u.role', scopeIds])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', sql<Date>`now()`)
    .where('u.disabled', '=', false);
}

export function insertSession(
  db: Queryable,
  row: { idHash: string; userId: number; csrfToken: string; ttl_s: number; address: string; userAgent: string },
) {
  return db.insertInto('user_session').values({
    id_hash: row.idHash,
    user_id: row.userId,
    csrf_token: row.csrfToken,
    expires_at: sql<Date>`now() + make_interval(secs => ${row.ttl_s})`,
    address: row.address,
    user_agent: row.userAgent,
  });
}

/** Slides a session's expiry forward (the caller only does so when less than half of it is left). */
export function extendSession(db: Queryable, idHash: string, ttl_s: number) {
  return db
    .updateTable('user_session')
    .set({ expires_at: sql<Date>`now() + make_interval(secs => ${ttl_s})` })
    .where('id_hash', '=', idHash);
}

export function deleteSession(db: Queryable, idHash: string) {
  return db.deleteFrom('user_session').where('id_hash', '=', idHash);
}

export function deleteUserSessions(db: Queryable, userId: number) {
  return db.deleteFrom('user_session').where('user_id', '=', userId);
}

/** Sessions past their expiry; deleted now and then so the table doesn't grow for ever. */
export function deleteExpiredSessions(db: Queryable) {
  return db.deleteFrom('user_session').where('expires_at', '<=', sql<Date>`now()`);
}

/**
 * The account an unrevoked API token belongs to.
 * ```sql
 * SELECT t.id AS token_id, t.last_used_at, u.id, u.username, u.role FROM api_token t JOIN app_user u ON u.id = t.user_id
 *  WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND NOT u.disabled
 * ```
 */
export function tokenUser(db: Queryable, tokenHash: string) {
  return db
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .select(['t.id as token_id', 't.last_used_at', 'u.id', 'u.username', 'u.role', scopeIds])
    .where('t.token_hash', '=', tokenHash)
    .where('t.revoked_at', 'is', null)
    .where('u.disabled', '=', false);
}

export function touchToken(db: Queryable, tokenId: number) {
  return db
    .updateTable('api_token')
    .set({ last_used_at: sql<Date>`now()` })
    .where('id', '=', tokenId);
}

export function insertToken(db: Queryable, row: { userId: number; name: string; tokenHash: string; prefix: string }) {
  return db
    .insertInto('api_token')
    .values({ user_id: row.userId, name: row.name, token_hash: row.tokenHash, prefix: row.prefix })
    .returning(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at']);
}

export function listTokens(db: Queryable, userId: number) {
  return db
    .selectFrom('api_token')
    .select(['id', 'name', 'prefix', 'created_at', 'last_used_at', 'revoked_at'])
    .where('user_id', '=', userId)
    .orderBy('id');
}

/** Revokes one of the owner's tokens; no row when it isn't theirs or is already revoked. */
export function revokeToken(db: Queryable, userId: number, tokenId: number) {
  return db
    .updateTable('api_token')
    .set({ revoked_at: sql<Date>`now()` })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .returning('id');
}

/** The throttle rows for a sign-in's keys (its account and its address). */
export function throttleRows(db: Queryable, keys: string[]) {
  return db
    .selectFrom('auth_throttle')
    .select(['key', 'failures', 'window_started_at', 'locked_until'])
    .where('key', 'in', keys);
}

/**
 * Counts one failed sign-in against a key: a new window when the old one has passed, and a lock once
 * the window holds `maxFailures`.
 * ```sql
 * INSERT INTO auth_throttle (key, failures) VALUES ($1, 1) ON CONFLICT (key) DO UPDATE SET failures = CASE … END, …
 * ```
 */
export function recordFailure(
  db: Queryable,
  key: string,
  rule: { window_s: number; maxFailures: number; lock_s: number },
) {
  const window = sql`make_interval(secs => ${rule.window_s})`;
  const lock = sql`make_interval(secs => ${rule.lock_s})`;
  return sql<{ failures: number; locked_until: Date | null }>`
    INSERT INTO auth_throttle AS t (key, failures, window_started_at, locked_until)
    VALUES (${key}, 1, now(), CASE WHEN 1 >= ${rule.maxFailures}::int THEN now() + ${lock} END)
    ON CONFLICT (key) DO UPDATE SET
      failures = CASE WHEN t.window_started_at + ${window} < now() THEN 1 ELSE t.failures + 1 END,
      window_started_at = CASE WHEN t.window_started_at + ${window} < now() THEN now() ELSE t.window_started_at END,
      locked_until = CASE
        WHEN (CASE WHEN t.window_started_at + ${window} < now() THEN 1 ELSE t.failures + 1 END) >= ${rule.maxFailures}::int
        THEN now() + ${lock} ELSE t.locked_until END
    RETURNING failures, locked_until`.execute(db);
}

export function clearThrottle(db: Queryable, key: string) {
  return db.deleteFrom('auth_throttle').where('key', '=', key);
}

/** Throttle rows whose window has passed and which hold no lock: they no longer count for anything. */
export function deleteStaleThrottles(db: Queryable, window_s: number) {
  return db
    .deleteFrom('auth_throttle')
    .where('window_started_at', '<', sql<Date>`now() - make_interval(secs => ${window_s})`)
    .where((eb) => eb.or([eb('locked_until', 'is', null), eb('locked_until', '<', sql<Date>`now()`)]));
}
