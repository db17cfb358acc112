/**
 * `GET /api/regions/:id/topology` (issue 7): the whole-community check. Do the grids of one community
 * tile it, 全面覆盖、界线明确、不留空白、不交叉重叠? Lists the gaps (with the residents inside), the
 * overlaps, the slivers, the zones outside their grid and the grids outside the community, each
 * with its geometry (for the map) and, where one exists, the fix a planner can save as it is.
 */
import type { MultiPolygon } from 'geojson';
import { z } from 'zod';
import type { GridRuleFix } from './grid-writes';
import { serialId } from './params';

export const TopologyPath = z.strictObject({ id: serialId('region id') });

/** A grid as a topology finding names it: enough to select it and to PATCH it at `version`. */
export type TopologyGridRef = { id: string; code: string; name: string; version: number };
/** A zone as a topology finding names it. */
export type TopologyZoneRef = { id: string; name: string; version: number };

/**
 * "Give this gap to a neighbour": `geometry` is the neighbour's geometry unioned with the gap,
 * what `PATCH /api/grids/:id { version, geometry }` on `grid` would save.
 */
export type GiveToNeighbourFix = GridRuleFix & { kind: 'give_to_neighbour'; grid: TopologyGridRef };

export type TopologyGap = {
  /** One connected part of the community that no grid of the community covers. */
  geometry: MultiPolygon;
  area_m2: number;
  /** Residents inside: the summed weights of the household demand points in the gap. */
  residents: number;
  /** Grids sharing a boundary with the gap, the longest shared boundary first. */
  neighbours: { grid: TopologyGridRef; sharedBoundary_m: number }[];
  /** One per neighbour, in the same order. */
  fixes: GiveToNeighbourFix[];
};

export type TopologyOverlap = {
  /** The two sibling grids, in code order. */
  grids: [TopologyGridRef, TopologyGridRef];
  geometry: MultiPolygon;
  area_m2: number;
};

export type TopologySliver = {
  grid: TopologyGridRef;
  /** The part (one polygon of the grid) that is a sliver. */
  geometry: MultiPolygon;
  area_m2: number;
  /** `too_small`: under the minimum part area; `too_narrow`: nowhere as wide as the minimum width. */
  reason: 'too_small' | 'too_narrow';
  description: string;
};

export type TopologyZoneOutside = {
  zone: TopologyZoneRef;
  grid: TopologyGridRef;
  /** The part of the zone beyond the tolerance outside its grid. */
  geometry: MultiPolygon;
  area_m2: number;
  /** `clip_to_grid`: the zone clipped to its grid (a PATCH of the zone). Empty when nothing is inside. */
  fixes: GridRuleFix[];
};

export type TopologyGridOutside = {
  grid: TopologyGridRef;
  /** The part of the grid beyond the tolerance outside its community. */
  geometry: MultiPolygon;
  area_m2: number;
  /** `clip_to_community`: the grid clipped to its community (a PATCH of the grid). */
  fixes: GridRuleFix[];
};

/** A zone whose grid was deleted: it lies in no grid until one is drawn over it. */
export type TopologyZoneWithoutGrid = { zone: TopologyZoneRef; geometry: MultiPolygon; area_m2: number };

export type TopologySummary = {
  grids: number;
  zones: number;
  gaps: number;
  gapArea_m2: number;
  /** Residents in all the gaps together. */
  gapResidents: number;
  overlaps: number;
  overlapArea_m2: number;
  slivers: number;
  zonesOutsideGrid: number;
  gridsOutsideCommunity: number;
  zonesWithoutGrid: number;
};

/** The tolerances the check applied (the same the saves apply), so a client can say them. */
export type TopologyTolerances = {
  /** A grid may stick out of its community, and a zone out of its grid, by this much. */
  parent_m: number;
  /** Two sibling grids may overlap by this much. */
  overlap_m2: number;
  /** No part of a grid narrower than this… */
  minWidth_m: number;
  /** …or smaller than this. */
  minPartArea_m2: number;
  /** Uncovered pieces nowhere as wide as this, or smaller than `gapNoiseArea_m2`, are digitising noise, not gaps. */
  gapNoiseWidth_m: number;
  gapNoiseArea_m2: number;
};

export type TopologyResponse = {
  community: { id: number; code: string; name: string; area_m2: number };
  /** Largest first. */
  gaps: TopologyGap[];
  /** Largest first. */
  overlaps: TopologyOverlap[];
  /** In grid code order. */
  slivers: TopologySliver[];
  zonesOutsideGrid: TopologyZoneOutside[];
  gridsOutsideCommunity: TopologyGridOutside[];
  zonesWithoutGrid: TopologyZoneWithoutGrid[];
  summary: TopologySummary;
  tolerances: TopologyTolerances;
  /** True when every list above is empty: the grids tile the community. */
  ok: boolean;
};
