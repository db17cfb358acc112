import { difference, featureCollection, intersect, union, booleanPointInPolygon } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type {
  CoverageResponse,
  NearestStationCollection,
  RegionCollection,
  StationCollection,
} from '../../server/src/contracts';
import { ensureDemoCity } from '../../data/src/ensure';
import { readDemoCity } from '../../server/src/bootstrap';
import { loadDemoCity } from '../../server/src/services/demo-data.service';
import { geodesicAreaM2, geodesicCircle, geodesicDistanceM } from '../support/geodesy';
import { mulberry32 } from '../support/random';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const result = await loadDemoCity(ctx.database.db, await readDemoCity(await ensureDemoCity()));
  expect(result.loaded).toBe(true);
});

async function count(table: 'region' | 'grid' | 'zone' | 'station' | 'demand_point' | 'road' | 'water') {
  const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM ${sql.table(table)}`.execute(
    ctx.database.db,
  );
  return rows[0]!.n;
}

describe('the demo accounts', () => {
  it('come with the demo city: each signs in with the demo password, the planner scoped to 金阳街道', async () => {
    for (const [username, role] of [
      ['demo-admin', 'admin'],
      ['demo-planner', 'planner'],
      ['demo-official', 'official'],
    ] as const) {
      const res = await request(ctx.app)
        .post('/api/auth/login')
        .send({ username, password: 'wangge-demo' })
        .expect(200);
      expect(res.body.role).toBe(role);
      if (role === 'planner') {
        expect(res.body.scopes.map((s: { name: string; level: string }) => [s.name, s.level])).toEqual([
          ['金阳街道', 'subdistrict'],
        ]);
      } else expect(res.body.scopes).toEqual([]);
    }
  });
});

describe('the demo city in PostGIS', () => {
  it('loads idempotently: the same version is not loaded twice, and a forced reload gives the same rows', async () => {
    const city = await readDemoCity();
    const before = {
      regions: await count('region'),
      grids: await count('grid'),
      zones: await count('zone'),
      stations: await count('station'),
    };
    expect(before).toEqual({
      regions: 157,
      grids: city.grids.features.length,
      zones: city.zones.features.length,
      stations: city.stations.features.length,
    });
    expect((await loadDemoCity(ctx.database.db, city)).loaded).toBe(false);
    expect((await loadDemoCity(ctx.database.db, city, { force: true })).loaded).toBe(true);
    expect({
      regions: await count('region'),
      grids: await count('grid'),
      zones: await count('zone'),
      stations: await count('station'),
    }).toEqual(before);
  });

  it('grids tile every community: no gap and no overlap beyond 0.1 % of its area', async () => {
    const { rows } = await sql<{ code: string; area: number; gap: number; overlap: number }>`
      WITH g AS (SELECT community_id, ST_Union(geom) AS geom FROM grid GROUP BY community_id),
      o AS (
        SELECT a.community_id, sum(ST_Area(ST_Intersection(a.geom, b.geom)::geography)) AS overlap
        FROM grid a JOIN grid b ON a.community_id = b.community_id AND a.id < b.id AND ST_Intersects(a.geom, b.geom)
        GROUP BY a.community_id)
      SELECT c.code, ST_Area(c.geom::geography) AS area,
        ST_Area(ST_SymDifference(c.geom, g.geom)::geography) AS gap, coalesce(o.overlap, 0) AS overlap
      FROM region c JOIN g ON g.community_id = c.id LEFT JOIN o ON o.community_id = c.id
      WHERE c.level = 'community'`.execute(ctx.database.db);
    expect(rows).toHaveLength(146);
    const bad = rows.filter((r) => r.gap > r.area * 0.001 || r.overlap > r.area * 0.001);
    expect(bad).toEqual([]);
  });

  // Coordinates are rounded to 6 decimals (~0.1 m), so shared edges can differ by a sliver: allow 0.1 %.
  it('every zone lies in its grid, and every grid in its community (within 0.1 % of its area)', async () => {
    const { rows } = await sql<{ zones_outside: number; grids_outside: number }>`
      SELECT
        (SELECT count(*)::int FROM zone z JOIN grid g ON g.id = z.grid_id
          WHERE ST_Area(ST_Difference(z.geom, g.geom)::geography) > 0.001 * ST_Area(z.geom::geography)) AS zones_outside,
        (SELECT count(*)::int FROM grid g JOIN region c ON c.id = g.community_id
          WHERE ST_Area(ST_Difference(g.geom, c.geom)::geography) > 0.001 * ST_Area(g.geom::geography)) AS grids_outside`.execute(
      ctx.database.db,
    );
    expect(rows[0]).toEqual({ zones_outside: 0, grids_outside: 0 });
  });
});

describe('nearest stations on the demo city', () => {
  it('match a brute-force geodesic ranking over every active station', async () => {
    const stations = (await request(ctx.app).get('/api/stations?status=active').expect(200)).body as StationCollection;
    expect(stations.features.length).toBeGreaterThan(200);
    const random = mulberry32(115);
    for (let i = 0; i < 40; i++) {
      const at = [106.48 + random() * 0.2, 26.52 + random() * 0.16];
      const body = (await request(ctx.app).get(`/api/stations/nearest?lng=${at[0]}&lat=${at[1]}&limit=6`).expect(200))
        .body as NearestStationCollection;
      const brute = stations.features
        .map((f) => ({ id: f.properties.id, d: geodesicDistanceM(at, f.geometry.coordinates) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 6);
      expect(body.features.map((f) => f.properties.id)).toEqual(brute.map((b) => b.id));
      body.features.forEach((f, k) => expect(Math.abs(f.properties.distance_m - brute[k]!.d)).toBeLessThan(0.1));
    }
  });
});

describe('coverage on the demo city agrees with an independent computation', () => {
  /**
   * The independent side: GeographicLib circles (256 vertices) unioned and clipped by turf, areas by
   * GeographicLib; people by testing each demand point's geodesic distance to every station. No
   * PostGIS involved.
   */
  it.each([
    ['walk', 15, 'outdoor_worker_station,rider_station'],
    ['walk', 10, ''],
    ['ebike', 5, 'rider_station'],
  ])('%s %d min, kind=%s, in the subdistrict 金阳街道, within 0.5 %', async (mode, minutes, kind) => {
    const subdistricts = (await request(ctx.app).get('/api/regions?level=subdistrict').expect(200))
      .body as RegionCollection;
    const region = subdistricts.features.find((f) => f.properties.name === '金阳街道')!;
    const query = new URLSearchParams({ region: String(region.properties.id), minutes: String(minutes), mode });
    if (kind) query.set('kind', kind);
    const body = (await request(ctx.app).get(`/api/coverage?${query}`).expect(200)).body as CoverageResponse;

    const radius = (mode === 'walk' ? 80 : 250) * minutes;
    const stations = (
      (
        await request(ctx.app)
          .get(`/api/stations?status=active${kind ? `&kind=${kind}` : ''}`)
          .expect(200)
      ).body as StationCollection
    ).features;
    const circles = stations.map(
      (s) =>
        ({
          type: 'Feature',
          properties: {},
          geometry: geodesicCircle(s.geometry.coordinates, radius),
        }) as Feature<Polygon>,
    );
    const regionFeature = { type: 'Feature', properties: {}, geometry: region.geometry } as Feature<MultiPolygon>;
    const near = circles.filter((c) => intersect(featureCollection<Polygon | MultiPolygon>([c, regionFeature])));
    const covered = near.length > 1 ? union(featureCollection(near)) : (near[0] ?? null);
    const inRegion = covered ? intersect(featureCollection<Polygon | MultiPolygon>([covered, regionFeature])) : null;
    const coveredArea = inRegion ? geodesicAreaM2(inRegion.geometry) : 0;
    const regionArea = geodesicAreaM2(region.geometry);
    expect(Math.abs(body.stats.area_m2 - regionArea) / regionArea).toBeLessThan(0.001);
    expect(Math.abs(body.stats.covered_area_m2 - coveredArea) / regionArea).toBeLessThan(0.005);
    const gapArea = inRegion
      ? difference(featureCollection<Polygon | MultiPolygon>([regionFeature, inRegion]))
      : regionFeature;
    const independentGap = gapArea ? geodesicAreaM2(gapArea.geometry) : 0;
    const reportedGap = body.gaps.features.reduce((s, f) => s + f.properties.area_m2, 0);
    expect(Math.abs(reportedGap - independentGap) / regionArea).toBeLessThan(0.005);

    const { rows: points } = await sql<{ lng: number; lat: number; weight: number }>`
      SELECT ST_X(geom) AS lng, ST_Y(geom) AS lat, weight FROM demand_point`.execute(ctx.database.db);
    let population = 0;
    let coveredPopulation = 0;
    for (const p of points) {
      if (!booleanPointInPolygon([p.lng, p.lat], region.geometry)) continue;
      population += p.weight;
      if (stations.some((s) => geodesicDistanceM([p.lng, p.lat], s.geometry.coordinates) <= radius))
        coveredPopulation += p.weight;
    }
    expect(population).toBeGreaterThan(50_000);
    expect(Math.abs(body.stats.population - population)).toBeLessThanOrEqual(1);
    expect(Math.abs(body.stats.covered_population - coveredPopulation) / population).toBeLessThan(0.005);
  });
});
