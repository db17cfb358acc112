import type { Kysely } from 'kysely';
import { withStatementTimeout } from '../db/client';
import type { MultiPolygon, Polygon } from 'geojson';
import type {
  CoverageMethod,
  CoverageRegionRow,
  CoverageResponse,
  CoverageStats,
  StationKind,
  TravelMode,
} from '../contracts';
import type { DB } from '../db/schema';
import { notFound } from '../errors';
import { type Cover, type DemandKind, coverage, coverageDataStamp } from '../queries/coverage.queries';
import { findRegion } from '../queries/regions.queries';
import { listStations } from '../queries/stations.queries';
import { roundTo } from './geojson';
import { MAX_SNAP_M, type routingService } from './routing.service';

/**
 * Travel speeds behind the radius method. Walking at 80 m/min is the usual planning figure
 * (GB 50180-2018's 15-minute circle of 800–1,000 m allows for detours on top of it). E-bikes are
 * limited to 25 km/h in China (GB 17761-2018); 15 km/h = 250 m/min is a realistic urban average.
 * The street-network profiles (server/src/routing/profiles.ts) use the same speeds.
 */
export const SPEEDS_M_PER_MIN: Record<TravelMode, number> = { walk: 80, ebike: 250 };

/**
 * How far from a reached street the network method counts people as covered. Streets in the data
 * stop at the gate of a compound (小区): the last stretch to a door is on foot along paths the map
 * does not have. 150 m is about half a typical compound's side; `reach_m` overrides it.
 */
export const DEFAULT_NETWORK_REACH_M = 150;
/** The largest `reach_m` the API accepts (contracts/coverage.ts). */
export const MAX_NETWORK_REACH_M = 500;

/**
 * The coverage statement's own timeout. A whole district by street network takes 0.3–0.5 s on
 * PostgreSQL 15 + PostGIS 3.3 (bench/heavy.ts); 10 s is far beyond that, and short enough that a
 * pathological cover can't hold a pool connection for long.
 */
export const COVERAGE_STATEMENT_TIMEOUT_MS = 10_000;

export type CoverageQuery = {
  regionId: number;
  minutes: number;
  mode: TravelMode;
  method: CoverageMethod;
  reach_m?: number | undefined;
  kinds?: StationKind[] | undefined;
  demand: DemandKind[];
};

const share = (part: number, whole: number) => (whole > 0 ? roundTo(part / whole, 6) : 0);

function toStats(row: {
  area_m2: number;
  covered_area_m2: number;
  population: number;
  covered_population: number;
}): CoverageStats {
  const area = Number(row.area_m2);
  // Union slivers can make covered area exceed the region by a few mm²; clamp so shares stay ≤ 1.
  const covered = Math.min(Number(row.covered_area_m2), area);
  const population = Number(row.population);
  const coveredPopulation = Math.min(Number(row.covered_population), population);
  return {
    area_m2: roundTo(area, 0),
    covered_area_m2: roundTo(covered, 0),
    covered_share: share(covered, area),
    population: roundTo(population, 0),
    covered_population: roundTo(coveredPopulation, 0),
    covered_population_share: share(coveredPopulation, population),
  };
}

/**
 * The query as it feeds the cache key and the computation: whole metres and minutes, within their
 * ranges. Every distinct key is a fresh computation, so `reach_m=301.76000001` must not differ
 * from `reach_m=302` (it did, and each tiny change cost a full district coverage).
 */
function normalised(query: CoverageQuery): CoverageQuery {
  const clamp = (value: number, min: number, max: number) => Math.min(max, Math.max(min, Math.round(value)));
  return {
    ...query,
    minutes: Math.round(query.minutes),
    reach_m: query.reach_m === undefined ? undefined : clamp(query.reach_m, 0, MAX_NETWORK_REACH_M),
  };
}

export function coverageService(db: Kysely<DB>, routing: ReturnType<typeof routingService>) {
  // Coverage of a whole district takes a second or more on the embedded database, so results are
  // cached, keyed by a fingerprint of the data they depend on (see coverageDataStamp).
  const cache = new Map<string, Promise<CoverageResponse>>();

  /** The street-network cover: one multi-source isochrone from every active station of the kinds. */
  async function networkCover(query: CoverageQuery): Promise<{ cover: Cover; stationCount: number }> {
    const graph = await routing.graph();
    const stations = await listStations(db, { kinds: query.kinds, statuses: ['active'] }).execute();
    // Snapping + multi-source search + raster + marching squares: 100 ms or more of CPU, in a
    // worker thread, which hands back the GeoJSON text the statement takes.
    const { geometry, originCount } = await routing.compute(graph, {
      kind: 'coverGeoJson',
      profile: query.mode,
      points: stations.map((station) => station.geometry.coordinates as [number, number]),
      maxSnap_m: MAX_SNAP_M,
      minutes: query.minutes,
      options: { reachWidth_m: query.reach_m ?? DEFAULT_NETWORK_REACH_M },
    });
    return { cover: { method: 'network', geometry }, stationCount: originCount };
  }

  async function compute(query: CoverageQuery): Promise<CoverageResponse> {
    const region = await findRegion(db, query.regionId).executeTakeFirst();
    if (!region) throw notFound('Region', query.regionId);
    const speed = SPEEDS_M_PER_MIN[query.mode];
    const radius_m = speed * query.minutes;
    const network = query.method === 'network' ? await networkCover(query) : null;
    const cover: Cover = network?.cover ?? { method: 'radius', radius_m, kinds: query.kinds };
    const { rows } = await withStatementTimeout(db, COVERAGE_STATEMENT_TIMEOUT_MS, (trx) =>
      coverage(trx, { regionId: region.id, cover, demand: query.demand }).execute(trx),
    );
    const row = rows[0];
    const areas = row?.regions ?? [];
    const target = areas.find((a) => a.is_target);
    if (!target) throw notFound('Region', query.regionId);
    const byRegion: CoverageRegionRow[] = areas
      .filter((a) => !a.is_target)
      .map((a) => ({ id: a.id, code: a.code, name: a.name, level: a.level, ...toStats(a) }))
      .sort(
        (a, b) =>
          a.covered_population_share - b.covered_population_share ||
          a.covered_share - b.covered_share ||
          a.code.localeCompare(b.code),
      );
    const circles = row?.circles ?? [];
    return {
      region: { id: region.id, code: region.code, name: region.name, level: region.level },
      minutes: query.minutes,
      mode: query.mode,
      method: query.method,
      speed_m_per_min: speed,
      radius_m,
      stationCount: network ? network.stationCount : circles.length,
      circles: {
        type: 'FeatureCollection',
        features: circles.map((c) => ({
          type: 'Feature',
          geometry: c.geometry as Polygon,
          properties: { stationId: c.station_id, name: c.name, kind: c.kind },
        })),
      },
      reach: {
        type: 'FeatureCollection',
        features: row?.reach
          ? [{ type: 'Feature', geometry: row.reach as Polygon | MultiPolygon, properties: { minutes: query.minutes } }]
          : [],
      },
      gaps: {
        type: 'FeatureCollection',
        features: (row?.gaps ?? []).map((g) => ({
          type: 'Feature',
          geometry: g.geometry as Polygon,
          properties: { area_m2: roundTo(Number(g.area_m2), 0), population: roundTo(Number(g.population), 0) },
        })),
      },
      stats: toStats(target),
      by_region: byRegion,
    };
  }

  return {
    async compute(request: CoverageQuery): Promise<CoverageResponse> {
      const query = normalised(request);
      const { rows } = await coverageDataStamp().execute(db);
      const key = JSON.stringify([
        rows[0]?.stamp,
        query.regionId,
        query.minutes,
        query.mode,
        query.method,
        query.reach_m,
        query.kinds?.slice().sort(),
        query.demand.slice().sort(),
      ]);
      let pending = cache.get(key);
      if (!pending) {
        // Only a miss does heavy work, so only a miss waits for (or is refused by) the limiter;
        // identical requests in flight share one computation.
        pending = routing.heavy.run(() => compute(query));
        cache.set(key, pending);
        // A failed computation must not stay cached.
        pending.catch(() => cache.delete(key));
        if (cache.size > 200) cache.delete(cache.keys().next().value!);
      }
      return pending;
    },
  };
}
