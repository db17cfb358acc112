/**
 * Bounded heavy work through the API: beyond the cap on concurrent expensive computations the
 * answer is 503 `busy` with Retry-After, cheap requests still answer, and reach_m is rounded before
 * it feeds the coverage cache (so a tiny change of a float is not a fresh district computation).
 */
import { pino } from 'pino';
import request from 'supertest';
import { beforeEach, describe, expect, it } from 'vitest';
import { createApp, createServices } from '../../server/src/app';
import type { CoverageResponse } from '../../server/src/contracts';
import { coverage } from '../../server/src/queries/coverage.queries';
import { insertRoads } from '../../server/src/queries/dataset.queries';
import { heavyWorkLimiter } from '../../server/src/services/heavy-work';
import { geodesicAreaM2 } from '../support/geodesy';
import { rectangle, seedDemand, seedRegions, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

const BASE = [106.6, 26.6];
const at = (east_m: number, north_m: number): [number, number] => [
  BASE[0]! + east_m / (111_320 * Math.cos((26.6 * Math.PI) / 180)),
  BASE[1]! + north_m / 110_770,
];
const street = (...points: [number, number][]) => ({
  class: 'residential',
  name: null,
  oneway: false,
  geojson: JSON.stringify({ type: 'LineString', coordinates: points.map(([e, n]) => at(e, n)) }),
});

/** An L of streets, one station at its corner and two demand points: 40 m and 255 m off the street. */
async function seedTown() {
  await insertRoads(ctx.database.db, [street([0, 0], [1000, 0]), street([1000, 0], [1000, 1000])]).execute();
  const region = {
    type: 'Polygon' as const,
    coordinates: [[at(-500, -500), at(1500, -500), at(1500, 1500), at(-500, 1500), at(-500, -500)]],
  };
  const ids = await seedRegions(ctx.database, [{ code: '520199', name: '小镇', level: 'district', geometry: region }]);
  await seedStations(ctx.database, [
    { type: 'Feature', geometry: { type: 'Point', coordinates: at(1000, 0) }, properties: { name: 'corner' } },
  ]);
  await seedDemand(ctx.database, {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(500, 40) }, properties: { weight: 10 } },
      { type: 'Feature', geometry: { type: 'Point', coordinates: at(500, 255) }, properties: { weight: 5 } },
    ],
  });
  return ids.get('520199')!;
}

/** An app of its own whose heavy-work limiter the test controls and counts. */
function appWithLimiter(limits: { maxRunning: number; maxQueued: number; retryAfter_s: number }) {
  const services = createServices(ctx.database);
  const limiter = heavyWorkLimiter(limits);
  let runs = 0;
  services.routing.heavy.run = (work) => {
    runs++;
    return limiter.run(work);
  };
  const app = createApp({
    database: ctx.database,
    config: { basemapStyleUrl: undefined },
    logger: pino({ level: 'silent' }),
    services,
    webDist: null,
  });
  return { app, limiter, runs: () => runs, close: () => services.routing.close() };
}

beforeEach(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
});

describe('the cap on heavy computations', () => {
  it('answers 503 busy with Retry-After beyond it, keeps cheap requests answering, and recovers', async () => {
    const regionId = await seedTown();
    const { app, limiter, close } = appWithLimiter({ maxRunning: 1, maxQueued: 0, retryAfter_s: 7 });
    try {
      let release!: () => void;
      const holding = limiter.run(() => new Promise<void>((resolve) => (release = resolve)));
      const [lng, lat] = at(500, 0);
      for (const path of [
        `/api/isochrones?lng=${lng}&lat=${lat}&mode=walk&minutes=5`,
        `/api/coverage?region=${regionId}&minutes=5&mode=walk&method=network`,
        `/api/stations/reachable?lng=${lng}&lat=${lat}&mode=car&minutes=5`,
      ]) {
        const busy = await request(app).get(path).expect(503);
        expect(busy.headers['retry-after']).toBe('7');
        expect(busy.body.error.code).toBe('busy');
        expect(busy.body.error.message).toMatch(/try again in 7 s/);
      }
      // Cheap requests never wait for the heavy slot.
      const nearest = await request(app).get(`/api/stations/nearest?lng=${lng}&lat=${lat}&limit=1`).expect(200);
      expect(nearest.body.features).toHaveLength(1);
      release();
      await holding;
      const isochrone = await request(app).get(`/api/isochrones?lng=${lng}&lat=${lat}&mode=walk&minutes=5`).expect(200);
      expect(isochrone.body.features[0].properties.area_m2).toBeGreaterThan(0);
    } finally {
      await close();
    }
  });

  it('queues up to maxQueued and runs them all, one at a time, in the order they came', async () => {
    const limiter = heavyWorkLimiter({ maxRunning: 1, maxQueued: 2, retryAfter_s: 3 });
    const order: number[] = [];
    let running = 0;
    let peak = 0;
    const job = (id: number) => async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 5));
      order.push(id);
      running--;
      return id;
    };
    const accepted = [limiter.run(job(1)), limiter.run(job(2)), limiter.run(job(3))];
    await expect(limiter.run(job(4))).rejects.toMatchObject({
      status: 503,
      code: 'busy',
      headers: { 'Retry-After': '3' },
    });
    expect(await Promise.all(accepted)).toEqual([1, 2, 3]);
    expect(order).toEqual([1, 2, 3]);
    expect(peak).toBe(1);
    // A failed job frees its slot.
    await expect(limiter.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
    expect(await limiter.run(job(5))).toBe(5);
  });
});

describe('the coverage cache key', () => {
  it('rounds reach_m to whole metres: 259.76000001 and 260 are one computation, 250.4 another', async () => {
    const regionId = await seedTown();
    const { app, runs, close } = appWithLimiter({ maxRunning: 2, maxQueued: 4, retryAfter_s: 1 });
    try {
      const url = (reach: string) =>
        `/api/coverage?region=${regionId}&minutes=10&mode=walk&method=network&reach_m=${reach}`;
      const first = (await request(app).get(url('259.76000001')).expect(200)).body as CoverageResponse;
      const same = (await request(app).get(url('260')).expect(200)).body as CoverageResponse;
      expect(same).toEqual(first);
      expect(runs()).toBe(1);
      // The point 255 m from the street is covered at 260 m, and not at 250 m.
      expect(first.stats.covered_population).toBe(15);
      const narrower = (await request(app).get(url('250.4')).expect(200)).body as CoverageResponse;
      expect(runs()).toBe(2);
      expect(narrower.stats.covered_population).toBe(10);
    } finally {
      await close();
    }
  });
});

describe('the network cover in SQL', () => {
  it('counts a cover whose ring has a zero-width spike as its polygon alone', async () => {
    // ST_MakeValid turns this ring into a GeometryCollection (the square plus the spike as a
    // LineString): the shape that made PostGIS 3.3 test every demand point the slow way. Only the
    // polygon covers anything; a point at the spike's tip is not covered.
    const ids = await seedRegions(ctx.database, [
      { code: '520199', name: '小镇', level: 'district', geometry: rectangle(106.59, 26.59, 106.63, 26.63) },
    ]);
    const square = rectangle(106.6, 26.6, 106.61, 26.61);
    const ring = square.coordinates[0]!;
    const spiked = [ring[0]!, [106.595, 26.6], ...ring]; // out to the west and back, then the square
    await seedDemand(ctx.database, {
      type: 'FeatureCollection',
      features: [
        { type: 'Feature', geometry: { type: 'Point', coordinates: [106.605, 26.605] }, properties: { weight: 10 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [106.595, 26.6] }, properties: { weight: 5 } },
        { type: 'Feature', geometry: { type: 'Point', coordinates: [106.62, 26.62] }, properties: { weight: 2 } },
      ],
    });
    const { rows } = await coverage(ctx.database.db, {
      regionId: ids.get('520199')!,
      cover: { method: 'network', geometry: JSON.stringify({ type: 'MultiPolygon', coordinates: [[spiked]] }) },
      demand: ['household', 'worker'],
    }).execute(ctx.database.db);
    const target = rows[0]!.regions!.find((r) => r.is_target)!;
    expect(target.population).toBe(17);
    expect(target.covered_population).toBe(10);
    expect(target.covered_area_m2 / geodesicAreaM2(square)).toBeCloseTo(1, 6);
    expect(rows[0]!.gaps!.reduce((sum, gap) => sum + Number(gap.population), 0)).toBe(7);
  });
});
