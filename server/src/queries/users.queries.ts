import { sql } from 'kysely';
import type { Queryable } from '../db/queryable';
import type { UserRole } from '../db/schema';

/**
 * Accounts with their scopes (region ids and names), in username order.
 * ```sql
 * SELECT u.id, u.username, …, coalesce(json_agg(json_build_object('id', r.id, …)) FILTER (WHERE r.id IS NOT NULL), '[]')
 * FROM app_user u LEFT JOIN user_scope s ON … LEFT JOIN region r ON … GROUP BY u.id ORDER BY lower(u.username)
 * ```
 */
export function listUsers(db: Queryable, filter: { id?: number } = {}) {
  return db
    .selectFrom('app_user as u')
    .leftJoin('user_scope as s', 's.user_id', 'u.id')
    .leftJoin('region as r', 'r.id', 's.region_id')
    .select([
      'u.id',
      'u.username',
      'u.display_name',
      'u.role',
      'u.disabled',
      'u.created_at',
      'u.updated_at',
      sql<{ id: number; code: string; name: string; level: string }[]>`coalesce(
        json_agg(json_build_object('id', r.id, 'code', r.code, 'name', r.name, 'level', r.level) ORDER BY r.code)
          FILTER (WHERE r.id IS NOT NULL), '[]')`.as('scopes'),
    ])
    .$if(filter.id !== undefined, (qb) => qb.where('u.id', '=', filter.id!))
    .groupBy('u.id')
    .orderBy(sql`lower(u.username)`);
}

export function insertUser(
  db: Queryable,
  row: { username: string; displayName: string; role: UserRole; passwordHash: string },
) {
  return db
    .insertInto('app_user')
    .values({
      username: row.username,
      display_name: row.displayName,
      role: row.role,
      password_hash: row.passwordHash,
    })
    .returning('id');
}

export function updateUser(
  db: Queryable,
  id: number,
  changes: { role?: UserRole; displayName?: string; passwordHash?: string; disabled?: boolean },
) {
  return db
    .updateTable('app_user')
    .set({
      ...(changes.role !== undefined ? { role: changes.role } : {}),
      ...(changes.displayName !== undefined ? { display_name: changes.displayName } : {}),
      ...(changes.passwordHash !== undefined ? { password_hash: changes.passwordHash } : {}),
      ...(changes.disabled !== undefined ? { disabled: changes.disabled } : {}),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returning('id');
}

export function replaceScopes(db: Queryable, userId: number, regionIds: number[]) {
  return {
    clear: db.deleteFrom('user_scope').where('user_id', '=', userId),
    insert: regionIds.length
      ? db.insertInto('user_scope').values(regionIds.map((region_id) => ({ user_id: userId, region_id })))
      : null,
  };
}

/** Regions that may be a planner's scope: subdistricts and communities, by id. */
export function scopeRegions(db: Queryable, ids: number[]) {
  return db
    .selectFrom('region')
    .select(['id', 'level'])
    .where('id', 'in', ids.length ? ids : [-1]);
}

/** Active admins other than `exceptId`: an admin may not remove the last admin's rights. */
export function countOtherAdmins(db: Queryable, exceptId: number) {
  return db
    .selectFrom('app_user')
    .select((eb) => eb.fn.countAll<string>().as('count'))
    .where('role', '=', 'admin')
    .where('disabled', '=', false)
    .where('id', '<>', exceptId);
}
