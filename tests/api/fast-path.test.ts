import { once } from 'node:events';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Feature, Point } from 'geojson';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AppConfig, createApp, createServices } from '../../server/src/app';
import { createAppServer } from '../../server/src/routes/fast-path';
import { mulberry32 } from '../support/random';
import { type SeedStationProps, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

/**
 * GET /api/stations/nearest is served without Express's router (routes/fast-path.ts). Two apps on
 * one database, the fast path on and off, must give the same answer to every kind of request: the
 * status, every header but Date, and the body's bytes.
 */
type App = ReturnType<typeof createApp>;
let database: Awaited<ReturnType<typeof testContext>>['database'];

const makeApp = (fastPath: boolean, config: Partial<AppConfig> = {}) =>
  createApp({
    database,
    config: { basemapStyleUrl: undefined, fastPath, ...config },
    logger: pino({ level: 'silent' }),
    webDist: null,
  });

const station = (lng: number, lat: number, props: SeedStationProps): Feature<Point, SeedStationProps> => ({
  type: 'Feature',
  geometry: { type: 'Point', coordinates: [lng, lat] },
  properties: props,
});

// Text that JSON must escape, or that is not ASCII: the fast path's JSON is put together from pieces.
const NAMES = ['小蜜蜂驿站·金阳', 'say "hi"', 'back\\slash', 'tab\tand\nnewline', '🚲 驿站', '@@wangge-slot:openNow@@'];

beforeAll(async () => {
  ({ database } = await testContext());
  await resetData(database);
  const random = mulberry32(7);
  await seedStations(
    database,
    Array.from({ length: 60 }, (_, i) =>
      station(106.6 + random() * 0.04, 26.6 + random() * 0.04, {
        name: `${NAMES[i % NAMES.length]} ${i}`,
        kind: i % 5 === 0 ? 'outdoor_worker_station' : 'rider_station',
        amenities: i % 2 ? ['ebike_charging', 'water'] : ['water'],
        openingHours: ['24/7', 'Mo-Su 06:00-22:00', 'Mo-Fr 08:00-18:00; PH off', 'Sa,Su 10:00-16:00'][i % 4],
        status: i % 11 === 0 ? 'suspended' : 'active',
      }),
    ),
  );
});

/** A GET with node:http: only the headers it adds by itself (Host, Connection). */
function getRaw(url: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    get(url, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const { date: _date, ...headers } = res.headers;
        resolve({ status: res.statusCode!, headers, body: Buffer.concat(chunks) });
      });
    }).on('error', reject);
  });
}

type Answer = { status: number; headers: Record<string, unknown>; body: Buffer };

/** Everything a client can see of an answer: status, headers but Date, the body's bytes. */
async function answer(app: App, path: string, headers: Record<string, string> = {}): Promise<Answer> {
  const get = request(app).get(path).set(headers);
  // superagent asks for gzip unless told not to; riders' phones do, autocannon doesn't: test both.
  if (!Object.keys(headers).some((h) => h.toLowerCase() === 'accept-encoding')) get.unset('Accept-Encoding');
  const res = await get.buffer(true).parse((r, done) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => done(null, Buffer.concat(chunks)));
  });
  const { date: _date, ...rest } = res.headers as Record<string, unknown>;
  return { status: res.status, headers: rest, body: res.body as Buffer };
}

const at = '2026-02-17T12:00:00%2B08:00'; // 春节: the PH rules apply

const CASES: [string, string, Record<string, string>?][] = [
  ['the default five', '/api/stations/nearest?lng=106.62&lat=26.62'],
  [
    'a limit, a kind and an amenity',
    '/api/stations/nearest?lng=106.61&lat=26.63&limit=12&kind=rider_station&amenity=ebike_charging',
  ],
  ['open at a time on a holiday', `/api/stations/nearest?lng=106.62&lat=26.62&limit=20&open=true&open_at=${at}`],
  ['open now at night', '/api/stations/nearest?lng=106.62&lat=26.62&open=true&open_at=2026-03-10T03:45:00%2B08:00'],
  ['far outside the stations', '/api/stations/nearest?lng=100&lat=40&limit=3'],
  [
    'a point with no station left by the filter',
    '/api/stations/nearest?lng=106.62&lat=26.62&amenity=ebike_charging&kind=party_service_centre',
  ],
  ['gzip asked for', '/api/stations/nearest?lng=106.62&lat=26.62&limit=20', { 'Accept-Encoding': 'gzip, deflate' }],
  ['an empty Accept-Encoding', '/api/stations/nearest?lng=106.62&lat=26.62&limit=20', { 'Accept-Encoding': '' }],
  ['br preferred', '/api/stations/nearest?lng=106.62&lat=26.62&limit=20', { 'Accept-Encoding': 'gzip;q=0.5, br' }],
  ['identity only', '/api/stations/nearest?lng=106.62&lat=26.62&limit=20', { 'Accept-Encoding': 'identity' }],
  [
    'a body below the compression threshold',
    '/api/stations/nearest?lng=106.62&lat=26.62&limit=1',
    { 'Accept-Encoding': 'gzip' },
  ],
  ['a longitude out of range', '/api/stations/nearest?lng=200&lat=26.6'],
  ['no latitude', '/api/stations/nearest?lng=106.6'],
  [
    'an unknown mode and amenity',
    '/api/stations/nearest?lng=106.6&lat=26.6&mode=car&amenity=spa',
    { 'Accept-Encoding': 'gzip' },
  ],
  ['a limit too large', '/api/stations/nearest?lng=106.6&lat=26.6&limit=21'],
  ['a repeated parameter', '/api/stations/nearest?lng=106.6&lng=106.7&lat=26.6'],
  [
    'a stale session cookie (Express answers)',
    '/api/stations/nearest?lng=106.62&lat=26.62',
    { Cookie: 'wangge_session=abcdefghijklmnopqrstuvwxyz' },
  ],
  ['a bad token (Express answers)', '/api/stations/nearest?lng=106.62&lat=26.62', { Authorization: 'Bearer nope' }],
];

describe('the fast path for GET /api/stations/nearest', () => {
  let fast: App;
  let slow: App;
  beforeAll(() => {
    fast = makeApp(true);
    slow = makeApp(false);
  });

  it.each(CASES)('answers as Express does: %s', async (_name, path, headers) => {
    // The stored `at` differs between two calls; asking for a fixed time keeps the bodies comparable.
    const pinned = path.includes('open_at=') ? path : `${path}&open_at=2026-03-10T12:00:00%2B08:00`;
    const [a, b] = [await answer(fast, pinned, headers), await answer(slow, pinned, headers)];
    expect(a.status).toBe(b.status);
    expect(a.headers).toEqual(b.headers);
    const encoding = { 'gzip asked for': 'gzip', 'br preferred': 'br' }[_name];
    expect(a.headers['content-encoding']).toBe(encoding);
    // The bytes as received (superagent undoes gzip and br; content-encoding above says which was sent).
    expect(a.body.toString()).toBe(b.body.toString());
    if (a.status === 200) expect(JSON.parse(a.body.toString()).type).toBe('FeatureCollection');
    else expect(JSON.parse(a.body.toString()).error.message).toBeTruthy();
  });

  it('is taken for plain requests, and not for other spellings, methods, credentials or conditional ones', async () => {
    const served = () => (fast.locals.fastPath as { served: number }).served;
    const before = served();
    await request(fast).get('/api/stations/nearest?lng=106.62&lat=26.62').expect(200);
    await request(fast).get('/api/stations/nearest?lng=x').expect(400);
    expect(served()).toBe(before + 2);
    const ok = await request(fast).get('/api/stations/nearest?lng=106.62&lat=26.62&open_at=2026-03-10T12:00:00Z');
    await request(fast).get('/api/stations/nearest/?lng=106.62&lat=26.62').expect(200);
    await request(fast).get('/api/Stations/Nearest?lng=106.62&lat=26.62').expect(200);
    await request(fast).head('/api/stations/nearest?lng=106.62&lat=26.62').expect(200);
    await request(fast)
      .get('/api/stations/nearest?lng=106.62&lat=26.62')
      .set('Authorization', 'Bearer nope')
      .expect(401);
    // Conditional: Express answers 304 to the ETag it sent.
    await request(fast)
      .get('/api/stations/nearest?lng=106.62&lat=26.62&open_at=2026-03-10T12:00:00Z')
      .set('If-None-Match', ok.headers.etag as string)
      .expect(304);
    expect(served()).toBe(before + 3);
  });

  it('shares the general rate limit with the rest of the API, and answers 429 as Express does', async () => {
    const limits = { rateLimits: { perMinute: 3, heavyPerMinute: 0, loginPerMinute: 0 } };
    const [limitedFast, limitedSlow] = [makeApp(true, limits), makeApp(false, limits)];
    for (const app of [limitedFast, limitedSlow]) {
      await request(app).get('/api/health').expect(200);
      await request(app).get('/api/stations/nearest?lng=106.62&lat=26.62').expect(200);
      await request(app).get('/api/stations/nearest?lng=106.62&lat=26.62').expect(200);
    }
    const [a, b] = [
      await answer(limitedFast, '/api/stations/nearest?lng=106.62&lat=26.62'),
      await answer(limitedSlow, '/api/stations/nearest?lng=106.62&lat=26.62'),
    ];
    expect([a.status, b.status]).toEqual([429, 429]);
    expect(JSON.parse(a.body.toString()).error.code).toBe('rate_limited');
    // The two stores' windows began a moment apart: the seconds left may differ by one.
    const names = (x: Answer) => Object.keys(x.headers).sort();
    expect(names(a)).toEqual(names(b));
    expect(a.headers['ratelimit-policy']).toBe(b.headers['ratelimit-policy']);
    expect(Math.abs(Number(a.headers['retry-after']) - Number(b.headers['retry-after']))).toBeLessThanOrEqual(1);
  });

  describe('on a server from createAppServer (requests born with Express prototypes)', () => {
    let server: ReturnType<typeof createAppServer>;
    let url: string;
    beforeAll(async () => {
      server = createAppServer(fast).listen(0, '127.0.0.1');
      await once(server, 'listening');
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterAll(() => new Promise((resolve) => server.close(resolve)));

    it('answers the same bytes and headers as Express through supertest', async () => {
      const path = '/api/stations/nearest?lng=106.62&lat=26.62&limit=8&open_at=2026-03-10T12:00:00%2B08:00';
      const before = (fast.locals.fastPath as { served: number }).served;
      // node:http sends no Accept-Encoding, as autocannon doesn't: the path the load bench takes.
      const res = await getRaw(url + path);
      const expressAnswer = await answer(slow, path);
      expect((fast.locals.fastPath as { served: number }).served).toBe(before + 1);
      expect(res.status).toBe(200);
      expect(res.body.equals(expressAnswer.body)).toBe(true);
      // Connection and Keep-Alive follow each client's own request.
      const { connection: _c, 'keep-alive': _k, ...headers } = res.headers;
      const { connection: _c2, 'keep-alive': _k2, ...expected } = expressAnswer.headers;
      expect(headers).toEqual(expected);
    });

    it('serves the rest of the app through Express as before', async () => {
      const health = await fetch(`${url}/api/health`);
      expect(health.status).toBe(200);
      const missing = await fetch(`${url}/api/nothing-here`);
      expect(missing.status).toBe(404);
      expect(((await missing.json()) as { error: { code: string } }).error.code).toBe('not_found');
    });
  });
});

describe('stations.nearestJson', () => {
  it('gives the bytes JSON.stringify gives for nearest, on random points, filters and times', async () => {
    const { stations } = createServices(database);
    const random = mulberry32(99);
    for (let k = 0; k < 150; k++) {
      const query = {
        lng: 106.59 + random() * 0.06,
        lat: 26.59 + random() * 0.06,
        limit: 1 + Math.floor(random() * 20),
        openNow: random() < 0.4,
        amenities: random() < 0.3 ? ['ebike_charging'] : undefined,
        now: new Date(Date.UTC(2026, 1, 10 + Math.floor(random() * 20), Math.floor(random() * 24), 30)),
      };
      const text = (await stations.nearestJson(query)).toString('utf8');
      expect(text).toBe(JSON.stringify(await stations.nearest(query)));
    }
  });
});
