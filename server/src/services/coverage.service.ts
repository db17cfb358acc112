import type { Kysely } from 'kysely';
import type { Polygon } from 'geojson';
import type { CoverageRegionRow, CoverageResponse, CoverageStats, StationKind, TravelMode } from '../contracts';
import type { DB } from '../db/schema';
import { notFound } from '../errors';
import { coverageDataStamp, radiusCoverage, type DemandKind } from '../queries/coverage.queries';
import { findRegion } from '../queries/regions.queries';
import { roundTo } from './geojson';

/**
 * Travel speeds behind the radius method. Walking at 80 m/min is the usual planning figure
 * (GB 50180-2018's 15-minute circle of 800–1,000 m allows for detours on top of it). E-bikes are
 * limited to 25 km/h in China (GB 17761-2018); 15 km/h = 250 m/min is a realistic urban average.
 */
export const SPEEDS_M_PER_MIN: Record<TravelMode, number> = { walk: 80, ebike: 250 };

export type CoverageQuery = {
  regionId: number;
  minutes: number;
  mode: TravelMode;
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

export function coverageService(db: Kysely<DB>) {
  // Coverage of a whole district takes a second or more on the embedded database, so results are
  // cached, keyed by a fingerprint of the data they depend on (see coverageDataStamp).
  const cache = new Map<string, Promise<CoverageResponse>>();

  async function compute(query: CoverageQuery): Promise<CoverageResponse> {
    const region = await findRegion(db, query.regionId).executeTakeFirst();
    if (!region) throw notFound('Region', query.regionId);
    const speed = SPEEDS_M_PER_MIN[query.mode];
    const radius_m = speed * query.minutes;
    const { rows } = await radiusCoverage(db, {
      regionId: region.id,
      radius_m,
      kinds: query.kinds,
      demand: query.demand,
    }).execute(db);
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
      method: 'radius',
      speed_m_per_min: speed,
      radius_m,
      stationCount: circles.length,
      circles: {
        type: 'FeatureCollection',
        features: circles.map((c) => ({
          type: 'Feature',
          geometry: c.geometry as Polygon,
          properties: { stationId: c.station_id, name: c.name, kind: c.kind },
        })),
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
    async radius(query: CoverageQuery): Promise<CoverageResponse> {
      const { rows } = await coverageDataStamp().execute(db);
      const key = JSON.stringify([
        rows[0]?.stamp,
        query.regionId,
        query.minutes,
        query.mode,
        query.kinds?.slice().sort(),
        query.demand.slice().sort(),
      ]);
      let pending = cache.get(key);
      if (!pending) {
        pending = compute(query);
        cache.set(key, pending);
        // A failed computation must not stay cached.
        pending.catch(() => cache.delete(key));
        if (cache.size > 200) cache.delete(cache.keys().next().value!);
      }
      return pending;
    },
  };
}
