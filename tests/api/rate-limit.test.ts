import { pino } from 'pino';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { testContext } from './harness';

/** An app of its own with small limits (the shared test app has none, so other tests never meet them). */
let app: ReturnType<typeof createApp>;

beforeAll(async () => {
  const { database } = await testContext();
  app = createApp({
    database,
    config: { basemapStyleUrl: undefined, rateLimits: { perMinute: 7, heavyPerMinute: 2, loginPerMinute: 3 } },
    logger: pino({ level: 'silent' }),
    webDist: null,
  });
});

function expectRateLimited(res: request.Response, perMinute: number) {
  expect(res.status).toBe(429);
  expect(res.body.error.code).toBe('rate_limited');
  expect(res.body.error.message).toMatch(new RegExp(`at most ${perMinute} a minute\\. Try again in \\d+ s\\.$`));
  const retryAfter = Number(res.headers['retry-after']);
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(res.body.error.message).toContain(`Try again in ${retryAfter} s.`);
}

describe('rate limits per address', () => {
  it('the heavy endpoints answer 429 with Retry-After past their own, smaller limit', async () => {
    // Bad input still counts: a limit that only counted good requests would not protect the parser.
    const statuses: number[] = [];
    for (let i = 0; i < 2; i++) statuses.push((await request(app).get('/api/isochrones?lng=abc&lat=1')).status);
    expect(statuses).toEqual([400, 400]);
    const limited = await request(app).get('/api/Stations/Reachable/?lng=1&lat=1');
    expectRateLimited(limited, 2);
    expect(limited.body.error.message).toMatch(/^Too many coverage, isochrone and reachable-station requests/);
  });

  it('sign-in attempts have their own limit', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) {
      statuses.push(
        (await request(app).post('/api/auth/login').set('Content-Type', 'application/json').send('{')).status,
      );
    }
    expect(statuses).toEqual([400, 400, 400]);
    const limited = await request(app).post('/api/auth/login').send({ username: 'a', password: 'b' });
    expectRateLimited(limited, 3);
    expect(limited.body.error.message).toMatch(/^Too many sign-in attempts/);
  });

  it('every /api route shares the general limit', async () => {
    // 2 isochrone + 1 reachable + 4 login requests above used the general 7; this is the 8th.
    const res = await request(app).get('/api/health');
    expectRateLimited(res, 7);
    expect(res.body.error.message).toMatch(/^Too many requests from your address/);
    // The limit is per app (per store): the shared test app has none.
    const shared = (await testContext()).app;
    expect((await request(shared).get('/api/health')).status).toBe(200);
  });
});
