/** Accounts, sessions and tokens: the shapes of /api/auth/* and /api/users. */
import { z } from 'zod';
import { MIN_PASSWORD_LENGTH, USERNAME_PATTERN, USER_ROLES, type UserRole } from './enums';
import { serialId } from './params';

export type ScopeRegion = { id: number; code: string; name: string; level: string };

/** GET /api/auth/me, and the body of a successful POST /api/auth/login. */
export type MeResponse = {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  /** The regions a planner may edit inside (with everything below them). */
  scopes: ScopeRegion[];
  via: 'session' | 'token';
  /** Send it back as the X-CSRF-Token header on every POST, PATCH, PUT and DELETE (browser sessions). */
  csrfToken: string | null;
  /** When the session ends unless it is used (ISO 8601); null for tokens. */
  expiresAt: string | null;
};

const Username = z
  .string({ error: 'username must be a string' })
  .trim()
  .min(1, 'username must not be empty')
  .max(64, 'username must be at most 64 characters');

export const LoginBody = z.strictObject({
  username: Username,
  password: z
    .string({ error: 'password must be a string' })
    .min(1, 'password must not be empty')
    .max(256, 'password must be at most 256 characters'),
});
export type LoginRequest = z.input<typeof LoginBody>;

export type TokenProps = {
  id: number;
  name: string;
  /** The token's first characters, to tell tokens apart; the whole token is shown only once. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
};
/** POST /api/auth/tokens: the token itself appears in this answer only. */
export type CreatedTokenResponse = TokenProps & { token: string };

export const CreateTokenBody = z.strictObject({
  name: z
    .string({ error: 'name must be a string' })
    .trim()
    .min(1, 'name must not be empty: say what the token is for')
    .max(100, 'name must be at most 100 characters'),
});
export type CreateTokenRequest = z.input<typeof CreateTokenBody>;

/** New passwords: long enough to resist guessing, short enough to hash cheaply. */
export const NewPassword = z
  .string({ error: 'password must be a string' })
  .min(MIN_PASSWORD_LENGTH, `password must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(256, 'password must be at most 256 characters');

/** Usernames: letters, digits, dot, dash and underscore (they appear in logs and URLs). */
export const NewUsername = Username.regex(
  USERNAME_PATTERN,
  'username may use letters, digits, ".", "-" and "_", starting with a letter or digit',
);

export type UserProps = {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  disabled: boolean;
  scopes: ScopeRegion[];
  createdAt: string;
  updatedAt: string;
};

/** `/…/:id` for a serial id: plain digits within int4, so the database never sees an overflow. */
export const IdPath = (what: string) => z.strictObject({ id: serialId(what) });

const RegionIds = z
  .array(
    z
      .number({ error: 'scopes must be region ids (numbers)' })
      .int('scopes must be whole region ids')
      .min(1, 'scopes must be region ids')
      .max(2_147_483_647, 'a region id is at most 2147483647'),
    { error: 'scopes must be an array of region ids' },
  )
  .max(500, 'at most 500 scopes');

export const CreateUserBody = z.strictObject({
  username: NewUsername,
  password: NewPassword,
  role: z.enum(USER_ROLES, { error: `role must be one of ${USER_ROLES.join(', ')}` }),
  displayName: z.string().trim().max(100, 'displayName must be at most 100 characters').optional(),
  scopes: RegionIds.optional(),
});
export type CreateUserRequest = z.input<typeof CreateUserBody>;

export const UpdateUserBody = z
  .strictObject({
    role: z.enum(USER_ROLES, { error: `role must be one of ${USER_ROLES.join(', ')}` }).optional(),
    displayName: z.string().trim().max(100, 'displayName must be at most 100 characters').optional(),
    password: NewPassword.optional(),
    disabled: z.boolean({ error: 'disabled must be true or false' }).optional(),
    scopes: RegionIds.optional(),
  })
  .refine(
    (body) => Object.keys(body).length > 0,
    'say what to change: role, displayName, password, disabled or scopes',
  );
export type UpdateUserRequest = z.input<typeof UpdateUserBody>;
