import type { Feature, FeatureCollection, Point } from 'geojson';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { NearestStationCollection } from '../../server/src/contracts';
import { geodesicDistanceM } from '../support/geodesy';
import { golden, goldenCases, readGoldenInput } from '../support/golden';
import { mulberry32 } from '../support/random';
import { type SeedStationProps, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

beforeAll(async () => {
  ctx = await testContext();
});

type NearestInput = FeatureCollection<Point, SeedStationProps> & {
  click: { lng: number; lat: number; limit: number; kind?: string; amenity?: string };
};

function query(click: NearestInput['click']) {
  return new URLSearchParams(Object.entries(click).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

describe('GET /api/stations/nearest: golden cases', () => {
  it.each(goldenCases('nearest-station'))('%s', async (name) => {
    const input = readGoldenInput<NearestInput>('nearest-station', name);
    await resetData(ctx.database);
    await seedStations(ctx.database, input.features);
    const res = await request(ctx.app)
      .get(`/api/stations/nearest?${query(input.click)}`)
      .expect(200);
    const body = res.body as NearestStationCollection;
    const actual = {
      type: 'FeatureCollection',
      origin: body.origin,
      features: body.features.map((f) => ({
        type: 'Feature',
        geometry: f.geometry,
        properties: { name: f.properties.name, kind: f.properties.kind, distance_m: f.properties.distance_m },
      })),
    };
    const expected = golden('nearest-station', name, actual);
    expect(actual.features.map((f) => f.properties.name)).toEqual(expected.features.map((f) => f.properties.name));
    actual.features.forEach((feature, i) => {
      expect(feature.properties.distance_m).toBeCloseTo(expected.features[i]!.properties.distance_m, 1);
      expect(feature.geometry.coordinates[0]).toBeCloseTo(expected.features[i]!.geometry.coordinates[0]!, 7);
      expect(feature.geometry.coordinates[1]).toBeCloseTo(expected.features[i]!.geometry.coordinates[1]!, 7);
      // Independent of the golden file: GeographicLib's distance on the same ellipsoid.
      const independent = geodesicDistanceM([input.click.lng, input.click.lat], feature.geometry.coordinates);
      expect(Math.abs(feature.properties.distance_m - independent)).toBeLessThan(0.1);
    });
  });
});

describe('GET /api/stations/nearest: brute force on random data', () => {
  it('matches a brute-force geodesic ranking for 40 clicks over 600 stations', async () => {
    await resetData(ctx.database);
    const random = mulberry32(20261122);
    const stations: Feature<Point, SeedStationProps>[] = Array.from({ length: 600 }, (_, i) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [106.45 + random() * 0.35, 26.45 + random() * 0.3] },
      properties: { name: `random-${i}` },
    }));
    await seedStations(ctx.database, stations);
    for (let click = 0; click < 40; click++) {
      const at = [106.4 + random() * 0.45, 26.4 + random() * 0.4];
      const res = await request(ctx.app).get(`/api/stations/nearest?lng=${at[0]}&lat=${at[1]}&limit=8`).expect(200);
      const body = res.body as NearestStationCollection;
      const brute = stations
        .map((s) => ({ name: s.properties.name, d: geodesicDistanceM(at, s.geometry.coordinates) }))
        .sort((a, b) => a.d - b.d)
        .slice(0, 8);
      expect(body.features.map((f) => f.properties.name)).toEqual(brute.map((b) => b.name));
      body.features.forEach((f, i) => expect(Math.abs(f.properties.distance_m - brute[i]!.d)).toBeLessThan(0.1));
    }
  });

  it('honours open=true by skipping stations closed at the moment', async () => {
    await resetData(ctx.database);
    await seedStations(ctx.database, [
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [106.6301, 26.61] },
        properties: { name: 'never-open', openingHours: 'off' },
      },
      {
        type: 'Feature',
        geometry: { type: 'Point', coordinates: [106.632, 26.61] },
        properties: { name: 'always-open', openingHours: '24/7' },
      },
    ]);
    const all = await request(ctx.app).get('/api/stations/nearest?lng=106.63&lat=26.61&limit=2').expect(200);
    expect(all.body.features.map((f: Feature) => [f.properties!.name, f.properties!.openNow])).toEqual([
      ['never-open', false],
      ['always-open', true],
    ]);
    const open = await request(ctx.app).get('/api/stations/nearest?lng=106.63&lat=26.61&limit=2&open=true').expect(200);
    expect(open.body.features.map((f: Feature) => f.properties!.name)).toEqual(['always-open']);
  });
});
