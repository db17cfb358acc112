import { sql } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import type { MeResponse } from '../../server/src/contracts';
import { type TestAccounts, TEST_PASSWORD, bearer, seedAccounts } from '../support/accounts';
import { testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;

beforeAll(async () => {
  ctx = await testContext();
  accounts = await seedAccounts(ctx.database);
});

/** The session cookie from a response's Set-Cookie, as a Cookie header value. */
function sessionCookie(res: request.Response): string {
  const setCookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []);
  const line = setCookie.find((c) => c.startsWith('wangge_session='));
  if (!line) throw new Error(`no session cookie in ${JSON.stringify(setCookie)}`);
  return line.split(';')[0]!;
}

async function signIn(app: Ctx['app'], username: string, password = TEST_PASSWORD) {
  const res = await request(app).post('/api/auth/login').send({ username, password }).expect(200);
  return { cookie: sessionCookie(res), me: res.body as MeResponse, res };
}

describe('signing in and out', () => {
  it('signs in with a session cookie that is httpOnly and SameSite=Lax, and names the caller', async () => {
    const { cookie, me, res } = await signIn(ctx.app, accounts.planner.username);
    const line = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((c) => c.startsWith('wangge_session='))!;
    expect(line).toMatch(/HttpOnly/i);
    expect(line).toMatch(/SameSite=Lax/i);
    expect(line).not.toMatch(/Secure/i); // plain HTTP here; Secure behind HTTPS
    expect(me).toMatchObject({ username: accounts.planner.username, role: 'planner', via: 'session', scopes: [] });
    expect(me.csrfToken).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    const again = (await request(ctx.app).get('/api/auth/me').set('Cookie', cookie).expect(200)).body as MeResponse;
    expect(again).toMatchObject({ username: accounts.planner.username, role: 'planner', csrfToken: me.csrfToken });
    expect(Date.parse(again.expiresAt!)).toBeGreaterThan(Date.now());
  });

  it('takes the username in any case', async () => {
    const { me } = await signIn(ctx.app, accounts.official.username.toUpperCase());
    expect(me.username).toBe(accounts.official.username);
  });

  it('gives the same answer for an unknown account and a wrong password', async () => {
    const wrong = await request(ctx.app)
      .post('/api/auth/login')
      .send({ username: accounts.admin.username, password: 'not the password' })
      .expect(401);
    const unknown = await request(ctx.app)
      .post('/api/auth/login')
      .send({ username: 'nobody-by-this-name', password: 'not the password' })
      .expect(401);
    expect(wrong.body).toEqual({ error: { code: 'invalid_credentials', message: 'Wrong username or password.' } });
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.headers['set-cookie']).toBeUndefined();
  });

  it('answers 401 to /api/auth/me when signed out', async () => {
    const res = await request(ctx.app).get('/api/auth/me').expect(401);
    expect(res.body.error.code).toBe('unauthenticated');
  });

  it('ends the session on sign-out: the same cookie no longer works', async () => {
    const { cookie, me } = await signIn(ctx.app, accounts.official.username);
    await request(ctx.app)
      .post('/api/auth/logout')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', me.csrfToken!)
      .expect(204);
    const after = await request(ctx.app).get('/api/auth/me').set('Cookie', cookie).expect(401);
    expect(after.body.error.code).toBe('session_expired');
    // A public route still answers, as the public, and says the session has ended.
    const map = await request(ctx.app).get('/api/regions').set('Cookie', cookie).expect(200);
    expect(map.headers['x-session-ended']).toBe('1');
  });

  it('refuses a state-changing request that carries the cookie without its CSRF token', async () => {
    const { cookie, me } = await signIn(ctx.app, accounts.official.username);
    const refused = await request(ctx.app).post('/api/auth/logout').set('Cookie', cookie).expect(403);
    expect(refused.body.error.code).toBe('csrf_failed');
    expect(refused.body.error.message).toMatch(/X-CSRF-Token/);
    const forged = await request(ctx.app)
      .post('/api/auth/tokens')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', 'x'.repeat(43))
      .send({ name: 'forged' })
      .expect(403);
    expect(forged.body.error.code).toBe('csrf_failed');
    // Nothing was done: the session lives on, and no token was made.
    await request(ctx.app).get('/api/auth/me').set('Cookie', cookie).expect(200);
    const tokens = (await request(ctx.app).get('/api/auth/tokens').set('Cookie', cookie).expect(200)).body;
    expect(tokens.map((t: { name: string }) => t.name)).not.toContain('forged');
    // With the token, the same request goes through.
    await request(ctx.app)
      .post('/api/auth/logout')
      .set('Cookie', cookie)
      .set('X-CSRF-Token', me.csrfToken!)
      .expect(204);
  });

  it('ends every session of an account an admin disables, at once', async () => {
    const created = await request(ctx.app)
      .post('/api/users')
      .set(bearer(accounts.admin))
      .send({ username: `to-disable-${Date.now()}`, password: TEST_PASSWORD, role: 'official' })
      .expect(201);
    const { cookie } = await signIn(ctx.app, created.body.username);
    await request(ctx.app).get('/api/auth/me').set('Cookie', cookie).expect(200);
    await request(ctx.app)
      .patch(`/api/users/${created.body.id}`)
      .set(bearer(accounts.admin))
      .send({ disabled: true })
      .expect(200);
    await request(ctx.app).get('/api/auth/me').set('Cookie', cookie).expect(401);
    await request(ctx.app)
      .post('/api/auth/login')
      .send({ username: created.body.username, password: TEST_PASSWORD })
      .expect(401);
  });
});

describe('failed sign-ins', () => {
  it('are slowed, then locked per account, and the lock looks the same for an account that does not exist', async () => {
    // An app of its own, with a visible slow-down and a small lock threshold.
    const app = createApp({
      database: ctx.database,
      config: {
        basemapStyleUrl: undefined,
        auth: {
          // Large enough to stand out of the password check's own jitter on a loaded machine.
          slowdown: { base_ms: 150, max_ms: 1500 },
          throttle: {
            account: { window_s: 600, maxFailures: 3, lock_s: 600 },
            address: { window_s: 600, maxFailures: 1000, lock_s: 600 },
          },
        },
      },
      logger: pino({ level: 'silent' }),
      webDist: null,
    });
    const created = await request(app)
      .post('/api/users')
      .set(bearer(accounts.admin))
      .send({ username: `lockme-${Date.now()}`, password: TEST_PASSWORD, role: 'official' })
      .expect(201);
    const username = created.body.username as string;
    const timings: number[] = [];
    for (let i = 0; i < 3; i++) {
      const started = performance.now();
      await request(app).post('/api/auth/login').send({ username, password: 'wrong password' }).expect(401);
      timings.push(performance.now() - started);
    }
    // 150, 300 and 600 ms of slow-down on top of the password check: the third waits 450 ms more.
    expect(timings[2]! - timings[0]!).toBeGreaterThan(225);
    const locked = await request(app).post('/api/auth/login').send({ username, password: TEST_PASSWORD }).expect(429);
    expect(locked.body.error.code).toBe('too_many_attempts');
    expect(locked.body.error.message).toMatch(/Try again in \d+ minute/);
    expect(Number(locked.headers['retry-after'])).toBeGreaterThan(500);

    const ghost = `ghost-${Date.now()}`;
    for (let i = 0; i < 3; i++) {
      await request(app).post('/api/auth/login').send({ username: ghost, password: 'wrong password' }).expect(401);
    }
    const ghostLocked = await request(app).post('/api/auth/login').send({ username: ghost, password: 'x' }).expect(429);
    expect(ghostLocked.body).toEqual(locked.body);
    // Other accounts are not locked out by it.
    await request(app)
      .post('/api/auth/login')
      .send({ username: accounts.planner.username, password: TEST_PASSWORD })
      .expect(200);
  });

  it('lock an address that tries many accounts', async () => {
    const app = createApp({
      database: ctx.database,
      config: {
        basemapStyleUrl: undefined,
        trustProxy: 'true',
        auth: {
          slowdown: { base_ms: 1, max_ms: 2 },
          throttle: {
            account: { window_s: 600, maxFailures: 100, lock_s: 600 },
            address: { window_s: 600, maxFailures: 4, lock_s: 600 },
          },
        },
      },
      logger: pino({ level: 'silent' }),
      webDist: null,
    });
    const from = (ip: string) => ({ 'X-Forwarded-For': ip });
    for (let i = 0; i < 4; i++) {
      await request(app)
        .post('/api/auth/login')
        .set(from('203.0.113.7'))
        .send({ username: `spray-${i}-${Date.now()}`, password: 'guess' })
        .expect(401);
    }
    await request(app)
      .post('/api/auth/login')
      .set(from('203.0.113.7'))
      .send({ username: accounts.official.username, password: TEST_PASSWORD })
      .expect(429);
    await request(app)
      .post('/api/auth/login')
      .set(from('198.51.100.2'))
      .send({ username: accounts.official.username, password: TEST_PASSWORD })
      .expect(200);
  });
});

describe('the sign-in throttle table', () => {
  it('forgets rows whose window and lock have passed, so made-up usernames cannot grow it for ever', async () => {
    const db = ctx.database.db;
    await sql`INSERT INTO auth_throttle (key, failures, window_started_at, locked_until) VALUES
      ('account:stale-spray', 3, now() - interval '1 day', NULL),
      ('account:still-locked', 5, now() - interval '1 day', now() + interval '1 hour'),
      ('account:recent', 1, now(), NULL)`.execute(db);
    // A new app has not swept yet: its first sign-in attempt does.
    const app = createApp({
      database: ctx.database,
      config: { basemapStyleUrl: undefined, auth: { slowdown: { base_ms: 1, max_ms: 2 } } },
      logger: pino({ level: 'silent' }),
      webDist: null,
    });
    await request(app).post('/api/auth/login').send({ username: 'nobody-here', password: 'x' }).expect(401);
    const { rows } = await sql<{ key: string }>`
      SELECT key FROM auth_throttle WHERE key IN ('account:stale-spray', 'account:still-locked', 'account:recent')
      ORDER BY key`.execute(db);
    expect(rows.map((r) => r.key)).toEqual(['account:recent', 'account:still-locked']);
  });
});

describe('personal API tokens', () => {
  it('are created once, listed without the secret, and stop working when revoked', async () => {
    const created = await request(ctx.app)
      .post('/api/auth/tokens')
      .set(bearer(accounts.official))
      .send({ name: 'nightly export' })
      .expect(201);
    const token = created.body.token as string;
    expect(token).toMatch(/^wgt_[A-Za-z0-9_-]{43}$/);
    const me = (await request(ctx.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(200))
      .body as MeResponse;
    expect(me).toMatchObject({ username: accounts.official.username, via: 'token', csrfToken: null });

    const list = (await request(ctx.app).get('/api/auth/tokens').set(bearer(accounts.official)).expect(200)).body;
    const listed = list.find((t: { id: number }) => t.id === created.body.id);
    expect(listed).toMatchObject({ name: 'nightly export', prefix: token.slice(0, 10), revokedAt: null });
    expect(JSON.stringify(list)).not.toContain(token);
    expect(listed.lastUsedAt).not.toBeNull();

    // Another account cannot revoke it.
    await request(ctx.app).delete(`/api/auth/tokens/${created.body.id}`).set(bearer(accounts.planner)).expect(404);
    await request(ctx.app).delete(`/api/auth/tokens/${created.body.id}`).set(bearer(accounts.official)).expect(204);
    const refused = await request(ctx.app).get('/api/auth/me').set('Authorization', `Bearer ${token}`).expect(401);
    expect(refused.body.error.code).toBe('invalid_token');
    // A bad token is a 401 even on a public route: a script should hear that its token is wrong.
    await request(ctx.app).get('/api/regions').set('Authorization', `Bearer ${token}`).expect(401);
  });

  it('need no CSRF token (no browser sends them by itself)', async () => {
    const res = await request(ctx.app)
      .post('/api/auth/tokens')
      .set(bearer(accounts.planner))
      .send({ name: 'script' })
      .expect(201);
    expect(res.body.name).toBe('script');
  });

  it('refuse a malformed Authorization header with a message', async () => {
    const res = await request(ctx.app).get('/api/regions').set('Authorization', 'Basic dXNlcjpwYXNz').expect(401);
    expect(res.body.error.message).toBe('The Authorization header must be "Bearer <token>".');
  });
});

describe('account management', () => {
  it('refuses bad usernames, short passwords, taken names and bad scopes, and never shows a hash', async () => {
    const bad = await request(ctx.app)
      .post('/api/users')
      .set(bearer(accounts.admin))
      .send({ username: 'x y', password: 'short', role: 'planner' })
      .expect(400);
    expect(bad.body.error.message).toMatch(/username may use letters/);
    expect(bad.body.error.message).toMatch(/password must be at least 10 characters/);
    const taken = await request(ctx.app)
      .post('/api/users')
      .set(bearer(accounts.admin))
      .send({ username: accounts.planner.username.toUpperCase(), password: TEST_PASSWORD, role: 'planner' })
      .expect(409);
    expect(taken.body.error.code).toBe('username_taken');
    const scoped = await request(ctx.app)
      .post('/api/users')
      .set(bearer(accounts.admin))
      .send({ username: `scoped-${Date.now()}`, password: TEST_PASSWORD, role: 'official', scopes: [1] })
      .expect(400);
    expect(scoped.body.error.message).toMatch(/Only planners have scopes/);
    const missing = await request(ctx.app)
      .post('/api/users')
      .set(bearer(accounts.admin))
      .send({ username: `scoped-${Date.now()}`, password: TEST_PASSWORD, role: 'planner', scopes: [2_000_000_000] })
      .expect(400);
    expect(missing.body.error.message).toBe('scopes: no region 2000000000.');

    const users = (await request(ctx.app).get('/api/users').set(bearer(accounts.admin)).expect(200)).body;
    expect(JSON.stringify(users)).not.toMatch(/argon2|password/i);
  });
});
