import { randomBytes } from 'node:crypto';
import type { Database } from '../../server/src/db/client';
import type { UserRole } from '../../server/src/contracts';
import { authService } from '../../server/src/services/auth.service';
import type { Caller } from '../../server/src/services/caller';
import { usersService } from '../../server/src/services/users.service';

export type TestAccount = { userId: number; username: string; password: string; token: string };
export type TestAccounts = Record<UserRole, TestAccount>;

export const TEST_PASSWORD = 'correct horse battery';

/**
 * One account of each role, each with a personal API token (send `Authorization: Bearer <token>`).
 * Usernames get a random suffix, so test files can each seed their own without clashing. The planner's
 * scope is `plannerScopes` (region ids), none by default.
 */
export async function seedAccounts(database: Database, plannerScopes: number[] = []): Promise<TestAccounts> {
  const users = usersService(database.db);
  const auth = authService(database.db);
  const suffix = randomBytes(4).toString('hex');
  const accounts = {} as TestAccounts;
  for (const role of ['admin', 'planner', 'official'] as const) {
    const user = await users.create({
      username: `test-${role}-${suffix}`,
      password: TEST_PASSWORD,
      role,
      scopes: role === 'planner' ? plannerScopes : [],
    });
    const caller: Caller = {
      kind: 'user',
      role,
      userId: user.id,
      username: user.username,
      scopes: [],
      via: 'token',
    };
    const token = await auth.tokens.create(caller, 'tests');
    accounts[role] = { userId: user.id, username: user.username, password: TEST_PASSWORD, token: token.token };
  }
  return accounts;
}

export const bearer = (account: TestAccount) => ({ Authorization: `Bearer ${account.token}` });
