import type { FeatureCollection, Point } from 'geojson';

/** One suggested site, in the order the sites add value (1 = the most people newly covered). */
export type SuggestedSiteProps = {
  order: number;
  /** Where the candidate came from: a public building not yet counted, an uncovered H3 cell's centre, or the request. */
  source: 'public_building' | 'uncovered_hexagon' | 'given';
  station_id?: string;
  name?: string;
  h3?: string;
  /** People this site newly covers, given the sites before it (residents + workers of the chosen kinds). */
  gain_population: number;
  gain_residents: number;
  gain_workers: number;
};

/** POST /api/audit/sites */
export type AuditSitesResponse = {
  /** mclp: the k sites that newly cover the most people; lscp: the fewest that reach target_share. */
  problem: 'mclp' | 'lscp';
  k: number | null;
  target_share: number | null;
  solver: 'exact' | 'greedy';
  /** optimal / time_limit (HiGHS's best so far, see mip_gap) / infeasible (target out of reach) / greedy. */
  status: 'optimal' | 'time_limit' | 'infeasible' | 'greedy';
  /** HiGHS's relative MIP gap; null for greedy. */
  mip_gap: number | null;
  /** Where both ran (MCLP): how far greedy's newly covered people fall below the exact optimum, as a share. */
  greedy_shortfall_share: number | null;
  /** LSCP: the largest share every candidate together reaches. */
  best_reachable_share: number;
  candidates: number;
  /** Uncovered demand points the candidates were scored on (before merging identical ones). */
  demand_points: number;
  total_population: number;
  covered_population_before: number;
  covered_population_after: number;
  covered_share_before: number;
  covered_share_after: number;
  sites: FeatureCollection<Point, SuggestedSiteProps>;
  elapsed_ms: number;
  data_version: string;
  computed_at: string;
};
