import type { FeatureCollection, Point, Polygon } from 'geojson';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CoverageResponse } from '../../server/src/contracts';
import { geodesicAreaM2, geodesicDistanceM } from '../support/geodesy';
import { golden, goldenCases, readGoldenInput } from '../support/golden';
import { type SeedRegion, type SeedStationProps, seedDemand, seedRegions, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;

beforeAll(async () => {
  ctx = await testContext();
});

type CoverageInput = FeatureCollection<Point, SeedStationProps> & {
  note: string;
  query: { minutes: number; mode: 'walk' | 'ebike'; kind?: string };
  regions: SeedRegion[];
  demand: FeatureCollection<Point, { weight: number }>['features'];
};

const r = 400; // walk 5 min at 80 m/min
const circle = Math.PI * r * r;
const lens = (d: number) => 2 * r * r * Math.acos(d / (2 * r)) - (d / 2) * Math.sqrt(4 * r * r - d * d);

/**
 * The answers worked out by hand for each case: covered area from circle geometry, populations by
 * which demand points lie within the circles. `west`/`east` are the two child subdistricts.
 */
const HAND: Record<
  string,
  (input: CoverageInput) => {
    covered_m2: number;
    population: number;
    covered_population: number;
    gaps: number;
    westCovered_m2: number;
  }
> = {
  'two-disjoint-circles': () => ({
    covered_m2: 2 * circle,
    population: 200,
    covered_population: 150,
    gaps: 1,
    westCovered_m2: circle,
  }),
  'overlapping-circles': (input) => {
    const d = geodesicDistanceM(input.features[0]!.geometry.coordinates, input.features[1]!.geometry.coordinates);
    // The points at (106.605, 26.61) and (106.615, 26.61) are ~250 m from the nearer station.
    return {
      covered_m2: 2 * circle - lens(d),
      population: 200,
      covered_population: 150,
      gaps: 1,
      westCovered_m2: (2 * circle - lens(d)) / 2,
    };
  },
  'circle-cut-by-edge': () => ({
    covered_m2: circle / 2,
    population: 200,
    covered_population: 0,
    gaps: 1,
    westCovered_m2: circle / 2,
  }),
  'no-stations': () => ({ covered_m2: 0, population: 200, covered_population: 0, gaps: 1, westCovered_m2: 0 }),
  'ebike-covers-all': () => ({
    covered_m2: Number.NaN,
    population: 200,
    covered_population: 200,
    gaps: 0,
    westCovered_m2: Number.NaN,
  }),
};

/** PostGIS draws each circle as a 128-gon in a local projection: allow 0.3 % against πr². */
const AREA_TOLERANCE = 0.003;

describe('GET /api/coverage (radius): hand-made cases', () => {
  it.each(goldenCases('coverage'))('%s', async (name) => {
    const input = readGoldenInput<CoverageInput>('coverage', name);
    await resetData(ctx.database);
    const ids = await seedRegions(ctx.database, input.regions);
    await seedStations(ctx.database, input.features);
    await seedDemand(ctx.database, { type: 'FeatureCollection', features: input.demand });
    const params = new URLSearchParams({
      region: String(ids.get('520199')),
      minutes: String(input.query.minutes),
      mode: input.query.mode,
    });
    if (input.query.kind) params.set('kind', input.query.kind);
    const res = await request(ctx.app).get(`/api/coverage?${params}`).expect(200);
    const body = res.body as CoverageResponse;

    const regionArea = geodesicAreaM2(input.regions[0]!.geometry);
    const westArea = geodesicAreaM2(input.regions[1]!.geometry);
    const hand = HAND[name]!(input);
    const covered = Number.isNaN(hand.covered_m2) ? regionArea : hand.covered_m2;
    const westCovered = Number.isNaN(hand.westCovered_m2) ? westArea : hand.westCovered_m2;

    expect(body.radius_m).toBe(input.query.mode === 'walk' ? 80 * input.query.minutes : 250 * input.query.minutes);
    expect(body.stats.area_m2).toBeCloseTo(regionArea, -1);
    expect(Math.abs(body.stats.covered_area_m2 - covered)).toBeLessThanOrEqual(Math.max(1, covered * AREA_TOLERANCE));
    expect(body.stats.covered_share).toBeCloseTo(covered / regionArea, 3);
    expect(body.stats.population).toBe(hand.population);
    expect(body.stats.covered_population).toBe(hand.covered_population);
    expect(body.stats.covered_population_share).toBeCloseTo(hand.covered_population / hand.population, 6);

    // Gaps: the region minus the circles; their areas and populations add up to what is uncovered.
    expect(body.gaps.features).toHaveLength(hand.gaps);
    const gapArea = body.gaps.features.reduce((sum, f) => sum + f.properties.area_m2, 0);
    expect(Math.abs(gapArea - (regionArea - covered))).toBeLessThanOrEqual(Math.max(2, covered * AREA_TOLERANCE));
    const independentGapArea = body.gaps.features.reduce((sum, f) => sum + geodesicAreaM2(f.geometry as Polygon), 0);
    expect(Math.abs(independentGapArea - gapArea)).toBeLessThanOrEqual(Math.max(2, gapArea * 0.001));
    expect(body.gaps.features.reduce((sum, f) => sum + f.properties.population, 0)).toBe(
      hand.population - hand.covered_population,
    );

    // By child region, worst covered population share first.
    expect(body.by_region.map((row) => row.code).sort()).toEqual(['520199001', '520199002']);
    const shares = body.by_region.map((row) => row.covered_population_share);
    expect(shares).toEqual([...shares].sort((a, b) => a - b));
    const west = body.by_region.find((row) => row.code === '520199001')!;
    expect(Math.abs(west.covered_area_m2 - westCovered)).toBeLessThanOrEqual(Math.max(1, westCovered * AREA_TOLERANCE));
    expect(west.area_m2).toBeCloseTo(westArea, -1);

    // Golden file: the figures and the gap rings, for review in a viewer and to catch drift.
    const summary = {
      type: 'FeatureCollection',
      note: input.note,
      stats: body.stats,
      by_region: body.by_region.map(({ code, name: regionName, covered_share, covered_population_share }) => ({
        code,
        name: regionName,
        covered_share,
        covered_population_share,
      })),
      circles: body.circles.features.map((f) => f.properties.name),
      features: body.gaps.features.map((f) => ({
        ...f,
        geometry: { type: 'Polygon', coordinates: (f.geometry as Polygon).coordinates.map((ring) => ring.length) },
      })),
    };
    const expected = golden('coverage', name, summary);
    expect(summary.circles).toEqual(expected.circles);
    expect(summary.features.map((f) => f.geometry.coordinates.length)).toEqual(
      expected.features.map((f) => f.geometry.coordinates.length),
    );
    expect(summary.stats.covered_area_m2).toBeCloseTo(expected.stats.covered_area_m2, -2);
    expect(summary.stats.covered_population).toBe(expected.stats.covered_population);
  });
});
