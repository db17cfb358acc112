/**
 * GET /api/stations/nearest?mode=walk|ebike: ranked by travel time along a hand-made street network
 * stored in the real road table, with each route; and the in-memory index against PostGIS.
 */
import type { Feature, FeatureCollection, LineString, Point, Position } from 'geojson';
import { sql } from 'kysely';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NearestStationCollection } from '../../server/src/contracts';
import { insertRoads } from '../../server/src/queries/dataset.queries';
import { nearestStationShortlist } from '../../server/src/queries/stations.queries';
import { geodesicDistanceM } from '../support/geodesy';
import { golden, readGoldenInput } from '../support/golden';
import { mulberry32 } from '../support/random';
import { type SeedStationProps, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

type Layered = { layer: 'road'; class: string } | ({ layer: 'station' } & SeedStationProps);
type NetworkInput = FeatureCollection<LineString | Point, Layered> & { query: { lng: number; lat: number } };

const input = readGoldenInput<NetworkInput>('nearest-network', 'river-town');

async function seedRiverTown() {
  await resetData(ctx.database);
  const roads = input.features.filter(
    (f): f is Feature<LineString, Layered & { layer: 'road' }> => f.properties.layer === 'road',
  );
  await insertRoads(
    ctx.database.db,
    roads.map((f) => ({ class: f.properties.class, name: null, oneway: false, geojson: JSON.stringify(f.geometry) })),
  ).execute();
  const stations = input.features.filter(
    (f): f is Feature<Point, SeedStationProps & { layer: 'station' }> => f.properties.layer === 'station',
  );
  await seedStations(ctx.database, stations);
}

const nearest = async (params: string) =>
  (
    await request(ctx.app)
      .get(`/api/stations/nearest?lng=${input.query.lng}&lat=${input.query.lat}&${params}`)
      .expect(200)
  ).body as NearestStationCollection;

/** Metres along a polyline, geodesic per segment. */
const lengthM = (coordinates: Position[]) =>
  coordinates.slice(1).reduce((sum, p, i) => sum + geodesicDistanceM(coordinates[i]!, p), 0);

beforeAll(async () => {
  ctx = await testContext();
});

describe('GET /api/stations/nearest by travel time', () => {
  it('ranks by e-bike and walking time, not straight-line metres, and routes along the streets', async () => {
    await seedRiverTown();
    const straight = await nearest('mode=straight');
    const ebike = await nearest('mode=ebike');
    const walk = await nearest('mode=walk');
    const names = (fc: NearestStationCollection) => fc.features.map((f) => f.properties.name);
    expect(names(straight)).toEqual(['east-bank', 'west-street', 'west-300m']);
    expect(names(ebike)).toEqual(['west-street', 'west-300m', 'east-bank']);
    expect(names(walk)).toEqual(['west-street', 'west-300m', 'east-bank']);
    expect(ebike.mode).toBe('ebike');

    // By hand: 5 m walk to the street (3.75 s at 4.8 km/h) and 10 m from each street to its
    // station (7.5 s); residential streets at 14 km/h by e-bike, 4.8 km/h on foot. east-bank by
    // e-bike: 1,900 + 200 (road bridge) + 2,000 + 50 m; on foot: 500 + 200 (footbridge) + 600 + 50 m.
    const ebikeMps = 14 / 3.6;
    const walkMps = 4.8 / 3.6;
    const access_s = 5 / walkMps + 10 / walkMps;
    const byHand = {
      'west-street': { network_m: 400, walk_m: 400 },
      'west-300m': { network_m: 700, walk_m: 700 },
      'east-bank': { network_m: 4150, walk_m: 1350 },
    } as const;
    for (const f of ebike.features) {
      const p = f.properties;
      const hand = byHand[p.name as keyof typeof byHand];
      expect(p.duration_s).toBeCloseTo(hand.network_m / ebikeMps + access_s, -0.5);
      expect(p.ebike_s).toBe(p.duration_s);
      expect(p.walk_s).toBeCloseTo(hand.walk_m / walkMps + access_s, -0.5);
      expect(p.distance_m).toBeCloseTo(hand.network_m + 15, -0.5);
      expect(p.straight_m).toBeCloseTo(
        geodesicDistanceM([input.query.lng, input.query.lat], f.geometry.coordinates),
        0,
      );
      // The route runs from the rider to the door, as long as the distance it reports.
      const route = p.route!.coordinates;
      // (Route coordinates are rounded to 1e-7°, about a centimetre.)
      expect(geodesicDistanceM(route[0]!, [input.query.lng, input.query.lat])).toBeLessThan(0.02);
      expect(geodesicDistanceM(route.at(-1)!, f.geometry.coordinates)).toBeLessThan(0.02);
      expect(lengthM(route)).toBeCloseTo(p.distance_m, -1);
    }
    // On foot the footbridge is taken: the route to east-bank crosses the river at y = 600 m.
    const eastOnFoot = walk.features.find((f) => f.properties.name === 'east-bank')!.properties;
    expect(eastOnFoot.distance_m).toBeCloseTo(1350 + 15, -0.5);
    expect(eastOnFoot.ebike_s).toBe(
      ebike.features.find((f) => f.properties.name === 'east-bank')!.properties.duration_s,
    );

    const actual = {
      type: 'FeatureCollection',
      features: [ebike, walk].flatMap((fc) =>
        fc.features.map((f) => ({
          type: 'Feature',
          geometry: f.properties.route,
          properties: {
            mode: fc.mode,
            name: f.properties.name,
            duration_s: f.properties.duration_s,
            distance_m: f.properties.distance_m,
          },
        })),
      ),
    };
    const expected = golden('nearest-network', 'river-town', actual);
    expect(actual.features.map((f) => f.properties)).toEqual(expected.features.map((f) => f.properties));
    actual.features.forEach((f, i) => {
      const want = expected.features[i]!.geometry!.coordinates;
      expect(f.geometry!.coordinates.length).toBe(want.length);
      f.geometry!.coordinates.forEach((c, j) => {
        expect(c[0]).toBeCloseTo(want[j]![0]!, 6);
        expect(c[1]).toBeCloseTo(want[j]![1]!, 6);
      });
    });
  });

  it('applies the limit, the amenity filter and open_at before ranking', async () => {
    await seedRiverTown();
    await sql`UPDATE station SET amenities = '{ebike_charging,water}' WHERE name = 'east-bank'`.execute(
      ctx.database.db,
    );
    await sql`UPDATE station SET opening_hours = 'Mo-Su 08:00-20:00' WHERE name = 'west-street'`.execute(
      ctx.database.db,
    );
    const one = await nearest('mode=ebike&limit=1');
    expect(one.features.map((f) => f.properties.name)).toEqual(['west-street']);
    const charging = await nearest('mode=ebike&amenity=ebike_charging');
    expect(charging.features.map((f) => f.properties.name)).toEqual(['east-bank']);
    // 03:45 Beijing time: west-street is shut, the search goes on to the next fastest.
    const night = await nearest('mode=ebike&limit=1&open=true&open_at=2026-12-01T03:45:00%2B08:00');
    expect(night.at).toBe('2026-11-30T19:45:00.000Z');
    expect(night.features.map((f) => [f.properties.name, f.properties.openState.open])).toEqual([['west-300m', true]]);
    const closed = await nearest('mode=ebike&limit=3&open_at=2026-12-01T03:45:00%2B08:00');
    expect(closed.features[0]!.properties.openState).toEqual({ open: false, nextChange: '2026-12-01T00:00:00.000Z' });
  });

  it('leaves out stations no street reaches and says how many', async () => {
    await seedRiverTown();
    // 3 km north of every street.
    await seedStations(ctx.database, [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [106.609, 26.63] }, properties: { name: 'far-off' } },
    ]);
    const fc = await nearest('mode=walk&limit=10');
    expect(fc.features.map((f) => f.properties.name)).not.toContain('far-off');
    expect(fc.offNetwork).toBe(1);
    expect(fc.features).toHaveLength(3);
  });

  it('answers 422 when the rider is far from any street, and 400 for an unknown mode', async () => {
    await seedRiverTown();
    const res = await request(ctx.app).get('/api/stations/nearest?lng=106.7&lat=26.7&mode=ebike').expect(422);
    expect(res.body.error.code).toBe('no_street_nearby');
    const bad = await request(ctx.app).get('/api/stations/nearest?lng=106.6&lat=26.6&mode=car').expect(400);
    expect(bad.body.error.message).toMatch(/mode/);
  });
});

describe('the in-memory nearest index', () => {
  it('equals the PostGIS geodesic ranking on 2,000 random stations', async () => {
    await resetData(ctx.database);
    const random = mulberry32(20261202);
    await seedStations(
      ctx.database,
      Array.from({ length: 2000 }, (_, i) => ({
        type: 'Feature' as const,
        geometry: { type: 'Point' as const, coordinates: [100 + random() * 20, 20 + random() * 25] },
        properties: { name: `s-${i}`, kind: i % 3 ? ('rider_station' as const) : ('party_service_centre' as const) },
      })),
    );
    for (let click = 0; click < 25; click++) {
      const lng = 100 + random() * 20;
      const lat = 20 + random() * 25;
      const kind = click % 2 ? 'party_service_centre' : undefined;
      const db = (
        await nearestStationShortlist(ctx.database.db, { lng, lat }, { kinds: kind ? [kind] : undefined }, 60).execute()
      )
        .sort((a, b) => a.distance_m - b.distance_m || a.id.localeCompare(b.id))
        .slice(0, 12);
      const api = await request(ctx.app)
        .get(`/api/stations/nearest?lng=${lng}&lat=${lat}&limit=12${kind ? `&kind=${kind}` : ''}`)
        .expect(200);
      const body = api.body as NearestStationCollection;
      expect(body.features.map((f) => f.properties.id)).toEqual(db.map((r) => r.id));
      body.features.forEach((f, i) => expect(Math.abs(f.properties.distance_m - db[i]!.distance_m)).toBeLessThan(0.1));
    }
  });

  it('sees a station written behind its back (SQL, another process) on the very next request', async () => {
    await resetData(ctx.database);
    await seedStations(ctx.database, [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [106.7, 26.6] }, properties: { name: 'old' } },
    ]);
    const first = await request(ctx.app).get('/api/stations/nearest?lng=106.6&lat=26.6&limit=1').expect(200);
    expect(first.body.features[0].properties.name).toBe('old');
    await seedStations(ctx.database, [
      { type: 'Feature', geometry: { type: 'Point', coordinates: [106.6, 26.6] }, properties: { name: 'new' } },
    ]);
    const second = await request(ctx.app).get('/api/stations/nearest?lng=106.6&lat=26.6&limit=1').expect(200);
    expect(second.body.features[0].properties.name).toBe('new');
    await sql`DELETE FROM station WHERE name = 'new'`.execute(ctx.database.db);
    const third = await request(ctx.app).get('/api/stations/nearest?lng=106.6&lat=26.6&limit=1').expect(200);
    expect(third.body.features[0].properties.name).toBe('old');
  });
});
