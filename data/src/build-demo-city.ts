/**
 * buildDemoCity(seed): the whole synthetic demo city of 观山湖区 in memory, deterministic per seed.
 *
 * Real: the district outline and the names/codes of its 10 subdistricts and 146 communities.
 * Synthetic (seeded): every boundary below the district, grids, zones, stations, demand, roads, water.
 */
import { createHash } from 'node:crypto';
import type { Feature, FeatureCollection, LineString, MultiPolygon, Point, Polygon } from 'geojson';
import type {
  DemoCity,
  DemoGridProps,
  DemoRegionProps,
  DemoRoadProps,
  DemoStationProps,
  DemoWaterProps,
  DemoZoneProps,
} from './types';
import {
  PolygonTester,
  asMulti,
  bboxOf,
  cleanArea,
  polygonsOf,
  round6,
  segDist2,
  toXY,
  type Area,
  type XY,
} from './geo';
import { DISTRICT_CODE, DISTRICT_NAME, loadDistrictOutline } from './outline';
import { makeDensity, TOWN_CENTRES } from './density';
import { buildWater } from './water';
import { buildCommunities, buildSubdistricts } from './regions';
import { DemandLattice, buildHouseholdPoints, buildWorkerPoints, groupByRegion, type DemandPoint } from './demand';
import { buildGrids } from './grids';
import { buildZones } from './zones';
import { buildRoads } from './roads';
import { buildStations } from './stations';
import { Random } from './random';

export const DEFAULT_SEED = 520115;

function clean(g: Area, what: string): Area {
  const c = cleanArea(g);
  if (!c) throw new Error(`${what} collapsed when rounded`);
  return c;
}

/** Nearest named road within maxM metres, from a hash grid over named segments. */
function roadNameIndex(roads: Feature<LineString, DemoRoadProps>[], maxM = 300): (p: XY) => string | null {
  const cell = 0.003;
  const grid = new Map<string, { a: XY; b: XY; name: string }[]>();
  for (const r of roads) {
    if (!r.properties.name || r.properties.class === 'motorway' || r.properties.class === 'footway') continue;
    const c = r.geometry.coordinates;
    for (let i = 0; i < c.length - 1; i++) {
      const a = toXY(c[i] as XY);
      const b = toXY(c[i + 1] as XY);
      const k = `${Math.floor((c[i]?.[0] as number) / cell)}:${Math.floor((c[i]?.[1] as number) / cell)}`;
      const list = grid.get(k) ?? [];
      list.push({ a, b, name: r.properties.name });
      grid.set(k, list);
    }
  }
  return (p) => {
    const gx = Math.floor(p[0] / cell);
    const gy = Math.floor(p[1] / cell);
    const q = toXY(p);
    let best: string | null = null;
    let bd = maxM * maxM;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        for (const s of grid.get(`${gx + dx}:${gy + dy}`) ?? []) {
          const d = segDist2(q, s.a, s.b);
          if (d < bd || (d === bd && best !== null && s.name < best)) {
            bd = d;
            best = s.name;
          }
        }
      }
    }
    return best;
  };
}

export function buildDemoCity(seed: number = DEFAULT_SEED): DemoCity {
  const rng = new Random(seed);
  const outline = loadDistrictOutline();
  const outlineTester = new PolygonTester(outline);
  const inside = (p: XY) => outlineTester.contains(p[0], p[1]);
  const bbox = bboxOf(outline);

  const water = buildWater(rng.fork('water'), outline);
  const density = makeDensity(rng.fork('density'), inside, bbox);
  const subdistricts = buildSubdistricts(rng.fork('subdistricts'), outline, density);
  const communities = buildCommunities(rng.fork('communities'), subdistricts, density);
  const streetTesters = subdistricts.filter((s) => s.kind === 'street').map((s) => new PolygonTester(s.geometry));
  const inStreet = (p: XY) => streetTesters.some((t) => t.contains(p[0], p[1]));

  // demand: about 6.0 × 10^5 residents (86 % in the 街道) and 2.2 × 10^4 new-economy workers
  const dem = rng.fork('demand');
  const targets = { persons: dem.int(597000, 603000), urbanShare: 0.86, workers: dem.int(21800, 22200) };
  const lattice = new DemandLattice(bbox, inside, water.inLake, inStreet);
  const households = buildHouseholdPoints(dem.fork('households'), lattice, density, targets);
  const workers = buildWorkerPoints(dem.fork('workers'), lattice, density, targets);
  const pointsByCommunity = groupByRegion(households, communities);

  const grids = buildGrids(rng.fork('grids'), communities, pointsByCommunity);
  const zones = buildZones(rng.fork('zones'), grids);

  const roadLines = buildRoads(rng.fork('roads'), {
    inside,
    inLake: water.inLake,
    density: (p) => density.at(p),
    inStreet,
    townCentres: TOWN_CENTRES.map((t) => t.at),
    hamlets: density.hamlets.slice(),
    lakeRings: water.lakes.map((l) => (polygonsOf(l.geometry)[0]?.[0] ?? []) as XY[]),
  });
  const roads: Feature<LineString, DemoRoadProps>[] = roadLines.map((l) => ({
    type: 'Feature',
    properties: l.props,
    geometry: { type: 'LineString', coordinates: l.coords },
  }));

  const stations = buildStations(rng.fork('stations'), {
    subdistricts,
    communities,
    households,
    workers,
    pointsByCommunity,
    inside,
    inLake: water.inLake,
    nearestRoadName: roadNameIndex(roads),
  });

  const region = (
    code: string,
    parentCode: string | null,
    level: DemoRegionProps['level'],
    name: string,
    g: Area,
  ): Feature<MultiPolygon, DemoRegionProps> => ({
    type: 'Feature',
    properties: { code, parentCode, level, name },
    geometry: asMulti(clean(g, code)),
  });
  const regions: FeatureCollection<MultiPolygon, DemoRegionProps> = {
    type: 'FeatureCollection',
    features: [
      region(DISTRICT_CODE, null, 'district', DISTRICT_NAME, outline),
      ...subdistricts.map((s) => region(s.code, DISTRICT_CODE, 'subdistrict', s.name, s.geometry)),
      ...communities.map((c) => region(c.code, c.subdistrictCode, 'community', c.name, c.geometry)),
    ],
  };
  const gridFc: FeatureCollection<Polygon | MultiPolygon, DemoGridProps> = {
    type: 'FeatureCollection',
    features: grids.map((g) => ({
      type: 'Feature',
      properties: {
        code: g.code,
        communityCode: g.communityCode,
        name: g.name,
        kind: g.kind,
        households: g.households,
        population: g.population,
        workerName: g.workerName,
        workerPhone: g.workerPhone,
      },
      geometry: clean(g.geometry, g.code),
    })),
  };
  const zoneFc: FeatureCollection<Polygon | MultiPolygon, DemoZoneProps> = {
    type: 'FeatureCollection',
    features: zones.map((z) => ({
      type: 'Feature',
      properties: { communityCode: z.communityCode, gridCode: z.gridCode, name: z.name, unit: z.unit },
      geometry: clean(z.geometry, z.name),
    })),
  };
  const stationFc: FeatureCollection<Point, DemoStationProps> = {
    type: 'FeatureCollection',
    features: stations.map((s) => ({
      type: 'Feature',
      properties: s.props,
      geometry: { type: 'Point', coordinates: s.at },
    })),
  };
  const waterFc: FeatureCollection<Polygon | MultiPolygon | LineString, DemoWaterProps> = {
    type: 'FeatureCollection',
    features: [
      ...water.lakes.map((l) => ({
        type: 'Feature' as const,
        properties: { kind: 'lake' as const, name: l.name },
        geometry: clean(l.geometry, l.name),
      })),
      {
        type: 'Feature',
        properties: { kind: 'river', name: water.river.name },
        geometry: {
          type: 'LineString',
          coordinates: water.river.geometry.coordinates.map((p) => [round6(p[0] as number), round6(p[1] as number)]),
        },
      },
    ],
  };
  // households are emitted grid by grid, so the file's points are exactly the ones counted in grids
  const triple = (p: DemandPoint): [number, number, number] => [p.ll[0], p.ll[1], p.w];
  const body: Omit<DemoCity, 'version'> = {
    seed,
    regions,
    grids: gridFc,
    zones: zoneFc,
    stations: stationFc,
    demand: { household: grids.flatMap((g) => g.points.map(triple)), worker: workers.map(triple) },
    roads: { type: 'FeatureCollection', features: roads },
    water: waterFc,
  };
  const version = createHash('sha256').update(JSON.stringify(body)).digest('hex');
  return { version, ...body };
}

export type DemoCitySummary = Record<string, number>;

export function summarize(city: DemoCity): DemoCitySummary {
  const lv = (l: DemoRegionProps['level']) => city.regions.features.filter((f) => f.properties.level === l).length;
  const st = (k: DemoStationProps['kind']) => city.stations.features.filter((f) => f.properties.kind === k).length;
  return {
    subdistricts: lv('subdistrict'),
    communities: lv('community'),
    grids: city.grids.features.length,
    dedicatedGrids: city.grids.features.filter((f) => f.properties.kind === 'dedicated').length,
    zones: city.zones.features.length,
    units: new Set(city.zones.features.map((f) => f.properties.unit)).size,
    outdoorWorkerStations: st('outdoor_worker_station'),
    riderStations: st('rider_station'),
    partyServiceCentres: st('party_service_centre'),
    convenienceStations: st('convenience_station'),
    householdPoints: city.demand.household.length,
    population: city.demand.household.reduce((s, p) => s + p[2], 0),
    households: city.grids.features.reduce((s, f) => s + f.properties.households, 0),
    workerPoints: city.demand.worker.length,
    workers: city.demand.worker.reduce((s, p) => s + p[2], 0),
    roadSegments: city.roads.features.length,
  };
}
