/**
 * "Clip to community" and "clip to neighbours" (QGIS's "avoid overlap"): the fixes a save that
 * breaks 界线明确 / 不交叉重叠 is offered. Both are plain boolean operations on lng/lat (exact
 * arithmetic in polyclip-ts), measured with geodesic areas.
 */
import { difference, featureCollection } from '@turf/turf';
import {
  area_m2,
  asFeature,
  bboxesMeet,
  bboxOf,
  intersection,
  unionAll,
  withGeometry,
  type FeatureId,
  type GridFeature,
  type GridGeometry,
} from '../geometry/polygons';
import { refuse, type ActionResult } from '../result';

export type ClipRefusal = 'outside_parent' | 'covered_by_neighbours';

export type ClipToParentDone<P> = {
  /** The child's id and properties, the part inside the parent. */
  clipped: GridFeature<P>;
  /** What was cut off (null when nothing was). */
  removed: GridGeometry | null;
  removed_m2: number;
};

/** `a − b`, null when nothing is left. */
export function subtract(a: GridGeometry, b: GridGeometry): GridGeometry | null {
  return difference(featureCollection([asFeature(a), asFeature(b)]))?.geometry ?? null;
}

/** A grid clipped to its community, or a zone to its grid: the part outside is removed. */
export function clipToParent<P>(
  child: GridFeature<P>,
  parent: { geometry: GridGeometry },
): ActionResult<ClipToParentDone<P>, ClipRefusal> {
  const inside = intersection(child.geometry, parent.geometry);
  if (!inside) return refuse('outside_parent', 'The shape lies wholly outside its parent: nothing would be left.');
  const removed = subtract(child.geometry, parent.geometry);
  return { ok: true, clipped: withGeometry(child, inside), removed, removed_m2: area_m2(removed) };
}

export type NeighbourOverlap = { id: FeatureId; overlap: GridGeometry; overlap_m2: number };

export type ClipToNeighboursDone<P> = {
  /** The edited feature with only the free space. */
  clipped: GridFeature<P>;
  /** Each neighbour it overlapped, largest overlap first. */
  overlaps: NeighbourOverlap[];
  removed_m2: number;
};

export type ClipToNeighboursOptions = {
  /** Overlaps below this are float noise along shared edges, not overlaps (default 0.01 m²). */
  minOverlap_m2?: number;
};

/** The edited polygon minus every neighbour. */
export function clipToNeighbours<P>(
  edited: GridFeature<P>,
  neighbours: readonly GridFeature<unknown>[],
  options: ClipToNeighboursOptions = {},
): ActionResult<ClipToNeighboursDone<P>, ClipRefusal> {
  const minOverlap_m2 = options.minOverlap_m2 ?? 0.01;
  const box = bboxOf(edited.geometry);
  const overlaps: NeighbourOverlap[] = [];
  const cutters: GridGeometry[] = [];
  for (const neighbour of neighbours) {
    if (neighbour.id === edited.id || !bboxesMeet(box, bboxOf(neighbour.geometry))) continue;
    const overlap = intersection(edited.geometry, neighbour.geometry);
    if (!overlap) continue;
    const overlap_m2 = area_m2(overlap);
    if (overlap_m2 < minOverlap_m2) continue;
    overlaps.push({ id: neighbour.id, overlap, overlap_m2 });
    cutters.push(neighbour.geometry);
  }
  overlaps.sort((a, b) => b.overlap_m2 - a.overlap_m2);
  const cutter = unionAll(cutters);
  if (!cutter) return { ok: true, clipped: edited, overlaps, removed_m2: 0 };
  const free = subtract(edited.geometry, cutter);
  if (!free) return refuse('covered_by_neighbours', 'Neighbouring grids cover the whole shape: no free space is left.');
  return {
    ok: true,
    clipped: withGeometry(edited, free),
    overlaps,
    removed_m2: area_m2(edited.geometry) - area_m2(free),
  };
}
