import type { Feature, Point } from 'geojson';
import { latLngToCell } from 'h3-js';
import request from 'supertest';
import { beforeAll, describe, expect, it } from 'vitest';
import type { AuditResponse, AuditRow } from '../../server/src/contracts';
import { insertGrids, insertRoads } from '../../server/src/queries/dataset.queries';
import { auditService } from '../../server/src/services/audit.service';
import type { Caller } from '../../server/src/services/caller';
import { routingService } from '../../server/src/services/routing.service';
import { type TestAccounts, bearer, seedAccounts } from '../support/accounts';
import { geodesicDistanceM } from '../support/geodesy';
import { mulberry32 } from '../support/random';
import { type SeedStationProps, rectangle, seedDemand, seedRegions, seedStations } from '../support/seed';
import { resetData, testContext } from './harness';

type Ctx = Awaited<ReturnType<typeof testContext>>;
let ctx: Ctx;
let accounts: TestAccounts;
let ids: Map<string, number>;

/**
 * A 4 km × 3.3 km district: two subdistricts (west, east of 106.62), each two communities (south,
 * north of 26.615), each two grids (split at its middle longitude). Stations and demand points are
 * seeded at random (fixed seed); the test works out every figure on its own, by brute force: each
 * demand point against each station's circle with GeographicLib distances, areas on a fine lattice.
 */
const WEST = 106.6;
const MID = 106.62;
const EAST = 106.64;
const SOUTH = 26.6;
const MIDDLE = 26.615;
const NORTH = 26.63;
const RADIUS_M = 400; // walk, 5 minutes, 80 m/min

type Demand = { lng: number; lat: number; weight: number; kind: 'household' | 'worker' };
type Station = {
  lng: number;
  lat: number;
  kind: NonNullable<SeedStationProps['kind']>;
  status: 'active' | 'planned' | 'suspended';
  name: string;
};

const random = mulberry32(20261202);
const between = (a: number, b: number) => a + (b - a) * random();
const stations: Station[] = [
  ...Array.from({ length: 7 }, (_, i) => ({
    lng: between(WEST + 0.003, EAST - 0.003),
    lat: between(SOUTH + 0.003, NORTH - 0.003),
    kind: 'rider_station' as const,
    status: 'active' as const,
    name: `骑手驿站 ${i + 1}`,
  })),
  { lng: 106.605, lat: 26.625, kind: 'party_service_centre', status: 'active', name: '党群服务中心' },
  { lng: 106.635, lat: 26.605, kind: 'rider_station', status: 'planned', name: '规划驿站' },
  { lng: 106.625, lat: 26.62, kind: 'rider_station', status: 'suspended', name: '暂停驿站' },
  // Outside the district but within 400 m of it: its circle reaches in.
  { lng: 106.643, lat: 26.61, kind: 'rider_station', status: 'active', name: '界外驿站' },
];
const demand: Demand[] = [
  ...Array.from({ length: 1500 }, () => ({
    lng: between(WEST, EAST),
    lat: between(SOUTH, NORTH),
    weight: 1 + Math.floor(random() * 5),
    kind: 'household' as const,
  })),
  ...Array.from({ length: 300 }, () => ({
    lng: between(WEST, EAST),
    lat: between(SOUTH, NORTH),
    weight: 1 + Math.floor(random() * 3),
    kind: 'worker' as const,
  })),
];

const subdistrictOf = (p: { lng: number }) => (p.lng < MID ? '520199001' : '520199002');
const communityOf = (p: { lng: number; lat: number }) => `${subdistrictOf(p)}${p.lat < MIDDLE ? '001' : '002'}`;
const gridOf = (p: { lng: number; lat: number }) => {
  const [w, e] = p.lng < MID ? [WEST, MID] : [MID, EAST];
  return `${communityOf(p)}${p.lng < (w + e) / 2 ? '001' : '002'}`;
};

/** Brute force: the geodesic distance from each point to its nearest active station of the kinds. */
function nearest(p: { lng: number; lat: number }, kinds?: Station['kind'][]) {
  let best = Infinity;
  for (const s of stations) {
    if (s.status !== 'active' || (kinds && !kinds.includes(s.kind))) continue;
    best = Math.min(best, geodesicDistanceM([p.lng, p.lat], [s.lng, s.lat]));
  }
  return best;
}

type Expected = {
  residents: number;
  residentsCovered: number;
  workers: number;
  workersCovered: number;
  left: number;
  times: [number, number][];
};
function expectedBy(key: (p: Demand) => string, kinds?: Station['kind'][], chosen = ['household', 'worker']) {
  const out = new Map<string, Expected>();
  for (const p of demand) {
    const d = nearest(p, kinds);
    const covered = d <= RADIUS_M;
    const k = key(p);
    let e = out.get(k);
    if (!e) out.set(k, (e = { residents: 0, residentsCovered: 0, workers: 0, workersCovered: 0, left: 0, times: [] }));
    if (p.kind === 'household') {
      e.residents += p.weight;
      if (covered) e.residentsCovered += p.weight;
    } else {
      e.workers += p.weight;
      if (covered) e.workersCovered += p.weight;
    }
    if (chosen.includes(p.kind)) {
      if (!covered) e.left += p.weight;
      e.times.push([d / 80, p.weight]);
    }
  }
  return out;
}

function weightedP90(times: [number, number][]) {
  const sorted = [...times].sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, t) => s + t[1], 0);
  let running = 0;
  for (const [t, w] of sorted) {
    running += w;
    if (running >= 0.9 * total - 1e-9) return t;
  }
  return NaN;
}

/** Covered share of a rectangle on a 200 × 200 lattice of cell centres (brute force, flat within 1e-6). */
function latticeCoveredShare(w: number, s: number, e: number, n: number) {
  const steps = 200;
  let covered = 0;
  const active = stations.filter((st) => st.status === 'active');
  for (let i = 0; i < steps; i++) {
    for (let j = 0; j < steps; j++) {
      const lng = w + ((i + 0.5) * (e - w)) / steps;
      const lat = s + ((j + 0.5) * (n - s)) / steps;
      const kx = 111_320 * Math.cos((lat * Math.PI) / 180);
      if (active.some((st) => Math.hypot((st.lng - lng) * kx, (st.lat - lat) * 110_770) <= RADIUS_M)) covered++;
    }
  }
  return covered / (steps * steps);
}

const audit = (query: Record<string, string>, account = accounts.official) =>
  request(ctx.app)
    .get(`/api/audit?${new URLSearchParams(query)}`)
    .set(bearer(account));

beforeAll(async () => {
  ctx = await testContext();
  await resetData(ctx.database);
  const community = (code: string, name: string, w: number, s: number, e: number, n: number) => ({
    code,
    name,
    level: 'community' as const,
    parentCode: code.slice(0, 9),
    geometry: rectangle(w, s, e, n),
  });
  ids = await seedRegions(ctx.database, [
    { code: '520199', name: '测试区', level: 'district', geometry: rectangle(WEST, SOUTH, EAST, NORTH) },
    {
      code: '520199001',
      name: '西街道',
      level: 'subdistrict',
      parentCode: '520199',
      geometry: rectangle(WEST, SOUTH, MID, NORTH),
    },
    {
      code: '520199002',
      name: '东街道',
      level: 'subdistrict',
      parentCode: '520199',
      geometry: rectangle(MID, SOUTH, EAST, NORTH),
    },
    community('520199001001', '西南社区', WEST, SOUTH, MID, MIDDLE),
    community('520199001002', '西北社区', WEST, MIDDLE, MID, NORTH),
    community('520199002001', '东南社区', MID, SOUTH, EAST, MIDDLE),
    community('520199002002', '东北社区', MID, MIDDLE, EAST, NORTH),
  ]);
  const grids = [...ids.entries()]
    .filter(([code]) => code.length === 12)
    .flatMap(([code, communityId]) => {
      const [w, e] = code.startsWith('520199001') ? [WEST, MID] : [MID, EAST];
      const [s, n] = code.endsWith('001') ? [SOUTH, MIDDLE] : [MIDDLE, NORTH];
      const m = (w + e) / 2;
      return [
        [`${code}001`, w, m],
        [`${code}002`, m, e],
      ].map(([gridCode, gw, ge]) => ({
        communityId,
        code: gridCode as string,
        name: `网格 ${gridCode as string}`,
        kind: 'basic',
        households: 0,
        population: 0,
        workerName: null,
        workerPhone: null,
        geojson: JSON.stringify(rectangle(gw as number, s, ge as number, n)),
      }));
    });
  await insertGrids(ctx.database.db, grids).execute();
  await seedStations(
    ctx.database,
    stations.map((s): Feature<Point, SeedStationProps> => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [s.lng, s.lat] },
      properties: { name: s.name, kind: s.kind, status: s.status },
    })),
  );
  await seedDemand(ctx.database, {
    type: 'FeatureCollection',
    features: demand.map((p) => ({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: [p.lng, p.lat] },
      properties: { weight: p.weight, kind: p.kind },
    })),
  });
  // A street lattice every ~500 m for the network method, one road per block side (noded at crossings).
  const roads: [number, number][][] = [];
  const step = 0.005;
  for (let i = 0; WEST + i * step <= EAST + 1e-9; i++) {
    for (let j = 0; SOUTH + j * step <= NORTH + 1e-9; j++) {
      const [lng, lat] = [WEST + i * step, SOUTH + j * step];
      if (lng + step <= EAST + 1e-9)
        roads.push([
          [lng, lat],
          [lng + step, lat],
        ]);
      if (lat + step <= NORTH + 1e-9)
        roads.push([
          [lng, lat],
          [lng, lat + step],
        ]);
    }
  }
  await insertRoads(
    ctx.database.db,
    roads.map((coordinates) => ({
      class: 'residential',
      name: null,
      oneway: false,
      geojson: JSON.stringify({ type: 'LineString', coordinates }),
    })),
  ).execute();
  accounts = await seedAccounts(ctx.database, [ids.get('520199002')!]);
});

describe('GET /api/audit (radius): figures equal a brute-force computation', () => {
  let body: AuditResponse;
  beforeAll(async () => {
    const res = await audit({
      region: String(ids.get('520199')),
      minutes: '5',
      mode: 'walk',
      method: 'radius',
      h3: '9',
    });
    expect(res.status, res.text).toBe(200);
    body = res.body as AuditResponse;
  });

  it('counts people exactly, residents and workers apart', () => {
    const all = expectedBy(() => 'all').get('all')!;
    expect(body.demand.residents.total).toBe(all.residents);
    expect(body.demand.residents.covered).toBe(all.residentsCovered);
    expect(body.demand.workers.total).toBe(all.workers);
    expect(body.demand.workers.covered).toBe(all.workersCovered);
    expect(body.demand.chosen.total).toBe(all.residents + all.workers);
    expect(body.demand.chosen.points).toBe(demand.length);
    expect(body.demand.chosen.covered_points).toBe(demand.filter((p) => nearest(p) <= RADIUS_M).length);
    expect(body.demand.described).toBe('residents (household points) and workers (worker points)');
    expect(body.p90_minutes).toBeCloseTo(weightedP90(all.times), 2);
    expect(body.title).toBe('5分钟步行服务圈（按半径）');
    expect(body.radius_m).toBe(RADIUS_M);
    expect(body.data_version).toMatch(/demand_point:\d+/);
    expect(Date.parse(body.computed_at)).toBeGreaterThan(0);
  });

  it('fills one row per child region and per grid, worst first, each exact', () => {
    const check = (rows: AuditRow[], expected: Map<string, Expected>, count: number) => {
      expect(rows).toHaveLength(count);
      for (const row of rows) {
        const e = expected.get(row.code)!;
        expect(row.residents.total, row.code).toBe(e.residents);
        expect(row.residents.covered, row.code).toBe(e.residentsCovered);
        expect(row.workers.total, row.code).toBe(e.workers);
        expect(row.workers.covered, row.code).toBe(e.workersCovered);
        expect(row.people_left_out, row.code).toBe(e.left);
        expect(row.p90_minutes!, row.code).toBeCloseTo(weightedP90(e.times), 2);
      }
      const shares = rows.map((r) => r.covered_share);
      expect(shares).toEqual([...shares].sort((a, b) => a - b));
    };
    check(body.tables.by_region, expectedBy(subdistrictOf), 2);
    check(body.tables.by_grid, expectedBy(gridOf), 8);
    expect(body.tables.by_grid[0]!.community?.code).toHaveLength(12);
    expect(body.tables.by_grid[0]!.code).toHaveLength(15);
  });

  it('measures areas within 0.5 % of a lattice count', () => {
    const shareOf = latticeCoveredShare(WEST, SOUTH, EAST, NORTH);
    expect(Math.abs(body.area.covered_share - shareOf) / shareOf).toBeLessThan(0.005);
    for (const row of body.tables.by_region) {
      const [w, e] = row.code === '520199001' ? [WEST, MID] : [MID, EAST];
      const expected = latticeCoveredShare(w, SOUTH, e, NORTH);
      expect(Math.abs(row.area_covered_share - expected) / expected, row.code).toBeLessThan(0.005);
    }
  });

  it('splits the gaps by community and by grid, named and ranked by the people they leave out', () => {
    const byCommunity = expectedBy(communityOf);
    const byGrid = expectedBy(gridOf);
    const community = body.gaps.features.filter((f) => f.properties.split === 'community');
    const grid = body.gaps.features.filter((f) => f.properties.split === 'grid');
    expect(community.map((f) => f.properties.rank)).toEqual(community.map((_, i) => i + 1));
    const left = community.map((f) => f.properties.people_left_out);
    expect(left).toEqual([...left].sort((a, b) => b - a));
    for (const f of community) {
      const e = byCommunity.get(f.properties.code)!;
      expect(f.properties.people_left_out).toBe(e.left);
      expect(f.properties.residents_left_out).toBe(e.residents - e.residentsCovered);
      expect(f.properties.name).toMatch(/社区$/);
      expect(f.geometry.type).toBe('MultiPolygon');
    }
    for (const f of grid) expect(f.properties.people_left_out).toBe(byGrid.get(f.properties.code)!.left);
    const total = expectedBy(() => 'all').get('all')!.left;
    expect(community.reduce((s, f) => s + f.properties.people_left_out, 0)).toBe(total);
    expect(grid.reduce((s, f) => s + f.properties.people_left_out, 0)).toBe(total);
    const gapArea = community.reduce((s, f) => s + f.properties.area_m2, 0);
    expect(Math.abs(gapArea - (body.area.area_m2 - body.area.covered_area_m2))).toBeLessThan(5);
  });

  it('aggregates the uncovered demand into H3 cells exactly', () => {
    const cells = new Map<string, number>();
    for (const p of demand) {
      if (nearest(p) <= RADIUS_M) continue;
      const cell = latLngToCell(p.lat, p.lng, 9);
      cells.set(cell, (cells.get(cell) ?? 0) + p.weight);
    }
    expect(new Map(body.hexagons.features.map((f) => [f.properties.h3, f.properties.people]))).toEqual(cells);
    expect(body.hexagons.features[0]!.geometry.coordinates[0]).toHaveLength(7);
  });

  it('says which stations it used and which it left out, and why', () => {
    const active = stations.filter((s) => s.status === 'active');
    expect(body.stations.used).toBe(active.length);
    expect(body.stations.used_by_kind).toEqual({ rider_station: active.length - 1, party_service_centre: 1 });
    expect(body.stations.inside_region).toBe(active.length - 1);
    expect(body.stations.left_out_by_reason).toEqual({ planned: 1, suspended: 1, off_network: 0 });
    expect(body.stations.left_out_stations.map((s) => s.name).sort()).toEqual(['暂停驿站', '规划驿站']);
  });

  it('filters by station kind and demand kind', async () => {
    const res = await audit({
      region: String(ids.get('520199')),
      minutes: '5',
      kind: 'rider_station',
      demand: 'worker',
    });
    expect(res.status, res.text).toBe(200);
    const b = res.body as AuditResponse;
    const e = expectedBy(() => 'all', ['rider_station'], ['worker']).get('all')!;
    expect(b.demand.chosen.total).toBe(e.workers);
    expect(b.demand.chosen.covered).toBe(e.workersCovered);
    expect(b.demand.residents.covered).toBe(e.residentsCovered);
    expect(b.stations.used_by_kind).toEqual({ rider_station: 8 });
    expect(b.demand.described).toBe('workers (worker points)');
  });

  it('computes redundancy (≥ 3 stations) when asked', async () => {
    const res = await audit({ region: String(ids.get('520199')), minutes: '15', redundancy: 'true' });
    expect(res.status, res.text).toBe(200);
    const b = res.body as AuditResponse;
    // Independently: the lattice share of places with three active stations or more within 1,200 m.
    const steps = 200;
    let reached = 0;
    for (let i = 0; i < steps; i++) {
      for (let j = 0; j < steps; j++) {
        const lng = WEST + ((i + 0.5) * (EAST - WEST)) / steps;
        const lat = SOUTH + ((j + 0.5) * (NORTH - SOUTH)) / steps;
        const kx = 111_320 * Math.cos((lat * Math.PI) / 180);
        const count = stations.filter(
          (st) => st.status === 'active' && Math.hypot((st.lng - lng) * kx, (st.lat - lat) * 110_770) <= 1200,
        ).length;
        if (count >= 3) reached++;
      }
    }
    const expected = (reached / (steps * steps)) * b.area.area_m2;
    expect(expected).toBeGreaterThan(0);
    expect(Math.abs(b.area.redundant_area_m2! - expected) / expected).toBeLessThan(0.01);
    expect(b.redundancy?.properties.min_stations).toBe(3);
  });
});

describe('GET /api/audit (network)', () => {
  it('counts the same covered people as GET /api/coverage for the same cover', async () => {
    const query = { region: String(ids.get('520199')), minutes: '10', mode: 'walk', method: 'network' };
    const [a, c] = await Promise.all([
      audit(query),
      request(ctx.app).get(`/api/coverage?${new URLSearchParams(query)}`),
    ]);
    expect(a.status, a.text).toBe(200);
    expect(c.status, c.text).toBe(200);
    const b = a.body as AuditResponse;
    expect(b.demand.chosen.covered).toBe(c.body.stats.covered_population);
    expect(b.demand.chosen.total).toBe(c.body.stats.population);
    expect(b.area.covered_area_m2).toBeCloseTo(c.body.stats.covered_area_m2, -2);
    expect(b.title).toBe('10分钟步行服务圈（按路网）');
    expect(b.reach_m).toBe(150);
    // Every point is within 250 m of a street; p90 is the network time, at least the straight one.
    const straight = weightedP90(demand.map((p) => [nearest(p) / 80, p.weight]));
    expect(b.p90_minutes!).toBeGreaterThanOrEqual(straight * 0.99);
  });
});

describe('GET /api/audit (network) redundancy', () => {
  it('lies inside the reach and needs three stations: none with two', async () => {
    const region = String(ids.get('520199'));
    const res = await audit({ region, minutes: '15', method: 'network', redundancy: 'true' });
    expect(res.status, res.text).toBe(200);
    const b = res.body as AuditResponse;
    expect(b.area.redundant_area_m2).toBeGreaterThan(0);
    expect(b.area.redundant_area_m2!).toBeLessThan(b.area.covered_area_m2);
    // With only two stations of the kind (party service centre + none), nothing is reached by three.
    const two = await audit({
      region,
      minutes: '15',
      method: 'network',
      redundancy: 'true',
      kind: 'party_service_centre',
    });
    expect(two.status, two.text).toBe(200);
    expect((two.body as AuditResponse).area.redundant_area_m2).toBe(0);
    expect((two.body as AuditResponse).redundancy).toBeNull();
  });
});

describe('GET /api/audit: who may ask, and bad requests', () => {
  it('answers 401 signed out, 403 for a planner outside their scope, 200 inside it', async () => {
    const region = String(ids.get('520199'));
    expect((await request(ctx.app).get(`/api/audit?region=${region}`)).status).toBe(401);
    const outside = await audit({ region }, accounts.planner);
    expect(outside.status).toBe(403);
    expect(outside.body.error.code).toBe('outside_scope');
    expect(outside.body.error.message).toContain('测试区');
    expect((await audit({ region: String(ids.get('520199002001')) }, accounts.planner)).status).toBe(200);
    expect((await audit({ region: String(ids.get('520199002')) }, accounts.planner)).status).toBe(200);
    expect((await audit({ region: String(ids.get('520199001001')) }, accounts.planner)).status).toBe(403);
    expect((await audit({ region }, accounts.admin)).status).toBe(200);
  });

  it('audits a region no station of the kind reaches, by radius and by network, without failing', async () => {
    for (const method of ['radius', 'network']) {
      const res = await audit({ region: String(ids.get('520199001001')), method, kind: 'convenience_station' });
      expect(res.status, res.text).toBe(200);
      const b = res.body as AuditResponse;
      expect(b.stations.used).toBe(0);
      expect(b.demand.chosen.covered).toBe(0);
      expect(b.area.covered_area_m2).toBe(0);
      expect(b.p90_minutes).toBeNull();
      expect(b.tables.by_region).toEqual([]);
      expect(b.tables.by_grid).toHaveLength(2);
      expect(b.gaps.features.filter((f) => f.properties.split === 'community')).toHaveLength(1);
    }
  });

  it('answers 404 for an unknown region and 400 with a message for bad parameters', async () => {
    const missing = await audit({ region: '999999' });
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe('Region 999999 does not exist.');
    const cases: [Record<string, string>, string][] = [
      [{}, 'region: is required'],
      [{ region: '1', minutes: '0' }, 'minutes must be 1–60'],
      [{ region: '1', method: 'isochrone' }, 'method must be "radius" or "network"'],
      [{ region: '1', h3: '12' }, 'h3 must be an H3 resolution from 7 to 10'],
      [{ region: '1', demand: 'tourists' }, 'unknown demand kind: tourists'],
      [{ region: '1', redundancy: 'maybe' }, 'must be true or false'],
      [{ region: '1', limit: '3' }, 'unknown parameter limit'],
    ];
    for (const [query, message] of cases) {
      const res = await audit(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.body.error.message, JSON.stringify(query)).toContain(message);
    }
  });
});

describe('auditService.candidateCover', () => {
  it('gives each candidate the currently uncovered points within reach (radius, brute force)', async () => {
    const service = auditService(ctx.database.db, routingService(ctx.database.db, { threads: 0 }));
    const admin: Caller = { kind: 'user', role: 'admin', userId: 0, username: 'test', scopes: [], via: 'token' };
    const uncovered = demand.filter((p) => nearest(p) > RADIUS_M);
    const candidates: [number, number][] = [
      [uncovered[0]!.lng, uncovered[0]!.lat],
      [uncovered[1]!.lng + 0.001, uncovered[1]!.lat],
      [stations[0]!.lng, stations[0]!.lat],
    ];
    const result = await service.candidateCover(
      { regionId: ids.get('520199')!, minutes: 5, mode: 'walk', method: 'radius', demand: ['household', 'worker'] },
      candidates,
      admin,
    );
    expect(result.demand.weight.length).toBe(uncovered.length);
    expect(result.total_weight).toBe(demand.reduce((s, p) => s + p.weight, 0));
    expect(result.covered_weight).toBe(demand.filter((p) => nearest(p) <= RADIUS_M).reduce((s, p) => s + p.weight, 0));
    candidates.forEach(([lng, lat], c) => {
      const got = [...result.covers[c]!].map((i) => `${result.demand.lng[i]},${result.demand.lat[i]}`).sort();
      const expected = uncovered
        .filter((p) => geodesicDistanceM([lng, lat], [p.lng, p.lat]) <= RADIUS_M)
        .map((p) => `${p.lng},${p.lat}`)
        .sort();
      expect(got, `candidate ${c}`).toEqual(expected);
    });
    expect(result.covers[0]!.length).toBeGreaterThan(0);

    // Candidates without a list: public buildings the audit does not count, and uncovered cells' centres.
    const query = {
      regionId: ids.get('520199')!,
      minutes: 5,
      mode: 'walk' as const,
      method: 'radius' as const,
      demand: ['household' as const, 'worker' as const],
      kinds: ['rider_station' as const],
      h3: 9,
    };
    const sites = await service.siteCandidates(query, admin);
    expect(sites.filter((s) => s.source === 'public_building').map((s) => s.name)).toEqual(['党群服务中心']);
    const hexagons = (await service.audit(query, admin)).hexagons.features;
    expect(sites.filter((s) => s.source === 'uncovered_hexagon')).toHaveLength(hexagons.length);
    const first = sites.find((s) => s.source === 'uncovered_hexagon')!;
    expect(latLngToCell(first.lat, first.lng, 9)).toBe(first.h3);
    await expect(service.siteCandidates({ ...query, kinds: undefined }, admin)).resolves.toSatisfy(
      (all: { source: string }[]) => all.every((s) => s.source === 'uncovered_hexagon'),
    );
  });
});
