import { pino } from 'pino';
import request from 'supertest';
import express from 'express';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../server/src/app';
import { type AccessRule, access, assertEveryRouteHasAccess, decide, routeTable } from '../../server/src/routes/access';
import type { Caller } from '../../server/src/services/caller';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { rectangle, seedRegions } from '../support/seed';
import { insertGrids } from '../../server/src/queries/dataset.queries';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;

/**
 * Who may call each route, written out once more by hand: a route added, removed or given another
 * rule fails this test until the table here says so too.
 */
const EXPECTED: Record<string, string> = {
  'GET /api/health': 'public',
  'GET /api/config': 'public',
  'POST /api/auth/login': 'public',
  'POST /api/auth/logout': 'public',
  'GET /api/auth/me': 'signed-in',
  'GET /api/auth/tokens': 'signed-in',
  'POST /api/auth/tokens': 'signed-in',
  'DELETE /api/auth/tokens/:id': 'signed-in',
  'GET /api/users': 'admin',
  'POST /api/users': 'admin',
  'GET /api/users/:id': 'admin',
  'PATCH /api/users/:id': 'admin',
  'GET /api/openapi.json': 'public',
  'GET /api/regions': 'public',
  'GET /api/regions/:id/topology': 'admin,official,planner',
  'POST /api/regions/:id/draft-grids': 'admin,planner',
  'GET /api/grids': 'public',
  'POST /api/grids/merge': 'admin,planner',
  'POST /api/grids/changes': 'admin,planner',
  'POST /api/grids/renumber': 'admin,planner',
  'GET /api/grids/history': 'admin,planner',
  'POST /api/grids/:id/split': 'admin,planner',
  'POST /api/grids': 'admin,planner',
  'PATCH /api/grids/:id': 'admin,planner',
  'DELETE /api/grids/:id': 'admin,planner',
  'GET /api/grids/:id/history': 'admin,planner',
  'POST /api/grids/:id/restore': 'admin,planner',
  'GET /api/zones': 'public',
  'POST /api/zones': 'admin,planner',
  'PATCH /api/zones/:id': 'admin,planner',
  'DELETE /api/zones/:id': 'admin,planner',
  'GET /api/zones/:id/history': 'admin,planner',
  'POST /api/zones/:id/restore': 'admin,planner',
  'POST /api/stations': 'admin,planner',
  'PATCH /api/stations/:id': 'admin,planner',
  'DELETE /api/stations/:id': 'admin,planner',
  'GET /api/stations': 'public',
  'GET /api/stations/nearest': 'public',
  'GET /api/stations/reachable': 'public',
  'GET /api/here': 'public',
  'GET /api/coverage': 'public',
  'GET /api/audit': 'admin,official,planner',
  'POST /api/audit/sites': 'admin,official,planner',
  'GET /api/isochrones': 'public',
  'GET /api/basemap': 'public',
  'GET /api/export/:layer': 'signed-in',
  'POST /api/import/:layer': 'admin,planner',
};

const ruleName = (rule: AccessRule | null) =>
  rule === null ? 'none' : rule.kind === 'roles' ? [...rule.roles].sort().join(',') : rule.kind;

/** A path with its parameters filled by ids that exist nowhere, so allowed calls change nothing. */
const concrete = (path: string) =>
  path.replace('/stations/:id', '/stations/00000000-0000-4000-8000-000000000000').replace(/:id\b/, '2000000000');

const CALLERS = ['public', 'admin', 'planner', 'official'] as const;
const asCaller = (role: (typeof CALLERS)[number]): Caller =>
  role === 'public'
    ? { kind: 'anonymous', role: 'public' }
    : { kind: 'user', role, userId: 0, username: role, scopes: [], via: 'token' };

beforeAll(async () => {
  ctx = await testContext();
  accounts = await seedAccounts(ctx.database);
});

describe('the route table', () => {
  it('gives every API route an access rule, and the rules are the ones in the table above', () => {
    const table = routeTable(ctx.app).filter((r) => r.path.startsWith('/api'));
    const actual = Object.fromEntries(table.map((r) => [`${r.method} ${r.path}`, ruleName(r.rule)]));
    expect(actual).toEqual(EXPECTED);
  });

  it('makes the app refuse to start when a route declares no rule', () => {
    const app = express();
    const router = express.Router();
    router.get('/covered', access.public, (_req, res) => void res.end());
    router.get('/forgotten', (_req, res) => void res.end());
    app.use('/api', router);
    expect(() => assertEveryRouteHasAccess(app)).toThrow(/GET \/api\/forgotten/);
    expect(() => assertEveryRouteHasAccess(app)).not.toThrow(/covered/);
  });
});

describe('every role × route pair', () => {
  const table = () => routeTable(ctx.app).filter((r) => r.path.startsWith('/api'));

  it.each(CALLERS)('as %s: allowed routes pass the rule, others are 401 signed out and 403 signed in', async (role) => {
    const checked: string[] = [];
    for (const route of table()) {
      const verdict = decide(route.rule!, asCaller(role));
      let req = request(ctx.app)[route.method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](
        concrete(route.path),
      );
      if (role !== 'public') req = req.set(bearer(accounts[role]));
      // An empty body: an allowed write is then refused by its validation (400), never carried out.
      const res = route.method === 'GET' ? await req : await req.send({});
      const label = `${role} ${route.method} ${route.path} → ${res.status}`;
      if (verdict === 401) {
        expect(res.status, label).toBe(401);
        expect(res.body.error.code, label).toBe('unauthenticated');
      } else if (verdict === 403) {
        expect(res.status, label).toBe(403);
        expect(res.body.error.code, label).toBe('forbidden');
        expect(res.body.error.message, label).toMatch(/needs the role/);
      } else {
        expect([401, 403], label).not.toContain(res.status);
        expect(res.status, label).toBeLessThan(500);
      }
      checked.push(label);
    }
    expect(checked).toHaveLength(Object.keys(EXPECTED).length);
  });
});

describe('personal data', () => {
  const WORKER = '王保密';
  const PHONE = '13812345678';

  /** A valid request for every public GET route; a new public route must add one here. */
  const SAMPLES: Record<string, string> = {
    '/api/health': '',
    '/api/config': '',
    '/api/openapi.json': '',
    '/api/regions': '',
    '/api/grids': '',
    '/api/zones': '',
    '/api/stations': '',
    '/api/stations/nearest': '?lng=106.6005&lat=26.6005',
    '/api/stations/reachable': '?lng=106.6005&lat=26.6005&mode=walk',
    '/api/here': '?lng=106.6005&lat=26.6005',
    '/api/coverage': '?region=REGION',
    '/api/isochrones': '?lng=106.6005&lat=26.6005',
    '/api/basemap': '',
  };

  it('never reach a signed-out caller through any public route, and do reach staff', async () => {
    await resetData(ctx.database);
    const ids = await seedRegions(ctx.database, [
      { code: '520198', name: '保密区', level: 'district', geometry: rectangle(106.6, 26.6, 106.601, 26.601) },
      {
        code: '520198001',
        name: '保密街道',
        level: 'subdistrict',
        parentCode: '520198',
        geometry: rectangle(106.6, 26.6, 106.601, 26.601),
      },
      {
        code: '520198001001',
        name: '保密社区',
        level: 'community',
        parentCode: '520198001',
        geometry: rectangle(106.6, 26.6, 106.601, 26.601),
      },
    ]);
    await insertGrids(ctx.database.db, [
      {
        communityId: ids.get('520198001001')!,
        code: '520198001001001',
        name: '保密网格',
        kind: 'basic',
        households: 10,
        population: 20,
        workerName: WORKER,
        workerPhone: PHONE,
        geojson: JSON.stringify(rectangle(106.6, 26.6, 106.601, 26.601)),
      },
    ]).execute();
    const publicGets = routeTable(ctx.app).filter(
      (r) => r.path.startsWith('/api') && r.method === 'GET' && r.rule?.kind === 'public',
    );
    expect(publicGets.map((r) => r.path).sort()).toEqual(Object.keys(SAMPLES).sort());
    for (const route of publicGets) {
      const url = route.path + SAMPLES[route.path]!.replace('REGION', String(ids.get('520198')));
      const res = await request(ctx.app).get(url);
      expect(res.status, url).toBeLessThan(500);
      expect(res.text, url).not.toContain(WORKER);
      expect(res.text, url).not.toContain(PHONE);
    }
    const staff = await request(ctx.app).get('/api/grids').set(bearer(accounts.official)).expect(200);
    expect(staff.text).toContain(WORKER);
    const here = await request(ctx.app).get(`/api/here${SAMPLES['/api/here']}`).set(bearer(accounts.planner));
    expect(here.body.grid.workerPhone).toBe(PHONE);
  });

  it('hide who edited a station from everyone in the API', async () => {
    const strict = createApp({
      database: ctx.database,
      config: { basemapStyleUrl: undefined },
      logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      webDist: null,
    });
    const created = await request(strict)
      .post('/api/stations')
      .set(bearer(accounts.admin))
      .send({
        kind: 'rider_station',
        name: '编辑者测试',
        geometry: { type: 'Point', coordinates: [106.6004, 26.6004] },
      })
      .expect(201);
    const listed = await request(strict).get('/api/stations').expect(200);
    expect(JSON.stringify(created.body)).not.toContain(accounts.admin.username);
    expect(listed.text).not.toContain(accounts.admin.username);
  });
});
