/**
 * `POST /api/regions/:id/draft-grids` (issue 8): a proposal of grids for one community, built from
 * its street blocks and the household demand inside them. Nothing is saved: the planner edits the
 * proposal and accepts it through the grid writes, which check it again.
 */
import type { FeatureCollection, MultiPolygon, Polygon } from 'geojson';
import { z } from 'zod';
import { MAX_GRIDS_PER_COMMUNITY } from './grid-writes';
import { serialId } from './params';

export const DraftGridsPath = z.strictObject({ id: serialId('region id') });

/** More households than any community holds (the demo's largest has about 10,000). */
export const MAX_HOUSEHOLDS_PER_GRID = 1_000_000;

export const DraftGridsBody = z
  .strictObject({
    grids: z
      .number({ error: 'grids must be a number: how many grids to draft' })
      .int('grids must be a whole number')
      .min(1, 'grids must be at least 1')
      .max(MAX_GRIDS_PER_COMMUNITY, `grids must be at most ${MAX_GRIDS_PER_COMMUNITY} (a 3-digit sequence)`)
      .optional(),
    households_per_grid: z
      .number({ error: 'households_per_grid must be a number: the households each grid should hold' })
      .int('households_per_grid must be a whole number')
      .min(1, 'households_per_grid must be at least 1')
      .max(MAX_HOUSEHOLDS_PER_GRID, `households_per_grid must be at most ${MAX_HOUSEHOLDS_PER_GRID}`)
      .optional(),
  })
  .refine((body) => (body.grids === undefined) !== (body.households_per_grid === undefined), {
    error:
      'give exactly one of grids (how many grids to draft) or households_per_grid (the households each should hold), e.g. { "grids": 12 } or { "households_per_grid": 380 }',
  });
export type DraftGridsRequest = z.input<typeof DraftGridsBody>;
export type DraftGridsParams = z.output<typeof DraftGridsBody>;

export type DraftGridProps = {
  /** 1…n, west to east in rows from north to south (the CJ/T 349-2010 reading order). */
  sequence: number;
  /** Households: the residents below over the persons per household in the summary. */
  households: number;
  /** Residents: the summed weights of the household demand points inside. */
  population: number;
  /** 4πA/P² (1 for a disc, 0.785 for a square). */
  polsby_popper: number;
  /** Street blocks (after cuts and crumbs, see the summary) that make up the grid. */
  blocks: number;
  area_m2: number;
};

/** The same figures for plain k-means (Lloyd's) of the demand points, the floor the draft must beat. */
export type KMeansBaseline = {
  /** Largest over smallest households among the k clusters of points (null when a cluster is empty). */
  ratio: number | null;
  /** Each block given to the cluster of the centre nearest it: the k-means grids made of blocks. */
  blocks_ratio: number | null;
  /** Of those block grids, measured on the block graph. */
  worst_polsby_popper: number;
  /** Whether each of those block grids is one connected piece. */
  contiguous: boolean;
  time_ms: number;
};

export type DraftGridsSummary = {
  algorithm: string;
  /** Which start the winning draft grew from. */
  start: 'bisection' | 'spanning_tree';
  grids: number;
  target_households: number;
  households: number;
  population: number;
  persons_per_household: number;
  /** community_grids: the community's current grids' population over households; default: 2.8. */
  persons_per_household_source: 'community_grids' | 'default';
  /** Largest grid's households over the smallest's (null when a grid holds none). */
  ratio: number | null;
  /** The bound (1.2) and aim (1.1) for the ratio. */
  max_ratio: number;
  aim_ratio: number;
  /** The ratio straight after the start, before local moves. */
  initial_ratio: number | null;
  worst_polsby_popper: number;
  mean_polsby_popper: number;
  /** Every grid is one polygon. */
  contiguous: boolean;
  street_faces: number;
  /** Faces cut by straight lines because they held more than `cut_above_households`. */
  cut_faces: number;
  cut_above_households: number;
  /** Crumbs (under 20 m² or 2 m wide) folded into a neighbour. */
  crumbs: number;
  blocks: number;
  moves: number;
  restarts: number;
  community_area_m2: number;
  /**
   * The grids' areas summed (they do not overlap): the community's when they tile it, to about
   * 0.001 %. (A long straight edge of the community, measured on the spheroid whole or in the pieces
   * the streets cut it into, bulges differently: centimetres over kilometres.)
   */
  grids_area_m2: number;
  time_ms: number;
  kmeans: KMeansBaseline;
};

export type DraftGridsResponse = FeatureCollection<Polygon | MultiPolygon, DraftGridProps> & {
  community: { id: number; code: string; name: string };
  summary: DraftGridsSummary;
};
