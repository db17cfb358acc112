import type { Kysely } from 'kysely';
import type { UserProps, UserRole } from '../contracts';
import type { DB } from '../db/schema';
import { HttpError, notFound } from '../errors';
import { deleteUserSessions, findUserByUsername } from '../queries/auth.queries';
import {
  countOtherAdmins,
  insertUser,
  listUsers,
  replaceScopes,
  scopeRegions,
  updateUser,
} from '../queries/users.queries';
import { hashPassword } from './auth.service';

type UserRow = Awaited<ReturnType<ReturnType<typeof listUsers>['execute']>>[number];

const toUserProps = (row: UserRow): UserProps => ({
  id: row.id,
  username: row.username,
  displayName: row.display_name,
  role: row.role,
  disabled: row.disabled,
  scopes: row.scopes,
  createdAt: new Date(row.created_at).toISOString(),
  updatedAt: new Date(row.updated_at).toISOString(),
});

export type NewUser = {
  username: string;
  password: string;
  role: UserRole;
  displayName?: string | undefined;
  scopes?: number[] | undefined;
};

export type UserChanges = {
  role?: UserRole | undefined;
  displayName?: string | undefined;
  password?: string | undefined;
  disabled?: boolean | undefined;
  scopes?: number[] | undefined;
};

/** Accounts, managed by admins (and by `npm run user:add`). */
export function usersService(db: Kysely<DB>) {
  /** Scopes must be subdistricts or communities that exist; only planners have them. */
  async function checkScopes(role: UserRole, scopes: number[]): Promise<number[]> {
    const unique = [...new Set(scopes)];
    if (role !== 'planner') {
      if (unique.length)
        throw new HttpError(
          400,
          'invalid_request',
          `Only planners have scopes; a ${role} reads or manages everything.`,
        );
      return [];
    }
    const rows = await scopeRegions(db, unique).execute();
    const missing = unique.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw new HttpError(400, 'invalid_request', `scopes: no region ${missing.join(', ')}.`);
    const districts = rows.filter((r) => r.level === 'district');
    if (districts.length)
      throw new HttpError(
        400,
        'invalid_request',
        `scopes: region ${districts.map((r) => r.id).join(', ')} is a district; a planner's scope is a subdistrict or a community.`,
      );
    return unique;
  }

  async function get(id: number): Promise<UserProps> {
    const row = await listUsers(db, { id }).executeTakeFirst();
    if (!row) throw notFound('User', id);
    return toUserProps(row);
  }

  return {
    get,
    async list(): Promise<UserProps[]> {
      return (await listUsers(db).execute()).map(toUserProps);
    },

    async create(input: NewUser): Promise<UserProps> {
      if (await findUserByUsername(db, input.username).executeTakeFirst())
        throw new HttpError(409, 'username_taken', `The username ${input.username} is taken; choose another.`);
      const scopes = await checkScopes(input.role, input.scopes ?? []);
      const passwordHash = await hashPassword(input.password);
      const id = await db.transaction().execute(async (tx) => {
        const row = await insertUser(tx, {
          username: input.username,
          displayName: input.displayName ?? '',
          role: input.role,
          passwordHash,
        }).executeTakeFirstOrThrow();
        const scopeWrites = replaceScopes(tx, row.id, scopes);
        if (scopeWrites.insert) await scopeWrites.insert.execute();
        return row.id;
      });
      return get(id);
    },

    /**
     * Changes an account. Role and scope changes apply to the next request; a new password or
     * disabling ends its browser sessions at once (and its tokens stop working while it is disabled).
     */
    async update(id: number, changes: UserChanges, actingUserId: number | null): Promise<UserProps> {
      const current = await get(id);
      const role = changes.role ?? current.role;
      const scopes =
        changes.scopes !== undefined || changes.role !== undefined
          ? await checkScopes(role, changes.scopes ?? (role === 'planner' ? current.scopes.map((s) => s.id) : []))
          : undefined;
      const losesAdmin = current.role === 'admin' && (role !== 'admin' || changes.disabled === true);
      if (losesAdmin) {
        const others = await countOtherAdmins(db, id).executeTakeFirstOrThrow();
        if (Number(others.count) === 0)
          throw new HttpError(409, 'last_admin', 'This is the last active admin; make another admin first.');
      }
      if (actingUserId === id && changes.disabled === true)
        throw new HttpError(409, 'self_disable', 'You cannot disable your own account.');
      const passwordHash = changes.password !== undefined ? await hashPassword(changes.password) : undefined;
      await db.transaction().execute(async (tx) => {
        await updateUser(tx, id, {
          role: changes.role,
          displayName: changes.displayName,
          passwordHash,
          disabled: changes.disabled,
        }).execute();
        if (scopes !== undefined) {
          const writes = replaceScopes(tx, id, scopes);
          await writes.clear.execute();
          if (writes.insert) await writes.insert.execute();
        }
        // Sessions hold no copy of the role or scopes (each request reads them afresh), so those changes
        // apply at once anyway; a new password or a disabled account signs every session out.
        if (passwordHash !== undefined || changes.disabled === true) await deleteUserSessions(tx, id).execute();
      });
      return get(id);
    },
  };
}

export type UsersService = ReturnType<typeof usersService>;
