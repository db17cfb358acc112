/**
 * The whole-community check (`GET /api/regions/:id/topology`) as the planner sees it: one list of
 * findings, worst first within each kind, each with what to draw on the map, where to jump, and
 * the fixes it offers.
 */
import { bbox as turfBbox } from '@turf/turf';
import type { MultiPolygon } from 'geojson';
import type { GridRuleFix, TopologyGridRef, TopologyResponse } from '../types';
import type { IssueFeature, IssueKind } from './plan-layers';

export type Finding = {
  key: string;
  kind: IssueKind;
  geometry: MultiPolygon;
  area_m2: number;
  /** Residents inside (gaps only). */
  residents: number | null;
  /** The grids involved, for the list and to select. */
  grids: TopologyGridRef[];
  /** A zone's name, for findings about zones. */
  zone: string | null;
  /** Fixes that are a PATCH of a grid (`grid` names it). */
  fixes: { grid: TopologyGridRef; fix: GridRuleFix }[];
  bounds: [number, number, number, number];
};

const boundsOf = (geometry: MultiPolygon) =>
  turfBbox({ type: 'Feature', geometry, properties: {} }) as [number, number, number, number];

export function findings(topology: TopologyResponse): Finding[] {
  const out: Finding[] = [];
  topology.gaps.forEach((gap, index) =>
    out.push({
      key: `gap-${index}`,
      kind: 'gap',
      geometry: gap.geometry,
      area_m2: gap.area_m2,
      residents: gap.residents,
      grids: gap.neighbours.map((n) => n.grid),
      zone: null,
      fixes: gap.fixes.map((fix) => ({ grid: fix.grid, fix })),
      bounds: boundsOf(gap.geometry),
    }),
  );
  topology.overlaps.forEach((overlap, index) =>
    out.push({
      key: `overlap-${index}`,
      kind: 'overlap',
      geometry: overlap.geometry,
      area_m2: overlap.area_m2,
      residents: null,
      grids: overlap.grids,
      zone: null,
      fixes: [],
      bounds: boundsOf(overlap.geometry),
    }),
  );
  topology.slivers.forEach((sliver, index) =>
    out.push({
      key: `sliver-${index}`,
      kind: 'sliver',
      geometry: sliver.geometry,
      area_m2: sliver.area_m2,
      residents: null,
      grids: [sliver.grid],
      zone: null,
      fixes: [],
      bounds: boundsOf(sliver.geometry),
    }),
  );
  topology.gridsOutsideCommunity.forEach((outside, index) =>
    out.push({
      key: `grid-outside-${index}`,
      kind: 'outside',
      geometry: outside.geometry,
      area_m2: outside.area_m2,
      residents: null,
      grids: [outside.grid],
      zone: null,
      fixes: outside.fixes.map((fix) => ({ grid: outside.grid, fix })),
      bounds: boundsOf(outside.geometry),
    }),
  );
  topology.zonesOutsideGrid.forEach((outside, index) =>
    out.push({
      key: `zone-outside-${index}`,
      kind: 'outside',
      geometry: outside.geometry,
      area_m2: outside.area_m2,
      residents: null,
      grids: [outside.grid],
      zone: outside.zone.name,
      fixes: [],
      bounds: boundsOf(outside.geometry),
    }),
  );
  return out;
}

/** The findings as map features (drawn in orange, red and pink over the grids). */
export function topologyIssues(topology: TopologyResponse): IssueFeature[] {
  return findings(topology).map((finding, index) => ({
    type: 'Feature',
    geometry: finding.geometry,
    properties: { kind: finding.kind, index },
  }));
}
