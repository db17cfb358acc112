/**
 * Street-network isochrones, reachable stations and network coverage through the API, on small
 * hand-made street networks stored in the real road table.
 */
import type { Position } from 'geojson';
import { booleanPointInPolygon } from '@turf/turf';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import type { CoverageResponse, IsochroneCollection, ReachableStationCollection } from '../../server/src/contracts';
import { insertRoads } from '../../server/src/queries/dataset.queries';
import { seedDemand, seedRegions, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

/** Metres east/north of (106.6, 26.6) to [lng, lat], by a local equirectangular projection. */
const BASE = [106.6, 26.6];
const M_PER_DEG_LAT = 110_770; // WGS84 meridian degree near 26.6°N
const M_PER_DEG_LNG = 111_320 * Math.cos((26.6 * Math.PI) / 180);
const at = (east_m: number, north_m: number): [number, number] => [
  BASE[0]! + east_m / M_PER_DEG_LNG,
  BASE[1]! + north_m / M_PER_DEG_LAT,
];
const line = (cls: string, ...points: [number, number][]) => ({
  class: cls,
  name: null,
  oneway: false,
  geojson: JSON.stringify({ type: 'LineString', coordinates: points.map(([e, n]) => at(e, n)) }),
});

/**
 * A river runs north–south at x = 1000 m. West bank: a street along y = 0 from x = 0 to 900 m and a
 * north–south street at x = 900 m up to y = 2000 m. The only bridge is at y = 2000 m; the east bank
 * has a street from the bridge down to (1100, 0) and along y = 0 to x = 2000 m.
 */
const RIVER_TOWN = [
  line('residential', [0, 0], [900, 0]),
  line('residential', [900, 0], [900, 2000]),
  line('residential', [900, 2000], [1100, 2000]), // the bridge
  line('residential', [1100, 2000], [1100, 0]),
  line('residential', [1100, 0], [2000, 0]),
];

beforeEach(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  await insertRoads(ctx.database.db, RIVER_TOWN).execute();
});

const inside = (lngLat: Position, fc: IsochroneCollection, minutes: number) => {
  const band = fc.features.find((f) => f.properties.minutes === minutes)!;
  return booleanPointInPolygon(lngLat, band.geometry);
};

describe('GET /api/isochrones', () => {
  it('follows the streets: the far bank is reached only over the bridge', async () => {
    const [lng, lat] = at(800, 0);
    const res = await request(ctx.app)
      .get(`/api/isochrones?lng=${lng}&lat=${lat}&mode=walk&minutes=5,10,15`)
      .expect(200);
    const fc = res.body as IsochroneCollection;
    expect(fc.features.map((f) => f.properties.minutes)).toEqual([5, 10, 15]);
    expect(fc.snapped.distance_m).toBeLessThan(1);
    // Areas grow with the minutes, and each band lies inside the next.
    const areas = fc.features.map((f) => f.properties.area_m2);
    expect(areas[0]).toBeLessThan(areas[1]!);
    expect(areas[1]).toBeLessThan(areas[2]!);
    for (const polygon of fc.features[0]!.geometry.coordinates) {
      for (const p of polygon[0]!.filter((_, i) => i % 5 === 0)) {
        expect(booleanPointInPolygon(p, fc.features[2]!.geometry)).toBe(true);
      }
    }
    // 300 m of walking is 3.75 min: (1100, 0) is 300 m away across the water but 2.3 km by road.
    expect(inside(at(900, 0), fc, 5)).toBe(true);
    expect(inside(at(1150, 0), fc, 5)).toBe(false);
    expect(inside(at(1150, 0), fc, 15)).toBe(false);
    // 15 min = 1,200 m: up the west street to y ≈ 1,100 m, never over the bridge (2,100 m away).
    expect(inside(at(900, 1000), fc, 15)).toBe(true);
    expect(inside(at(1100, 2000), fc, 15)).toBe(false);
    // Land more than 50 m from a reached street is never included.
    expect(inside(at(500, 200), fc, 15)).toBe(false);
  });

  it('takes the walk from the point to its street out of the minutes', async () => {
    // 100 m north of the west bank street: 75 s on foot, so 5 minutes leave 300 m each way along it.
    const [lng, lat] = at(500, 100);
    const fc = (await request(ctx.app).get(`/api/isochrones?lng=${lng}&lat=${lat}&mode=walk&minutes=5`).expect(200))
      .body as IsochroneCollection;
    expect(fc.snapped.distance_m).toBeCloseTo(100, 0);
    expect(inside(at(790, 0), fc, 5)).toBe(true);
    expect(inside(at(210, 0), fc, 5)).toBe(true);
    // Without the walk it would reach 400 m: the corner at x = 900 and beyond.
    expect(inside(at(860, 0), fc, 5)).toBe(false);
    expect(inside(at(900, 0), fc, 5)).toBe(false);
  });

  it('rebuilds the graph when the roads change: a new bridge makes the far bank reachable', async () => {
    const [lng, lat] = at(800, 0);
    const url = `/api/isochrones?lng=${lng}&lat=${lat}&mode=walk&minutes=5`;
    const before = (await request(ctx.app).get(url).expect(200)).body as IsochroneCollection;
    expect(inside(at(1150, 0), before, 5)).toBe(false);
    await insertRoads(ctx.database.db, [line('footway', [900, 0], [1100, 0])]).execute();
    const after = (await request(ctx.app).get(url).expect(200)).body as IsochroneCollection;
    expect(inside(at(1150, 0), after, 5)).toBe(true);
  });

  it('rebuilds the graph when a road is edited in place: the bridge moved downstream', async () => {
    const [lng, lat] = at(800, 0);
    const url = `/api/isochrones?lng=${lng}&lat=${lat}&mode=walk&minutes=5`;
    expect(inside(at(1150, 0), (await request(ctx.app).get(url).expect(200)).body, 5)).toBe(false);
    // Same number of roads, same ids: only a geometry changes.
    const moved = JSON.stringify({ type: 'LineString', coordinates: [at(900, 0), at(1100, 0)] });
    await sql`UPDATE road SET geom = ST_SetSRID(ST_GeomFromGeoJSON(${moved}), 4326)
               WHERE id = (SELECT id FROM road ORDER BY id OFFSET 2 LIMIT 1)`.execute(ctx.database.db);
    expect(inside(at(1150, 0), (await request(ctx.app).get(url).expect(200)).body, 5)).toBe(true);
  });

  it('answers 422 with a clear message when no street is near the point', async () => {
    const [lng, lat] = at(500, 5000);
    const res = await request(ctx.app).get(`/api/isochrones?lng=${lng}&lat=${lat}`).expect(422);
    expect(res.body.error.code).toBe('no_street_nearby');
    expect(res.body.error.message).toMatch(/No street usable by walk within 500 m/);
  });

  it('rejects bad minutes with a 400 that says what to fix', async () => {
    const res = await request(ctx.app).get(`/api/isochrones?lng=106.6&lat=26.6&minutes=5,abc`).expect(400);
    expect(res.body.error.message).toMatch(/minutes must be whole numbers from 1 to 60/);
  });
});

describe('GET /api/stations/reachable', () => {
  it('lists the stations that reach the point within the minutes, fastest first', async () => {
    await seedStations(ctx.database, [
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(300, 10) }, properties: { name: 'west-300m' } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(910, 500) }, properties: { name: 'west-street' } },
      // 250 m away in a straight line, but across the river: 2.3 km on foot.
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(1150, 10) }, properties: { name: 'east-bank' } },
    ]);
    const [lng, lat] = at(900, 0);
    const res = await request(ctx.app)
      .get(`/api/stations/reachable?lng=${lng}&lat=${lat}&mode=walk&minutes=15`)
      .expect(200);
    const fc = res.body as ReachableStationCollection;
    expect(fc.features.map((f) => f.properties.name)).toEqual(['west-street', 'west-300m']);
    // At 80 m/min: west-street is 500 m up the street (375 s), west-300m 600 m back west (450 s).
    expect(fc.features.map((f) => f.properties.network_s)).toEqual([375, 450]);
    // Each station stands 10 m off its street; the point is on its street. The walk counts too.
    expect(fc.features.map((f) => f.properties.walk_m)).toEqual([10, 10]);
    for (const { properties: p } of fc.features) expect(p.duration_s).toBe(Math.round(p.network_s + 7.5));
  });

  it('counts the walk between a station in a compound and its street', async () => {
    await seedStations(ctx.database, [
      // 300 m up the west street, then 300 m west of it on foot (a station deep in a compound).
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(600, 300) }, properties: { name: 'compound' } },
    ]);
    const [lng, lat] = at(900, 0);
    const url = `/api/stations/reachable?lng=${lng}&lat=${lat}&mode=walk`;
    // Snapped to the x = 900 street at 300 m (225 s), or to the y = 0 street at 600 m (225 s): either
    // way the walk off the street is 300 m (225 s), so the whole trip is 7.5 min, not 3.75.
    const in10 = (await request(ctx.app).get(`${url}&minutes=10`).expect(200)).body as ReachableStationCollection;
    expect(in10.features).toHaveLength(1);
    expect(in10.features[0]!.properties.walk_m).toBe(300);
    expect(in10.features[0]!.properties.duration_s).toBe(450);
    const in5 = (await request(ctx.app).get(`${url}&minutes=5`).expect(200)).body as ReachableStationCollection;
    expect(in5.features).toEqual([]);
  });
});

/**
 * River town as a district with one station on the west bank (at the x = 900 m street) and two
 * demand points 20 m from the streets: 100 people on the west bank, 60 on the east. Returns the
 * 5-minute walking coverage URL without its method.
 */
async function seedRiverTownCoverage(): Promise<string> {
  const region = {
    type: 'Polygon' as const,
    coordinates: [[at(0, -300), at(2000, -300), at(2000, 2100), at(0, 2100), at(0, -300)]],
  };
  const ids = await seedRegions(ctx.database, [{ code: '520199', name: '河镇', level: 'district', geometry: region }]);
  await seedStations(ctx.database, [
    { type: 'Feature', geometry: { type: 'Point', coordinates: at(900, 0) }, properties: { name: 'west-bank' } },
  ]);
  await seedDemand(ctx.database, {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(880, 20) }, properties: { weight: 100 } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(1120, 20) }, properties: { weight: 60 } },
    ],
  });
  return `/api/coverage?region=${ids.get('520199')}&minutes=5&mode=walk`;
}

describe('GET /api/coverage?method=network', () => {
  it('does not let a station cover the far side of a river, unlike the radius method', async () => {
    const base = await seedRiverTownCoverage();
    const radius = (await request(ctx.app).get(`${base}&method=radius`).expect(200)).body as CoverageResponse;
    const network = (await request(ctx.app).get(`${base}&method=network`).expect(200)).body as CoverageResponse;
    expect(radius.stats.covered_population).toBe(160);
    expect(network.method).toBe('network');
    expect(network.stats.covered_population).toBe(100);
    expect(network.stats.covered_area_m2).toBeLessThan(radius.stats.covered_area_m2);
    expect(network.reach.features).toHaveLength(1);
    expect(network.circles.features).toEqual([]);
    expect(network.gaps.features.reduce((s, g) => s + g.properties.population, 0)).toBe(60);

    // reach_m sets how far from a reached street counts as covered (default 150 m).
    const narrow = (await request(ctx.app).get(`${base}&method=network&reach_m=50`).expect(200))
      .body as CoverageResponse;
    expect(narrow.stats.covered_area_m2).toBeLessThan(network.stats.covered_area_m2 * 0.5);
    expect(narrow.stats.covered_population).toBe(100); // the west-bank point is 20 m from the street
    const bad = await request(ctx.app).get(`${base}&method=network&reach_m=900`).expect(400);
    expect(bad.body.error.message).toMatch(/reach_m must be 0–500 metres/);
  });

  it('recomputes a cached result after a station moves in place', async () => {
    const url = `${await seedRiverTownCoverage()}&method=network`;
    expect(((await request(ctx.app).get(url).expect(200)).body as CoverageResponse).stats.covered_population).toBe(100);
    // A bare geometry update: no count, id or updated_at changes, and the east bank is now covered.
    const [lng, lat] = at(1150, 0);
    await sql`UPDATE station SET geom = ST_SetSRID(ST_MakePoint(${lng}, ${lat}), 4326)`.execute(ctx.database.db);
    expect(((await request(ctx.app).get(url).expect(200)).body as CoverageResponse).stats.covered_population).toBe(60);
  });
});
