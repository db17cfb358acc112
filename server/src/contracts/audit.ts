import type { Feature, FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { z } from 'zod';
import {
  COVERAGE_METHODS,
  STATION_KINDS,
  TRAVEL_MODES,
  type CoverageMethod,
  type RegionLevel,
  type StationKind,
  type StationStatus,
  type TravelMode,
} from './enums';
import {
  BooleanFlag,
  Minutes,
  StationKinds,
  csvOf,
  decimalParam,
  enumParam,
  integerParam,
  queryObject,
  serialId,
} from './params';

/** H3 resolutions the audit accepts: 7 (~5 km²) for a county, 10 (~0.015 km²) for one community. */
export const AUDIT_H3_MIN = 7;
export const AUDIT_H3_MAX = 10;
export const AUDIT_H3_DEFAULT = 9;

export const DEMAND_KINDS = ['household', 'worker'] as const;
export type DemandKind = (typeof DEMAND_KINDS)[number];

/** GET /api/audit */
export const AuditQuery = queryObject({
  region: serialId('region id'),
  minutes: Minutes,
  mode: enumParam(TRAVEL_MODES).default('walk'),
  method: enumParam(COVERAGE_METHODS, 'method must be "radius" or "network"').default('radius'),
  reach_m: decimalParam({ what: 'metres', min: 0, max: 500, rangeMessage: 'reach_m must be 0–500 metres' })
    .optional()
    .meta({ description: 'network method: metres from a reached street counted as covered (default 150)' }),
  kind: StationKinds.optional(),
  demand: csvOf(DEMAND_KINDS, 'demand kind').default(['household', 'worker']),
  h3: integerParam({
    what: 'H3 resolution',
    min: AUDIT_H3_MIN,
    max: AUDIT_H3_MAX,
    rangeMessage: `h3 must be an H3 resolution from ${AUDIT_H3_MIN} to ${AUDIT_H3_MAX}`,
  })
    .optional()
    .meta({
      description: `H3 resolution of the uncovered-demand hexagons, ${AUDIT_H3_MIN}–${AUDIT_H3_MAX} (default 9)`,
    }),
  // Off by default: noding every station's reach together costs 2.5–4.7 s for a whole district by
  // radius on a loaded 2-core machine (bench/audit.ts), several times the rest of the audit.
  include_planned: BooleanFlag.default(false).meta({
    description: 'count planned stations as open: the coverage the planned ones would give (default false)',
  }),
  redundancy: BooleanFlag.default(false).meta({
    description: 'also compute where three stations or more reach (slow for a whole district; default false)',
  }),
});
export type AuditRequest = z.input<typeof AuditQuery>;
export type AuditParams = z.output<typeof AuditQuery>;

/** POST /api/audit/sites (the solver integration comes later; the body is fixed now). */
export const AuditSitesBody = z.strictObject({
  region: z.number().int().min(1),
  minutes: z.number().int().min(1).max(60).default(15),
  mode: z.enum(TRAVEL_MODES).default('walk'),
  method: z.enum(COVERAGE_METHODS).default('radius'),
  demand: z.array(z.enum(DEMAND_KINDS)).min(1).default(['household', 'worker']),
  kind: z.array(z.enum(STATION_KINDS)).optional(),
  /** MCLP: choose k new sites. */
  k: z.number().int().min(1).max(100).optional(),
  /** LSCP: the fewest new sites that reach this share of the demand (0–1). */
  target_share: z.number().gt(0).max(1).optional(),
  /** Candidate sites `[lng, lat]`; without them, public buildings and uncovered hexagon centres. */
  candidates: z
    .array(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]))
    .max(5000)
    .optional(),
  solver: z.enum(['exact', 'greedy']).optional(),
  /** Count planned stations as existing ones: the sites then go where even the planned ones don't reach. */
  include_planned: z.boolean().default(false),
});
export type AuditSitesRequest = z.input<typeof AuditSitesBody>;
export type AuditSitesParams = z.output<typeof AuditSitesBody>;

/** Figures for one demand kind (residents = household points, workers = worker points). */
export type AuditDemandFigures = {
  /** Sum of demand-point weights (people). */
  total: number;
  covered: number;
  /** covered / total, 0 when total is 0. */
  covered_share: number;
  /** How many demand points (not people). */
  points: number;
  covered_points: number;
};

/** One row of a table: a child region or a grid. */
export type AuditRow = {
  /** Region id (number) or grid id (UUID). */
  id: number | string;
  code: string;
  name: string;
  /** 'grid' for grid rows. */
  level: RegionLevel | 'grid';
  /** The community a grid lies in (grid rows only). */
  community?: { id: number; code: string; name: string };
  area_m2: number;
  covered_area_m2: number;
  area_covered_share: number;
  residents: AuditDemandFigures;
  workers: AuditDemandFigures;
  /** People of the chosen demand kinds no station reaches within the minutes. */
  people_left_out: number;
  /** Share of the chosen demand covered (the sort key, worst first). */
  covered_share: number;
  /**
   * 90th percentile (weighted by people, chosen demand) of the time to the nearest station, in
   * minutes; radius: straight distance / speed; network: street-network time. Null without demand,
   * or when the 90th percentile is beyond `p90_cap_minutes` (unreachable).
   */
  p90_minutes: number | null;
};

export type AuditGapProps = {
  /** 'community' pieces tile the uncovered area by community, 'grid' pieces by grid. */
  split: 'community' | 'grid';
  id: number | string;
  code: string;
  name: string;
  /** The community a grid piece lies in (grid pieces only). */
  community_code?: string;
  community_name?: string;
  area_m2: number;
  residents_left_out: number;
  workers_left_out: number;
  /** People of the chosen demand kinds inside the piece (the rank key). */
  people_left_out: number;
  /** 1 = leaves out the most people. */
  rank: number;
};

export type AuditHexProps = {
  /** H3 cell index (draw with deck.gl's H3HexagonLayer, or use the polygon). */
  h3: string;
  resolution: number;
  residents: number;
  workers: number;
  /** People of the chosen demand kinds, uncovered, in the cell. */
  people: number;
  points: number;
};

export type AuditStationLeftOut = {
  id: string;
  name: string;
  kind: StationKind;
  status: StationStatus;
  /** planned / suspended: not open; off_network: more than 500 m from a street the mode may use. */
  reason: 'planned' | 'suspended' | 'off_network';
};

export type AuditResponse = {
  region: { id: number; code: string; name: string; level: RegionLevel };
  minutes: number;
  mode: TravelMode;
  method: CoverageMethod;
  /** Network method: metres from a reached street counted as covered. */
  reach_m: number | null;
  speed_m_per_min: number;
  radius_m: number;
  /** "15分钟 步行 服务圈 (按路网)" style title carrying minutes, mode and method. */
  title: string;
  stations: {
    /** Station kinds asked for (every kind when the request named none). */
    kinds: StationKind[];
    /** Stations whose reach was drawn: active, of the kinds, reaching the region (and on the network). */
    used: number;
    used_by_kind: Partial<Record<StationKind, number>>;
    /** Of `used`, how many stand inside the region. */
    inside_region: number;
    left_out: number;
    left_out_by_reason: { planned: number; suspended: number; off_network: number };
    /** The left-out stations near the region, with why. */
    left_out_stations: AuditStationLeftOut[];
  };
  demand: {
    /** The kinds the headline and "people left out" count. */
    kinds: DemandKind[];
    /** Plain words: "residents (household points) and workers (worker points)". */
    described: string;
    residents: AuditDemandFigures;
    workers: AuditDemandFigures;
    /** The chosen kinds together. */
    chosen: AuditDemandFigures;
  };
  area: { area_m2: number; covered_area_m2: number; covered_share: number; redundant_area_m2: number | null };
  /** 90th-percentile time to the nearest station over the chosen demand, minutes. */
  p90_minutes: number | null;
  /** Times beyond this many minutes count as unreachable. */
  p90_cap_minutes: number;
  /** The reach clipped to the region. */
  reach: FeatureCollection<Polygon | MultiPolygon, { minutes: number }>;
  /** Uncovered area split by community and by grid, most people left out first (rank within each split). */
  gaps: FeatureCollection<MultiPolygon, AuditGapProps>;
  /** Uncovered demand aggregated into H3 cells, most people first. */
  hexagons: FeatureCollection<Polygon, AuditHexProps>;
  /** Where three stations or more reach (null when redundancy=false). */
  redundancy: Feature<MultiPolygon, { min_stations: 3; area_m2: number }> | null;
  tables: {
    /** One row per child region, worst covered_share first. */
    by_region: AuditRow[];
    /** One row per grid in the region, worst covered_share first. */
    by_grid: AuditRow[];
  };
  /** The data this was computed from: change counters of the tables, so a report can be reproduced. */
  data_version: string;
  computed_at: string;
  duration_ms: number;
};

/** What `auditService.candidateCover` returns for the site-selection solvers. */
export type CandidateCover = {
  /** The demand points no existing station covers: weight (people) and kind; indices below point here. */
  demand: { weight: Float64Array; kind: DemandKind[]; lng: Float64Array; lat: Float64Array };
  /** For each candidate (in input order), the indices into `demand` it would cover; empty when off the network. */
  covers: Int32Array[];
  /** Total people of the chosen kinds, covered already by the existing stations. */
  covered_weight: number;
  total_weight: number;
};

/** A candidate site for the solvers: a public building not yet counted, or an uncovered H3 cell's centre. */
export type SiteCandidate = {
  lng: number;
  lat: number;
  source: 'public_building' | 'uncovered_hexagon';
  station_id?: string;
  name?: string;
  h3?: string;
  /** uncovered_hexagon: the uncovered people in the cell. */
  people?: number;
};
