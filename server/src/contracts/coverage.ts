import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import type { z } from 'zod';
import {
  COVERAGE_METHODS,
  TRAVEL_MODES,
  type CoverageMethod,
  type RegionLevel,
  type StationKind,
  type TravelMode,
} from './enums';
import { Minutes, StationKinds, csvOf, decimalParam, enumParam, queryObject, serialId } from './params';

/** GET /api/coverage */
export const CoverageQuery = queryObject({
  region: serialId('region id'),
  minutes: Minutes,
  mode: enumParam(TRAVEL_MODES).default('walk'),
  method: enumParam(COVERAGE_METHODS, 'method must be "radius" or "network"').default('radius'),
  reach_m: decimalParam({ what: 'metres', min: 0, max: 500, rangeMessage: 'reach_m must be 0–500 metres' })
    .optional()
    .meta({ description: 'network method: metres from a reached street counted as covered (default 150)' }),
  kind: StationKinds.optional(),
  demand: csvOf(['household', 'worker'] as const, 'demand kind').default(['household', 'worker']),
});
export type CoverageRequest = z.input<typeof CoverageQuery>;
export type CoverageParams = z.output<typeof CoverageQuery>;

export type CoverageStats = {
  area_m2: number;
  covered_area_m2: number;
  covered_share: number;
  population: number;
  covered_population: number;
  covered_population_share: number;
};

export type CoverageRegionRow = CoverageStats & {
  id: number;
  code: string;
  name: string;
  level: RegionLevel;
};

export type CoverageResponse = {
  region: { id: number; code: string; name: string; level: RegionLevel };
  minutes: number;
  mode: TravelMode;
  /** radius: straight-line circles; network: isochrones that follow the streets. */
  method: CoverageMethod;
  speed_m_per_min: number;
  radius_m: number;
  stationCount: number;
  /** radius: one geodesic circle per station that touches the region; network: empty. */
  circles: FeatureCollection<Polygon | MultiPolygon, { stationId: string; name: string; kind: StationKind }>;
  /** The area some station reaches within the minutes, clipped to the region: the union of the circles or isochrones. */
  reach: FeatureCollection<Polygon | MultiPolygon, { minutes: number }>;
  /** The region minus the union of the circles; one feature per disjoint gap. */
  gaps: FeatureCollection<Polygon, { area_m2: number; population: number }>;
  stats: CoverageStats;
  /** The same figures for each child region, worst covered_population_share first. */
  by_region: CoverageRegionRow[];
};
