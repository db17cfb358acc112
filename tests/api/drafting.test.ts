/**
 * POST /api/regions/:id/draft-grids (issue 8): drafts of balanced grids from street blocks.
 *
 * Oracles that share no code with the service: the synthetic community's own households per
 * building (tests/support/synthetic-community.ts), counted inside each grid with turf's point in
 * polygon; areas and perimeters by GeographicLib (Polsby-Popper recomputed from them); overlaps
 * and unions measured in PostGIS on the GeoJSON the API sent; and, in the end, the planner rules
 * themselves: the draft is saved grid by grid through POST /api/grids and the community's topology
 * check finds nothing to say.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { Polygon, Position } from 'geojson';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoCity } from '../../data/src/ensure';
import type { DraftGridsResponse, TopologyResponse } from '../../server/src/contracts';
import { readDemoCity } from '../../server/src/bootstrap';
import { insertDemandPoints, insertRoads } from '../../server/src/queries/dataset.queries';
import { loadDemoCity } from '../../server/src/services/demo-data.service';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { geodesicAreaM2, geodesicDistanceM } from '../support/geodesy';
import { seedRegions } from '../support/seed';
import { type SyntheticCommunity, syntheticCommunity } from '../support/synthetic-community';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
let synthetic: SyntheticCommunity;
const ids = new Map<string, number>();

const draft = (regionId: number | string, body: unknown, account = accounts.planner) =>
  request(ctx.app)
    .post(`/api/regions/${regionId}/draft-grids`)
    .set(bearer(account))
    .send(body as object);

const perimeterM = (polygon: Polygon) =>
  polygon.coordinates.reduce(
    (sum, ring) => sum + ring.slice(1).reduce((s, p, i) => s + geodesicDistanceM(ring[i]!, p), 0),
    0,
  );

/** In PostGIS, on the geometries as sent: the union's area, the largest pairwise overlap. */
async function tilingOf(body: DraftGridsResponse) {
  const { rows } = await sql<{ union_m2: number; overlap_m2: number; valid: boolean }>`
    WITH g AS (
      SELECT row_number() OVER () AS n, ST_SetSRID(ST_GeomFromGeoJSON(x::text), 4326) AS geom
      FROM json_array_elements(${JSON.stringify(body.features.map((f) => f.geometry))}::json) AS x)
    SELECT ST_Area(ST_Union(geom)::geography) AS union_m2, bool_and(ST_IsValid(geom)) AS valid,
      (SELECT COALESCE(max(ST_Area(ST_Intersection(a.geom, b.geom)::geography)), 0)
        FROM g a JOIN g b ON a.n < b.n AND ST_Intersects(a.geom, b.geom)) AS overlap_m2
    FROM g`.execute(ctx.database.db);
  return rows[0]!;
}

/** Every grid one valid polygon; together they tile `outline` (0.1 %), overlapping under 1 m² pairwise. */
async function expectTiling(body: DraftGridsResponse, communityArea_m2: number) {
  for (const f of body.features) expect(f.geometry.type).toBe('Polygon');
  expect(body.summary.contiguous).toBe(true);
  const summed = body.features.reduce((s, f) => s + geodesicAreaM2(f.geometry), 0);
  expect(Math.abs(summed - communityArea_m2) / communityArea_m2).toBeLessThan(1e-3);
  const tiling = await tilingOf(body);
  expect(tiling.valid).toBe(true);
  expect(tiling.overlap_m2).toBeLessThan(1);
  expect(Math.abs(tiling.union_m2 - communityArea_m2) / communityArea_m2).toBeLessThan(1e-3);
}

/** Polsby-Popper of each grid from GeographicLib's area and perimeter. */
function expectScores(body: DraftGridsResponse) {
  const scores = body.features.map((f) => {
    const polygon = f.geometry as Polygon;
    const pp = (4 * Math.PI * geodesicAreaM2(polygon)) / perimeterM(polygon) ** 2;
    expect(f.properties.polsby_popper).toBeCloseTo(pp, 2);
    return pp;
  });
  expect(body.summary.worst_polsby_popper).toBeCloseTo(Math.min(...scores), 2);
}

const ratioOf = (body: DraftGridsResponse) => {
  const households = body.features.map((f) => f.properties.households);
  return Math.max(...households) / Math.min(...households);
};

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  synthetic = syntheticCommunity({
    origin: { lng: 106.3, lat: 26.3 },
    size_m: 1200,
    spacing_m: 100,
    households: 1500,
    seed: 3,
  });
  const away = (dx_m: number): Polygon => ({
    type: 'Polygon',
    coordinates: [
      [
        synthetic.at(dx_m, 0),
        synthetic.at(dx_m + 300, 0),
        synthetic.at(dx_m + 300, 300),
        synthetic.at(dx_m, 300),
        synthetic.at(dx_m, 0),
      ],
    ],
  });
  const everything: Polygon = {
    type: 'Polygon',
    coordinates: [
      [
        synthetic.at(-100, -100),
        synthetic.at(3000, -100),
        synthetic.at(3000, 1300),
        synthetic.at(-100, 1300),
        synthetic.at(-100, -100),
      ],
    ],
  };
  const seeded = await seedRegions(ctx.database, [
    { code: '520197', name: '划分区', level: 'district', geometry: everything },
    { code: '520197001', name: '东街道', level: 'subdistrict', parentCode: '520197', geometry: everything },
    { code: '520197002', name: '西街道', level: 'subdistrict', parentCode: '520197', geometry: away(2000) },
    {
      code: '520197001001',
      name: '格子社区',
      level: 'community',
      parentCode: '520197001',
      geometry: synthetic.outline,
    },
    // No demand at all.
    { code: '520197001002', name: '空社区', level: 'community', parentCode: '520197001', geometry: away(1500) },
    // Outside the planner's scope (its subdistrict), with a few households.
    { code: '520197002001', name: '远社区', level: 'community', parentCode: '520197002', geometry: away(2000) },
  ]);
  for (const [code, id] of seeded) ids.set(code, id);
  await insertRoads(ctx.database.db, synthetic.roads).execute();
  await insertDemandPoints(ctx.database.db, 'household', [
    ...synthetic.buildings,
    ...[50, 150, 250].map((x) => [...synthetic.at(2000 + x, 150), 28] as [number, number, number]),
  ]).execute();
  accounts = await seedAccounts(ctx.database, [ids.get('520197001')!]);
});

let body: DraftGridsResponse;

describe('drafting the synthetic community', () => {
  beforeAll(async () => {
    body = (await draft(ids.get('520197001001')!, { grids: 6 }).expect(200)).body as DraftGridsResponse;
  });

  it('tiles it with six single polygons, overlapping nowhere', async () => {
    expect(body.features).toHaveLength(6);
    await expectTiling(body, geodesicAreaM2(synthetic.outline));
  });

  it('counts the households of the buildings inside each grid, and balances them within 1.2', () => {
    const counted = body.features.map((f) =>
      synthetic.buildings.reduce(
        (sum, [lng, lat], i) =>
          booleanPointInPolygon([lng, lat], f.geometry) ? sum + synthetic.householdsOf[i]! : sum,
        0,
      ),
    );
    expect(body.features.map((f) => f.properties.households)).toEqual(counted);
    expect(body.features.map((f) => f.properties.population)).toEqual(counted.map((h) => Math.round(h * 2.8)));
    expect(counted.reduce((s, h) => s + h, 0)).toBe(synthetic.households);
    expect(body.summary.households).toBe(synthetic.households);
    expect(body.summary.persons_per_household).toBe(2.8);
    expect(body.summary.persons_per_household_source).toBe('default');
    expect(ratioOf(body)).toBeLessThanOrEqual(1.2);
    expect(body.summary.ratio).toBeCloseTo(ratioOf(body), 2);
  });

  it('reports each grid’s Polsby-Popper score as GeographicLib measures it', () => {
    expectScores(body);
    expect(body.summary.mean_polsby_popper).toBeGreaterThan(0.3);
  });

  it('draws every boundary inside the community along a street when no block had to be cut', async () => {
    expect(body.summary.cut_faces).toBe(0);
    const outline = synthetic.outline.coordinates[0]!;
    const inner: Position[] = body.features.flatMap((f) =>
      (f.geometry as Polygon).coordinates[0]!.filter((p) => {
        // Farther than 1 m from the outline's four edges (the outline is a square in metres).
        const [x0, y0] = outline[0]!;
        const [x1, y1] = outline[2]!;
        const kx = geodesicDistanceM([x0!, y0!], [x1!, y0!]) / (x1! - x0!);
        const ky = geodesicDistanceM([x0!, y0!], [x0!, y1!]) / (y1! - y0!);
        return Math.min((p[0]! - x0!) * kx, (x1! - p[0]!) * kx, (p[1]! - y0!) * ky, (y1! - p[1]!) * ky) > 1;
      }),
    );
    expect(inner.length).toBeGreaterThan(20);
    const { rows } = await sql<{ far_m: number }>`
      SELECT max((SELECT min(ST_Distance(r.geom::geography, ST_SetSRID(ST_MakePoint(p[1], p[2]), 4326)::geography)) FROM road r)) AS far_m
      FROM json_array_elements(${JSON.stringify(inner)}::json) AS x, LATERAL (SELECT ARRAY[(x->>0)::float8, (x->>1)::float8]) AS v(p)`.execute(
      ctx.database.db,
    );
    expect(rows[0]!.far_m).toBeLessThan(0.05);
  });

  it('beats plain k-means of the same points on balance', () => {
    expect(body.summary.kmeans.ratio).not.toBeNull();
    expect(body.summary.ratio!).toBeLessThan(body.summary.kmeans.ratio!);
  });

  it('numbers the grids 1…n, in rows from the north, west to east', () => {
    expect(body.features.map((f) => f.properties.sequence)).toEqual([1, 2, 3, 4, 5, 6]);
    const northOf = (f: DraftGridsResponse['features'][number]) =>
      Math.max(...(f.geometry as Polygon).coordinates[0]!.map((p) => p[1]!));
    expect(northOf(body.features[0]!)).toBeGreaterThanOrEqual(northOf(body.features.at(-1)!));
  });

  it('takes a number of households per grid instead', async () => {
    const byHouseholds = (await draft(ids.get('520197001001')!, { households_per_grid: 300 }).expect(200))
      .body as DraftGridsResponse;
    // 1,500 households at 300 a grid.
    expect(byHouseholds.features).toHaveLength(5);
    expect(byHouseholds.summary.target_households).toBe(300);
    expect(ratioOf(byHouseholds)).toBeLessThanOrEqual(1.2);
  });
});

describe('refusals', () => {
  const community = () => ids.get('520197001001')!;

  it('wants exactly one of grids and households_per_grid', async () => {
    const message =
      'give exactly one of grids (how many grids to draft) or households_per_grid (the households each should hold), e.g. { "grids": 12 } or { "households_per_grid": 380 }';
    for (const body of [{}, { grids: 3, households_per_grid: 300 }]) {
      const res = await draft(community(), body).expect(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_request', message });
    }
  });

  it('says what is wrong with a number', async () => {
    const cases: [unknown, string][] = [
      [{ grids: 0 }, 'grids: grids must be at least 1'],
      [{ grids: 2.5 }, 'grids: grids must be a whole number'],
      [{ grids: '4' }, 'grids: grids must be a number: how many grids to draft'],
      [{ grids: 1000 }, 'grids: grids must be at most 999 (a 3-digit sequence)'],
      [{ households_per_grid: -5 }, 'households_per_grid: households_per_grid must be at least 1'],
    ];
    for (const [body, message] of cases) {
      const res = await draft(community(), body).expect(400);
      expect(res.body.error.message).toBe(message);
    }
    const unknown = await draft(community(), { grids: 3, colour: 'red' }).expect(400);
    expect(unknown.body.error.code).toBe('invalid_request');
    expect(unknown.body.error.message).toMatch(/colour/);
  });

  it('refuses more grids than there are blocks, or a community without demand, or a subdistrict', async () => {
    const many = await draft(community(), { grids: 999 }).expect(400);
    expect(many.body.error.code).toBe('too_many_grids');
    expect(many.body.error.message).toMatch(
      new RegExp(
        `stand at ${synthetic.buildings.length} places \\(demand points\\).*at most ${synthetic.buildings.length} grids`,
      ),
    );
    const tiny = await draft(community(), { households_per_grid: 1 }).expect(400);
    expect(tiny.body.error.code).toBe('too_many_grids');
    expect(tiny.body.error.message).toMatch(/1500 households at 1 per grid would make 1500 grids/);
    const empty = await draft(ids.get('520197001002')!, { grids: 2 }).expect(400);
    expect(empty.body.error.code).toBe('no_demand');
    const subdistrict = await draft(ids.get('520197001')!, { grids: 2 }).expect(400);
    expect(subdistrict.body.error.code).toBe('not_a_community');
  });

  it('answers 401 signed out, 403 to officials and to planners outside their scope, 404 for no such region', async () => {
    const signedOut = await request(ctx.app)
      .post(`/api/regions/${community()}/draft-grids`)
      .send({ grids: 2 })
      .expect(401);
    expect(signedOut.body.error.code).toBe('unauthenticated');
    const official = await draft(community(), { grids: 2 }, accounts.official).expect(403);
    expect(official.body.error.code).toBe('forbidden');
    const outside = await draft(ids.get('520197002001')!, { grids: 1 }).expect(403);
    expect(outside.body.error.code).toBe('outside_scope');
    // An admin may draft anywhere.
    const admin = await draft(ids.get('520197002001')!, { grids: 1 }, accounts.admin).expect(200);
    expect(admin.body.features).toHaveLength(1);
    const missing = await draft(2_000_000_000, { grids: 2 }).expect(404);
    expect(missing.body.error.code).toBe('not_found');
    const malformed = await draft('abc', { grids: 2 }).expect(400);
    expect(malformed.body.error.code).toBe('invalid_request');
  });
});

// Last for the synthetic community: afterwards it has grids, and their persons per household.
describe('accepting the draft', () => {
  it('saves through the planner rules as it stands, and then the topology check finds nothing', async () => {
    const community = ids.get('520197001001')!;
    for (const f of body.features) {
      const saved = await request(ctx.app)
        .post('/api/grids')
        .set(bearer(accounts.planner))
        .send({
          community,
          geometry: f.geometry,
          properties: {
            name: `草案网格${f.properties.sequence}`,
            households: f.properties.households,
            population: f.properties.population,
          },
        });
      expect(saved.status, JSON.stringify(saved.body).slice(0, 400)).toBe(201);
    }
    const topology = (
      await request(ctx.app).get(`/api/regions/${community}/topology`).set(bearer(accounts.planner)).expect(200)
    ).body as TopologyResponse;
    expect(topology.summary).toMatchObject({ grids: 6, gaps: 0, overlaps: 0, slivers: 0, gridsOutsideCommunity: 0 });
    expect(topology.ok).toBe(true);
  });
});

describe("the demo city's largest community", () => {
  let admin: TestAccounts['admin'];
  beforeAll(async () => {
    await resetData(ctx.database);
    expect((await loadDemoCity(ctx.database.db, await readDemoCity(await ensureDemoCity()))).loaded).toBe(true);
    admin = accounts.admin;
  });

  it('drafts as many grids as it has today: single polygons tiling it, balanced within 1.2', async () => {
    const { rows } = await sql<{ id: number; grids: number; households: number; geometry: Polygon }>`
      SELECT r.id, count(g.id)::int AS grids, sum(g.households)::int AS households, ST_AsGeoJSON(r.geom)::json AS geometry
      FROM region r JOIN grid g ON g.community_id = r.id
      GROUP BY r.id ORDER BY sum(g.households) DESC LIMIT 1`.execute(ctx.database.db);
    const largest = rows[0]!;
    const body = (await draft(largest.id, { grids: largest.grids }, admin).expect(200)).body as DraftGridsResponse;
    expect(body.features).toHaveLength(largest.grids);
    await expectTiling(body, geodesicAreaM2(largest.geometry));
    expectScores(body);
    // Its grids say how many households it has (each rounded); the draft counts the demand points.
    expect(Math.abs(body.summary.households - largest.households)).toBeLessThan(largest.grids);
    expect(body.summary.persons_per_household_source).toBe('community_grids');
    expect(ratioOf(body)).toBeLessThanOrEqual(1.2);
    expect(body.summary.ratio!).toBeLessThan(body.summary.kmeans.ratio!);
  });
});
