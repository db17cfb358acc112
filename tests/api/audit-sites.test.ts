/**
 * POST /api/audit/sites: where the next stations should go, on a case whose optimum is known by hand
 * (tests/fixtures/audit-sites/in/greedy-trap.geojson), exact and greedy, MCLP and LSCP.
 */
import type { FeatureCollection, Point, Polygon } from 'geojson';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditSitesResponse } from '../../server/src/contracts';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { golden, readGoldenInput } from '../support/golden';
import { seedDemand, seedRegions } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
let regionId: number;

type TrapInput = FeatureCollection<Point, { layer: 'demand' | 'candidate'; label: string; weight?: number }> & {
  region: Polygon;
};
const input = readGoldenInput<TrapInput>('audit-sites', 'greedy-trap');
const candidates = input.features.filter((f) => f.properties.layer === 'candidate');
const labelOf = (coordinates: number[]) =>
  candidates.find((c) => c.geometry.coordinates.every((v, i) => Math.abs(v - coordinates[i]!) < 1e-9))!.properties
    .label;

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const ids = await seedRegions(ctx.database, [
    { code: '520199', name: '线区', level: 'district', geometry: input.region },
    { code: '520199001', name: '线街道', level: 'subdistrict', parentCode: '520199', geometry: input.region },
    { code: '520199001001', name: '线社区', level: 'community', parentCode: '520199001', geometry: input.region },
  ]);
  regionId = ids.get('520199')!;
  await seedDemand(ctx.database, {
    type: 'FeatureCollection',
    features: input.features
      .filter((f) => f.properties.layer === 'demand')
      .map((f) => ({ ...f, properties: { weight: f.properties.weight!, kind: 'household' as const } })),
  });
  accounts = await seedAccounts(ctx.database, [ids.get('520199001')!]);
});

const sites = (body: object, account = accounts.official) =>
  request(ctx.app)
    .post('/api/audit/sites')
    .set(bearer(account))
    .send({
      region: regionId,
      minutes: 5,
      mode: 'walk',
      method: 'radius',
      candidates: candidates.map((c) => c.geometry.coordinates),
      ...body,
    });

describe('POST /api/audit/sites', () => {
  it('MCLP: exact finds the pair greedy misses (S2 + S3 cover all 6; greedy S1 + one, 5)', async () => {
    const exact = (await sites({ k: 2, solver: 'exact' }).expect(200)).body as AuditSitesResponse;
    const greedy = (await sites({ k: 2, solver: 'greedy' }).expect(200)).body as AuditSitesResponse;
    expect(exact.status).toBe('optimal');
    expect(exact.sites.features.map((f) => labelOf(f.geometry.coordinates)).sort()).toEqual(['S2', 'S3']);
    expect(exact.covered_population_after).toBe(6);
    expect(exact.sites.features.map((f) => f.properties.gain_population)).toEqual([3, 3]);
    expect(greedy.solver).toBe('greedy');
    expect(labelOf(greedy.sites.features[0]!.geometry.coordinates)).toBe('S1');
    expect(greedy.covered_population_after).toBe(5);
    expect(greedy.sites.features.map((f) => f.properties.gain_population)).toEqual([4, 1]);
    // Exact also ran greedy (its first incumbent) and says how far below it fell: (6 − 5) / 6.
    expect(exact.greedy_shortfall_share).toBeCloseTo(1 / 6, 6);
    expect(exact.covered_population_before).toBe(0);
    expect(exact.total_population).toBe(6);

    const actual = {
      type: 'FeatureCollection',
      features: [exact, greedy].flatMap((r) =>
        r.sites.features.map((f) => ({
          ...f,
          properties: { solver: r.solver, label: labelOf(f.geometry.coordinates), ...f.properties },
        })),
      ),
    };
    const expected = golden('audit-sites', 'greedy-trap', actual);
    expect(actual).toEqual(expected);
  });

  it('LSCP: the fewest sites for 100 % is two; greedy needs three', async () => {
    const exact = (await sites({ target_share: 1, solver: 'exact' }).expect(200)).body as AuditSitesResponse;
    expect(exact.problem).toBe('lscp');
    expect(exact.sites.features).toHaveLength(2);
    expect(exact.covered_share_after).toBe(1);
    const greedy = (await sites({ target_share: 1, solver: 'greedy' }).expect(200)).body as AuditSitesResponse;
    expect(greedy.sites.features).toHaveLength(3);
    // 5 of 6 (83 %) is reached by one site less.
    const fiveSixths = (await sites({ target_share: 0.8, solver: 'exact' }).expect(200)).body as AuditSitesResponse;
    expect(fiveSixths.sites.features).toHaveLength(2);
    const unreachable = await sites({ target_share: 1, candidates: [candidates[1]!.geometry.coordinates] }).expect(200);
    expect(unreachable.body.status).toBe('infeasible');
    expect(unreachable.body.best_reachable_share).toBeCloseTo(4 / 6, 6);
  });

  it('takes a suggestion as a planned station, and the audit with planned stations counts it', async () => {
    const best = (await sites({ k: 1, solver: 'exact' }).expect(200)).body as AuditSitesResponse;
    const site = best.sites.features[0]!;
    expect(labelOf(site.geometry.coordinates)).toBe('S1');
    // The planner's scope is the subdistrict, where the site lies.
    await request(ctx.app)
      .post('/api/stations')
      .set(bearer(accounts.planner))
      .send({ kind: 'rider_station', name: '规划驿站', geometry: site.geometry, status: 'planned' })
      .expect(201);
    const audit = (params: string) =>
      request(ctx.app)
        .get(`/api/audit?region=${regionId}&minutes=5&mode=walk&method=radius&demand=household${params}`)
        .set(bearer(accounts.official))
        .expect(200);
    const without = (await audit('')).body;
    expect(without.demand.chosen.covered).toBe(0);
    expect(without.stations.left_out_by_reason.planned).toBe(1);
    const withPlanned = (await audit('&include_planned=true')).body;
    expect(withPlanned.demand.chosen.covered).toBe(site.properties.gain_population);
    expect(withPlanned.stations.used).toBe(1);
    expect(withPlanned.stations.left_out_by_reason.planned).toBe(0);
  });

  it('refuses k with target_share, the public, and a planner outside their scope', async () => {
    const both = await sites({ k: 2, target_share: 0.9 }).expect(400);
    expect(both.body.error.message).toMatch(/not both/);
    await request(ctx.app).post('/api/audit/sites').send({ region: regionId, k: 1 }).expect(401);
    // The planner's scope is the subdistrict; the district is wider.
    const outside = await sites({ k: 1 }, accounts.planner).expect(403);
    expect(outside.body.error.code).toBe('outside_scope');
  });
});
