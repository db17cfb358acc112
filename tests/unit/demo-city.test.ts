/**
 * The synthetic demo city (data/src/build-demo-city.ts): determinism, real codes, exact tiling of
 * every level, numbering, stations, demand totals, a noded road network and valid geometry.
 * One build is shared by all checks; two more prove determinism.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { area, bbox, booleanPointInPolygon, booleanValid, featureCollection, intersect, kinks } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { buildDemoCity, DEFAULT_SEED } from '../../data/src/build-demo-city';
import { loadCommunities, loadSubdistricts } from '../../data/src/divisions';
import { writeDemoCity } from '../../data/src/ensure';
import type { DemoCity } from '../../data/src/types';
import { AMENITIES } from '../../server/src/contracts/enums';

const require = createRequire(import.meta.url);
const OpeningHours = require('opening_hours') as new (value: string) => unknown;

type AreaFeature = Feature<Polygon | MultiPolygon>;
type BBox = [number, number, number, number];

let city: DemoCity;

beforeAll(() => {
  city = buildDemoCity();
}, 120_000);

const regions = (level: 'district' | 'subdistrict' | 'community') =>
  city.regions.features.filter((f) => f.properties.level === level);

function overlap(a: AreaFeature, b: AreaFeature): number {
  const i = intersect(featureCollection([a, b]));
  return i ? area(i) : 0;
}

function bboxesTouch(a: BBox, b: BBox): boolean {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

function polygonsOf(g: Polygon | MultiPolygon): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

/** Area centroid (shoelace), written independently of the generator. */
function centroid(g: Polygon | MultiPolygon): [number, number] {
  let sx = 0;
  let sy = 0;
  let sa = 0;
  for (const poly of polygonsOf(g)) {
    for (const ring of poly) {
      for (let i = 0; i < ring.length - 1; i++) {
        const [ax, ay] = ring[i] as [number, number];
        const [bx, by] = ring[i + 1] as [number, number];
        const c = ax * by - bx * ay;
        sa += c;
        sx += (ax + bx) * c;
        sy += (ay + by) * c;
      }
    }
  }
  return [sx / (3 * sa), sy / (3 * sa)];
}

/** Checks that `children` tile `parent`: areas sum within 0.1 %, no overlaps, each child inside. */
function expectTiling(parent: AreaFeature, children: AreaFeature[], label: string): void {
  const parentArea = area(parent);
  const sum = children.reduce((s, c) => s + area(c), 0);
  expect(Math.abs(sum - parentArea) / parentArea, `${label}: area sum`).toBeLessThan(0.001);
  const boxes = children.map((c) => bbox(c) as BBox);
  for (let i = 0; i < children.length; i++) {
    const c = children[i] as AreaFeature;
    const a = area(c);
    if (children.length > 1)
      expect(overlap(c, parent) / a, `${label}: child ${i} inside parent`).toBeGreaterThan(0.999);
    for (let j = i + 1; j < children.length; j++) {
      if (!bboxesTouch(boxes[i] as BBox, boxes[j] as BBox)) continue;
      expect(overlap(c, children[j] as AreaFeature), `${label}: overlap ${i}/${j}`).toBeLessThan(1); // m²
    }
  }
}

describe('determinism', () => {
  it('the version is the sha256 of everything else', () => {
    const { version, ...rest } = city;
    expect(version).toMatch(/^[0-9a-f]{64}$/);
    expect(createHash('sha256').update(JSON.stringify(rest)).digest('hex')).toBe(version);
  });

  it('the same seed gives a byte-identical file, another seed another city', async () => {
    expect(city.seed).toBe(DEFAULT_SEED);
    const dir = await mkdtemp(join(tmpdir(), 'demo-city-'));
    try {
      const path = await writeDemoCity(join(dir, 'demo-city.json'), DEFAULT_SEED);
      expect(await readFile(path, 'utf8')).toBe(JSON.stringify(city));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    expect(buildDemoCity(7).version).not.toBe(city.version);
  }, 120_000);
});

describe('regions', () => {
  it('has the district, 10 subdistricts and 146 communities with their real codes and names', () => {
    const [district] = regions('district');
    expect(regions('district')).toHaveLength(1);
    expect(district?.properties).toEqual({ code: '520115', parentCode: null, level: 'district', name: '观山湖区' });

    const subs = regions('subdistrict');
    expect(subs).toHaveLength(10);
    expect(subs.map((f) => [f.properties.code, f.properties.name])).toEqual(
      loadSubdistricts().map((s) => [s.code, s.name]),
    );
    expect(subs.filter((f) => f.properties.name.endsWith('街道'))).toHaveLength(7);
    expect(subs.filter((f) => f.properties.name.endsWith('镇'))).toHaveLength(3);
    for (const s of subs) expect(s.properties.parentCode).toBe('520115');

    const comms = regions('community');
    expect(comms).toHaveLength(146);
    const real = loadCommunities();
    expect(comms.map((f) => f.properties.code)).toEqual(real.map((c) => c.code));
    for (const c of comms) {
      expect(c.properties.code).toMatch(/^520115\d{6}$/);
      expect(c.properties.parentCode).toBe(c.properties.code.slice(0, 9));
      expect(c.properties.name).not.toMatch(/委员会$|委会$/);
    }
    expect(comms.find((c) => c.properties.code === '520115001001')?.properties.name).toBe('六砂社区');
    expect(comms.find((c) => c.properties.code === '520115001200')?.properties.name).toBe('小箐村');
  });

  it('the district is the real outline (~307 km²)', () => {
    const km2 = area(regions('district')[0] as AreaFeature) / 1e6;
    expect(km2).toBeGreaterThan(300);
    expect(km2).toBeLessThan(315);
  });

  it('subdistricts tile the district', () => {
    expectTiling(regions('district')[0] as AreaFeature, regions('subdistrict'), 'district');
  });

  it('communities tile their subdistrict', () => {
    for (const s of regions('subdistrict')) {
      const children = regions('community').filter((c) => c.properties.parentCode === s.properties.code);
      expectTiling(s, children, s.properties.name);
    }
  });

  it('towns lie west of the 街道', () => {
    const cx = (f: AreaFeature) => centroid(f.geometry)[0];
    const subs = regions('subdistrict');
    const towns = subs.filter((f) => f.properties.name.endsWith('镇'));
    const streets = subs.filter((f) => f.properties.name.endsWith('街道'));
    expect(Math.max(...towns.map(cx))).toBeLessThan(Math.min(...streets.map(cx)));
    expect(Math.min(...towns.map((f) => area(f)))).toBeGreaterThan(Math.max(...streets.map((f) => area(f))));
  });
});

describe('grids', () => {
  it('count and codes', () => {
    const grids = city.grids.features;
    expect(grids.length).toBeGreaterThanOrEqual(450);
    expect(grids.length).toBeLessThanOrEqual(750);
    const dedicated = grids.filter((g) => g.properties.kind === 'dedicated');
    expect(dedicated.length).toBeGreaterThanOrEqual(8);
    expect(dedicated.length).toBeLessThanOrEqual(12);
    expect(new Set(grids.map((g) => g.properties.code)).size).toBe(grids.length);
    for (const g of grids) {
      expect(g.properties.code).toMatch(/^520115\d{6}\d{3}$/);
      expect(g.properties.code.slice(0, 12)).toBe(g.properties.communityCode);
      expect(g.properties.workerPhone).toMatch(/^1[3-9]\d{9}$/);
      expect(g.properties.workerName).toMatch(/^[\u4e00-\u9fa5]{2,3}$/);
      if (g.properties.kind === 'basic')
        expect(g.properties.name).toBe(
          `${nameOf(g.properties.communityCode)}第${Number(g.properties.code.slice(12))}网格`,
        );
    }
  });

  it('grids tile each community', () => {
    for (const c of regions('community')) {
      const children = city.grids.features.filter((g) => g.properties.communityCode === c.properties.code);
      expect(children.length, c.properties.name).toBeGreaterThan(0);
      expectTiling(c, children, c.properties.name);
    }
  });

  it('are numbered west→east within north→south latitude bands', () => {
    for (const c of regions('community')) {
      const grids = city.grids.features.filter((g) => g.properties.communityCode === c.properties.code);
      const seqs = grids.map((g) => Number(g.properties.code.slice(12)));
      expect(seqs.slice().sort((a, b) => a - b)).toEqual(grids.map((_, i) => i + 1));
      // the documented rule (grids.ts numberingOrder): rows = max(1, round(sqrt(n))) equal bands of
      // the community's bbox from the north; sort by band, then centroid longitude
      const [, south, , north] = bbox(c) as BBox;
      const rows = Math.max(1, Math.round(Math.sqrt(grids.length)));
      const h = (north - south) / rows;
      const keyed = grids.map((g) => {
        const [x, y] = centroid(g.geometry);
        return {
          seq: Number(g.properties.code.slice(12)),
          band: Math.min(rows - 1, Math.max(0, Math.floor((north - y) / h))),
          x,
        };
      });
      keyed.sort((a, b) => a.seq - b.seq);
      for (let i = 1; i < keyed.length; i++) {
        const a = keyed[i - 1] as (typeof keyed)[number];
        const b = keyed[i] as (typeof keyed)[number];
        expect(
          a.band < b.band || (a.band === b.band && a.x <= b.x),
          `${c.properties.name} grids ${a.seq}→${b.seq}`,
        ).toBe(true);
      }
    }
  });
});

function nameOf(communityCode: string): string {
  return regions('community').find((c) => c.properties.code === communityCode)?.properties.name ?? '?';
}

describe('responsibility zones', () => {
  it('2–6 per grid, named, with a unit, tiling their grid', () => {
    const zones = city.zones.features;
    expect(zones.length).toBeGreaterThanOrEqual(1800);
    expect(zones.length).toBeLessThanOrEqual(3200);
    const units = new Set(zones.map((z) => z.properties.unit));
    expect(units.size).toBeGreaterThanOrEqual(150);
    expect(units.size).toBeLessThanOrEqual(250);
    const byGrid = new Map<string, typeof zones>();
    for (const z of zones) {
      const list = byGrid.get(z.properties.gridCode) ?? [];
      list.push(z);
      byGrid.set(z.properties.gridCode, list);
    }
    expect(byGrid.size).toBe(city.grids.features.length);
    for (const g of city.grids.features) {
      const list = byGrid.get(g.properties.code) ?? [];
      expect(list.length).toBeGreaterThanOrEqual(2);
      expect(list.length).toBeLessThanOrEqual(6);
      list.forEach((z) => {
        expect(z.properties.communityCode).toBe(g.properties.communityCode);
        expect(z.properties.name).toMatch(new RegExp(`^${g.properties.name}第[1-6]责任区$`));
        expect(z.properties.unit.length).toBeGreaterThan(3);
      });
      expectTiling(g, list, g.properties.name);
    }
  });
});

describe('stations', () => {
  const kinds = () => {
    const count = new Map<string, number>();
    for (const s of city.stations.features) count.set(s.properties.kind, (count.get(s.properties.kind) ?? 0) + 1);
    return count;
  };

  it('38 outdoor-worker stations, 10 rider stations, one party centre per community, ~20 convenience stations', () => {
    const k = kinds();
    expect(k.get('outdoor_worker_station')).toBe(38);
    expect(k.get('rider_station')).toBe(10);
    expect(k.get('convenience_station')).toBeGreaterThanOrEqual(15);
    expect(k.get('convenience_station')).toBeLessThanOrEqual(25);
    const party = city.stations.features.filter((s) => s.properties.kind === 'party_service_centre');
    expect(party.map((p) => p.properties.communityCode).sort()).toEqual(
      regions('community').map((c) => c.properties.code),
    );
    for (const p of party)
      expect(p.properties.name).toBe(`${nameOf(p.properties.communityCode as string)}党群服务中心`);
    for (const r of city.stations.features.filter((s) => s.properties.kind === 'rider_station'))
      expect(r.properties.name).toMatch(/^小蜜蜂驿站·/);
    expect(new Set(city.stations.features.map((s) => s.properties.name)).size).toBe(city.stations.features.length);
  });

  it('have valid opening hours, phones, amenities and statuses', () => {
    const allowed = new Set<string>(AMENITIES);
    for (const s of city.stations.features) {
      expect(() => new OpeningHours(s.properties.openingHours), s.properties.openingHours).not.toThrow();
      expect(s.properties.phone).toMatch(/^0851-8\d{7}$/);
      expect(s.properties.address).toMatch(/^观山湖区.+/);
      expect(s.properties.operator.length).toBeGreaterThan(1);
      expect(s.properties.amenities.length).toBeGreaterThan(0);
      for (const a of s.properties.amenities) expect(allowed.has(a), a).toBe(true);
    }
    const status = (v: string) => city.stations.features.filter((s) => s.properties.status === v).length;
    expect(status('planned')).toBeGreaterThanOrEqual(2);
    expect(status('planned')).toBeLessThanOrEqual(3);
    expect(status('suspended')).toBeGreaterThanOrEqual(1);
    expect(status('suspended')).toBeLessThanOrEqual(2);
  });

  it('lie in the district, in their community and out of the lakes', () => {
    const lakes = city.water.features.filter((w) => w.properties.kind === 'lake') as AreaFeature[];
    const communities = new Map(regions('community').map((c) => [c.properties.code, c]));
    const district = regions('district')[0] as AreaFeature;
    for (const s of city.stations.features) {
      expect(booleanPointInPolygon(s.geometry, district), s.properties.name).toBe(true);
      expect(
        lakes.some((l) => booleanPointInPolygon(s.geometry, l)),
        s.properties.name,
      ).toBe(false);
      const c = communities.get(s.properties.communityCode as string) as AreaFeature;
      expect(booleanPointInPolygon(s.geometry, c), s.properties.name).toBe(true);
    }
  });
});

describe('demand', () => {
  it('about 600,000 residents and 22,000 workers', () => {
    const persons = city.demand.household.reduce((s, p) => s + p[2], 0);
    expect(persons).toBeGreaterThanOrEqual(590_000);
    expect(persons).toBeLessThanOrEqual(620_000);
    const workers = city.demand.worker.reduce((s, p) => s + p[2], 0);
    expect(workers).toBeGreaterThan(21_000);
    expect(workers).toBeLessThan(23_000);
    expect(city.demand.household.length + city.demand.worker.length).toBeLessThanOrEqual(25_000);
    for (const p of city.demand.household) expect(p[2]).toBeGreaterThanOrEqual(1);
  });

  it('grid population and households agree with the points inside each grid', () => {
    const grids = city.grids.features.map((g) => ({ g, box: bbox(g) as BBox, sum: 0 }));
    for (const p of city.demand.household) {
      const [x, y] = p;
      const hit = grids.find(
        ({ g, box }) => x >= box[0] && x <= box[2] && y >= box[1] && y <= box[3] && booleanPointInPolygon([x, y], g),
      );
      expect(hit, `point ${x},${y} is in no grid`).toBeDefined();
      if (hit) hit.sum += p[2];
    }
    let mismatched = 0;
    for (const { g, sum } of grids) {
      if (sum !== g.properties.population) mismatched++;
      expect(Math.abs(g.properties.households - g.properties.population / 2.8)).toBeLessThanOrEqual(0.5);
    }
    // a point exactly on a shared edge may be counted in either neighbour
    expect(mismatched).toBeLessThanOrEqual(2);
    const total = city.grids.features.reduce((s, g) => s + g.properties.population, 0);
    expect(total).toBe(city.demand.household.reduce((s, p) => s + p[2], 0));
  });

  it('the 街道 are much denser than the towns', () => {
    const subs = regions('subdistrict');
    const persons = new Map<string, number>();
    for (const g of city.grids.features) {
      const sd = g.properties.communityCode.slice(0, 9);
      persons.set(sd, (persons.get(sd) ?? 0) + g.properties.population);
    }
    const density = (f: (typeof subs)[number]) => (persons.get(f.properties.code) ?? 0) / (area(f) / 1e6);
    const towns = subs.filter((f) => f.properties.name.endsWith('镇')).map(density);
    const streets = subs.filter((f) => f.properties.name.endsWith('街道')).map(density);
    expect(Math.min(...streets)).toBeGreaterThan(3 * Math.max(...towns));
  });

  it('no demand point in a lake or outside the district', () => {
    const lakes = city.water.features.filter((w) => w.properties.kind === 'lake') as AreaFeature[];
    const district = regions('district')[0] as AreaFeature;
    for (const p of [...city.demand.household, ...city.demand.worker]) {
      const pt: [number, number] = [p[0], p[1]];
      expect(booleanPointInPolygon(pt, district)).toBe(true);
      expect(lakes.some((l) => booleanPointInPolygon(pt, l))).toBe(false);
    }
  });
});

describe('roads', () => {
  it('a plausible mix of classes', () => {
    const roads = city.roads.features;
    expect(roads.length).toBeGreaterThanOrEqual(5000);
    expect(roads.length).toBeLessThanOrEqual(15000);
    const classes = new Set(roads.map((r) => r.properties.class));
    for (const c of ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'residential'])
      expect(classes.has(c as never), c).toBe(true);
    expect(roads.some((r) => r.properties.name === '贵黔高速' && r.properties.class === 'motorway')).toBe(true);
    expect(roads.some((r) => r.properties.oneway)).toBe(true);
    for (const r of roads) expect(r.geometry.coordinates.length).toBeGreaterThanOrEqual(2);
  });

  it('is noded: segments only meet at shared endpoints', () => {
    // every pair of pieces from different segments that intersects must do so at a vertex that is an
    // endpoint of both segments (checked for all pairs via a hash grid; ~10^5 pieces)
    const roads = city.roads.features;
    const cell = 0.002;
    const grid = new Map<string, [number, number][]>();
    roads.forEach((r, ri) => {
      const c = r.geometry.coordinates;
      for (let i = 0; i < c.length - 1; i++) {
        const [ax, ay] = c[i] as [number, number];
        const [bx, by] = c[i + 1] as [number, number];
        for (let gx = Math.floor(Math.min(ax, bx) / cell); gx <= Math.floor(Math.max(ax, bx) / cell); gx++) {
          for (let gy = Math.floor(Math.min(ay, by) / cell); gy <= Math.floor(Math.max(ay, by) / cell); gy++) {
            const k = `${gx}:${gy}`;
            const list = grid.get(k) ?? [];
            list.push([ri, i]);
            grid.set(k, list);
          }
        }
      }
    });
    const isEnd = (ri: number, p: [number, number]) => {
      const c = (roads[ri] as (typeof roads)[number]).geometry.coordinates;
      const a = c[0] as [number, number];
      const b = c[c.length - 1] as [number, number];
      const near = (q: [number, number]) => Math.abs(q[0] - p[0]) < 2e-6 && Math.abs(q[1] - p[1]) < 2e-6;
      return near(a) || near(b);
    };
    let checked = 0;
    const bad: string[] = [];
    for (const list of grid.values()) {
      for (let x = 0; x < list.length; x++) {
        for (let y = x + 1; y < list.length; y++) {
          const [r1, i1] = list[x] as [number, number];
          const [r2, i2] = list[y] as [number, number];
          if (r1 === r2) continue;
          const c1 = (roads[r1] as (typeof roads)[number]).geometry.coordinates;
          const c2 = (roads[r2] as (typeof roads)[number]).geometry.coordinates;
          const p = segmentIntersection(
            c1[i1] as [number, number],
            c1[i1 + 1] as [number, number],
            c2[i2] as [number, number],
            c2[i2 + 1] as [number, number],
          );
          checked++;
          if (p && !(isEnd(r1, p) && isEnd(r2, p))) bad.push(`${r1}/${r2} at ${p[0]},${p[1]}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('stays out of the lakes', () => {
    const lakes = city.water.features.filter((w) => w.properties.kind === 'lake') as AreaFeature[];
    for (const r of city.roads.features) {
      const c = r.geometry.coordinates;
      const mid: [number, number] = [
        ((c[0]?.[0] as number) + (c[1]?.[0] as number)) / 2,
        ((c[0]?.[1] as number) + (c[1]?.[1] as number)) / 2,
      ];
      for (const p of [c[0] as [number, number], mid])
        expect(lakes.some((l) => booleanPointInPolygon(p, l, { ignoreBoundary: true }))).toBe(false);
    }
  });
});

/** Intersection point of two closed segments, or null (parallel segments count as not crossing). */
function segmentIntersection(
  a: [number, number],
  b: [number, number],
  c: [number, number],
  d: [number, number],
): [number, number] | null {
  const rx = b[0] - a[0];
  const ry = b[1] - a[1];
  const sx = d[0] - c[0];
  const sy = d[1] - c[1];
  const den = rx * sy - ry * sx;
  if (den === 0) return null;
  const qx = c[0] - a[0];
  const qy = c[1] - a[1];
  const t = (qx * sy - qy * sx) / den;
  const u = (qx * ry - qy * rx) / den;
  if (t < 0 || t > 1 || u < 0 || u > 1) return null;
  return [a[0] + t * rx, a[1] + t * ry];
}

describe('water', () => {
  it('百花湖, 观山湖 and one river', () => {
    const names = city.water.features.map((w) => `${w.properties.kind}:${w.properties.name}`);
    expect(names).toEqual(expect.arrayContaining(['lake:百花湖', 'lake:观山湖', 'river:麦架河']));
    const lakes = city.water.features.filter((w) => w.properties.kind === 'lake') as AreaFeature[];
    for (const l of lakes) expect(area(l)).toBeGreaterThan(1e5);
  });
});

describe('geometry', () => {
  it('every polygon is valid and free of self-intersections, coordinates have ≤ 6 decimals', () => {
    const polys: AreaFeature[] = [
      ...city.regions.features,
      ...city.grids.features,
      ...city.zones.features,
      ...(city.water.features.filter((w) => w.geometry.type !== 'LineString') as AreaFeature[]),
    ];
    for (const f of polys) {
      expect(booleanValid(f), JSON.stringify(f.properties)).toBe(true);
      expect(kinks(f).features.length, JSON.stringify(f.properties)).toBe(0);
      for (const poly of polygonsOf(f.geometry)) {
        for (const ring of poly) {
          expect(ring.length).toBeGreaterThanOrEqual(4);
          for (const p of ring) {
            expect(Math.round((p[0] as number) * 1e6) / 1e6).toBe(p[0]);
            expect(Math.round((p[1] as number) * 1e6) / 1e6).toBe(p[1]);
          }
        }
      }
    }
  }, 60_000);
});
