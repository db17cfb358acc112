import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { Kysely } from 'kysely';
import type { MeResponse, TokenProps } from '../contracts';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import {
  clearThrottle,
  deleteExpiredSessions,
  deleteStaleThrottles,
  deleteSession,
  extendSession,
  findUserByUsername,
  insertSession,
  insertToken,
  listTokens,
  recordFailure,
  revokeToken,
  sessionUser,
  throttleRows,
  tokenUser,
  touchToken,
} from '../queries/auth.queries';
import { listUsers } from '../queries/users.queries';
import type { Caller } from './caller';

/**
 * argon2id with OWASP's first recommended setting (19 MiB, 2 passes, 1 lane): about 30–60 ms a
 * hash on these machines, so a sign-in stays quick while guessing stays expensive.
 */
// `algorithm: 2` is Algorithm.Argon2id (a const enum, which verbatimModuleSyntax can't import).
const ARGON2 = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export const hashPassword = (password: string) => hash(password, ARGON2);

/** Session ids and tokens are 256-bit random values: a plain SHA-256 is a safe lookup key for them. */
export const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

export const TOKEN_PREFIX = 'wgt_';

export type ThrottleRule = { window_s: number; maxFailures: number; lock_s: number };

export type AuthOptions = {
  sessionTtl_s: number;
  /** Failed sign-ins per account name (existing or not) and per address. */
  throttle: { account: ThrottleRule; address: ThrottleRule };
  /** Each failed sign-in is answered after base × 2^(failures−1) ms, up to max. */
  slowdown: { base_ms: number; max_ms: number };
};

export const DEFAULT_AUTH_OPTIONS: AuthOptions = {
  sessionTtl_s: 12 * 3600,
  throttle: {
    account: { window_s: 15 * 60, maxFailures: 5, lock_s: 15 * 60 },
    address: { window_s: 15 * 60, maxFailures: 20, lock_s: 15 * 60 },
  },
  slowdown: { base_ms: 250, max_ms: 4000 },
};

const timesafeEqual = (a: string, b: string) => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

const toTokenProps = (row: {
  id: number;
  name: string;
  prefix: string;
  created_at: Date | string;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): TokenProps => ({
  id: row.id,
  name: row.name,
  prefix: row.prefix,
  createdAt: new Date(row.created_at).toISOString(),
  lastUsedAt: iso(row.last_used_at),
  revokedAt: iso(row.revoked_at),
});

export type SignIn = { sessionId: string; maxAge_s: number; me: MeResponse };

export function authService(db: Kysely<DB>, options: AuthOptions = DEFAULT_AUTH_OPTIONS) {
  // Verifying against a real hash when the account doesn't exist keeps the answer's timing from
  // telling which usernames are real.
  let dummyHash: Promise<string> | undefined;
  const dummy = () => (dummyHash ??= hashPassword(randomToken()));
  let lastSweep = 0;

  async function lockedFor_s(keys: string[]): Promise<number> {
    const rows = await throttleRows(db, keys).execute();
    const now = Date.now();
    const until = Math.max(0, ...rows.map((r) => (r.locked_until ? new Date(r.locked_until).getTime() : 0)));
    return until > now ? Math.ceil((until - now) / 1000) : 0;
  }

  async function me(caller: Extract<Caller, { kind: 'user' }>, expiresAt: Date | null): Promise<MeResponse> {
    const user = await listUsers(db, { id: caller.userId }).executeTakeFirst();
    if (!user) throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
    return {
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      role: user.role,
      scopes: user.scopes,
      via: caller.via,
      csrfToken: caller.via === 'session' ? (caller.csrfToken ?? null) : null,
      expiresAt: expiresAt ? expiresAt.toISOString() : null,
    };
  }

  return {
    options,

    /**
     * Checks a username and password. Unknown accounts, disabled accounts and wrong passwords get the
     * same answer; failures are slowed, then locked for a while, per account name and per address.
     */
    async login(input: { username: string; password: string; address: string; userAgent: string }): Promise<SignIn> {
      // Now and then, forget ended sessions and throttle rows whose window and lock have passed, so a
      // spray of made-up usernames can't grow the table for ever.
      if (Date.now() - lastSweep > 3600_000) {
        lastSweep = Date.now();
        const window_s = Math.max(options.throttle.account.window_s, options.throttle.address.window_s);
        await Promise.all([deleteExpiredSessions(db).execute(), deleteStaleThrottles(db, window_s).execute()]);
      }
      const accountKey = `account:${input.username.toLowerCase()}`;
      const addressKey = `address:${input.address}`;
      const locked_s = await lockedFor_s([accountKey, addressKey]);
      if (locked_s > 0) {
        throw new HttpError(
          429,
          'too_many_attempts',
          `Too many failed sign-ins. Try again in ${Math.ceil(locked_s / 60)} minute(s).`,
          undefined,
          { 'Retry-After': String(locked_s) },
        );
      }
      const user = await findUserByUsername(db, input.username).executeTakeFirst();
      const valid = await verify(user?.password_hash ?? (await dummy()), input.password).catch(() => false);
      if (!user || user.disabled || !valid) {
        const [account] = await Promise.all([
          recordFailure(db, accountKey, options.throttle.account),
          recordFailure(db, addressKey, options.throttle.address),
        ]);
        const failures = account.rows[0]?.failures ?? 1;
        await sleep(Math.min(options.slowdown.base_ms * 2 ** (failures - 1), options.slowdown.max_ms));
        throw new HttpError(401, 'invalid_credentials', 'Wrong username or password.');
      }
      await clearThrottle(db, accountKey).execute();
      const sessionId = randomToken();
      const csrfToken = randomToken();
      const idHash = sha256(sessionId);
      await insertSession(db, {
        idHash,
        userId: user.id,
        csrfToken,
        ttl_s: options.sessionTtl_s,
        address: input.address,
        userAgent: input.userAgent.slice(0, 300),
      }).execute();
      const caller: Caller = {
        kind: 'user',
        role: user.role,
        userId: user.id,
        username: user.username,
        scopes: [],
        via: 'session',
        csrfToken,
        sessionIdHash: idHash,
      };
      return {
        sessionId,
        maxAge_s: options.sessionTtl_s,
        me: await me(caller, new Date(Date.now() + options.sessionTtl_s * 1000)),
      };
    },

    /** The caller a session cookie names, or null when the session is unknown, expired or its account disabled. */
    async fromSession(sessionId: string): Promise<{ caller: Caller; refresh: boolean } | null> {
      const idHash = sha256(sessionId);
      const row = await sessionUser(db, idHash).executeTakeFirst();
      if (!row) return null;
      const left_s = (new Date(row.expires_at).getTime() - Date.now()) / 1000;
      // Slide the expiry forward only when less than half is left: one write per half-life, not per request.
      const refresh = left_s < options.sessionTtl_s / 2;
      if (refresh) await extendSession(db, idHash, options.sessionTtl_s).execute();
      return {
        refresh,
        caller: {
          kind: 'user',
          role: row.role,
          userId: row.id,
          username: row.username,
          scopes: row.scopes,
          via: 'session',
          csrfToken: row.csrf_token,
          sessionIdHash: idHash,
        },
      };
    },

    /** The caller a personal API token names, or null when it is unknown, revoked or its account disabled. */
    async fromToken(token: string): Promise<Caller | null> {
      const row = await tokenUser(db, sha256(token)).executeTakeFirst();
      if (!row) return null;
      // "Last used" to the minute is enough, and saves a write per request.
      if (!row.last_used_at || Date.now() - new Date(row.last_used_at).getTime() > 60_000) {
        await touchToken(db, row.token_id).execute();
      }
      return {
        kind: 'user',
        role: row.role,
        userId: row.id,
        username: row.username,
        scopes: row.scopes,
        via: 'token',
      };
    },

    /** Whether a state-changing request carries its session's CSRF token. */
    csrfMatches(caller: Caller, header: string | undefined): boolean {
      return caller.kind === 'user' && !!caller.csrfToken && !!header && timesafeEqual(caller.csrfToken, header);
    },

    async logout(caller: Caller): Promise<void> {
      if (caller.kind === 'user' && caller.sessionIdHash) await deleteSession(db, caller.sessionIdHash).execute();
    },

    async me(caller: Caller): Promise<MeResponse> {
      if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
      let expiresAt: Date | null = null;
      if (caller.sessionIdHash) {
        const row = await sessionUser(db, caller.sessionIdHash).executeTakeFirst();
        expiresAt = row ? new Date(row.expires_at) : null;
      }
      return me(caller, expiresAt);
    },

    tokens: {
      async list(caller: Caller): Promise<TokenProps[]> {
        if (caller.kind !== 'user') return [];
        return (await listTokens(db, caller.userId).execute()).map(toTokenProps);
      },
      async create(caller: Caller, name: string) {
        if (caller.kind !== 'user')
          throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
        const token = `${TOKEN_PREFIX}${randomToken()}`;
        const row = await insertToken(db, {
          userId: caller.userId,
          name,
          tokenHash: sha256(token),
          prefix: token.slice(0, TOKEN_PREFIX.length + 6),
        }).executeTakeFirstOrThrow();
        return { ...toTokenProps(row), token };
      },
      async revoke(caller: Caller, tokenId: number): Promise<void> {
        if (caller.kind !== 'user')
          throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
        const row = await revokeToken(db, caller.userId, tokenId).executeTakeFirst();
        if (!row) throw new HttpError(404, 'not_found', `You have no active token ${tokenId}.`);
      },
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
