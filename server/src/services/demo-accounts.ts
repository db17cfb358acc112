import { type Kysely, type Transaction, sql } from 'kysely';
import type { UserRole } from '../contracts';
import type { DB } from '../db/schema';
import { hashPassword } from './auth.service';

/**
 * The demo accounts come with the demo city only: a database started with DEMO_DATA=off has none.
 * Remove them in production (README). The planner's scope is 金阳街道.
 */
export const DEMO_PASSWORD = 'wangge-demo';
export const DEMO_PLANNER_SUBDISTRICT = '金阳街道';
export const DEMO_ACCOUNTS: { username: string; role: UserRole; displayName: string }[] = [
  { username: 'demo-admin', role: 'admin', displayName: '演示管理员' },
  { username: 'demo-planner', role: 'planner', displayName: '演示规划员（金阳街道）' },
  { username: 'demo-official', role: 'official', displayName: '演示审计员' },
];

/**
 * Creates the demo accounts, or resets their role, password and scope, inside the demo load's
 * transaction (the region ids are new after a reload). Hashes first: argon2 is slow on purpose.
 */
export async function writeDemoAccounts(tx: Kysely<DB> | Transaction<DB>): Promise<void> {
  const hashes = await Promise.all(DEMO_ACCOUNTS.map(() => hashPassword(DEMO_PASSWORD)));
  for (const [i, account] of DEMO_ACCOUNTS.entries()) {
    await sql`
      INSERT INTO app_user (username, display_name, role, password_hash)
      VALUES (${account.username}, ${account.displayName}, ${account.role}, ${hashes[i]!})
      ON CONFLICT (lower(username)) DO UPDATE
        SET role = excluded.role, display_name = excluded.display_name, password_hash = excluded.password_hash,
            disabled = false, updated_at = now()`.execute(tx);
  }
  await sql`
    INSERT INTO user_scope (user_id, region_id)
    SELECT u.id, r.id FROM app_user u, region r
    WHERE lower(u.username) = 'demo-planner' AND r.level = 'subdistrict' AND r.name = ${DEMO_PLANNER_SUBDISTRICT}
    ON CONFLICT DO NOTHING`.execute(tx);
}
