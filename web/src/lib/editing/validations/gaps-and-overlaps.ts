/**
 * Instant feedback on 不留空白 and 不交叉重叠 while a planner edits, before the server's PostGIS
 * checks (which have the last word): the parts of the parent that no child covers, the overlaps
 * between children, the parts of children outside the parent, and slivers. Each issue names the
 * features involved, so the UI can highlight them and offer the fixes (clip to parent, clip to
 * neighbours).
 *
 * A sliver is a part narrower than `sliverWidth_m` everywhere (it vanishes when shrunk by half
 * that width: turf `buffer` with a negative radius) or smaller than `sliverArea_m2`. A thin spike on
 * an otherwise wide part is not caught (TODO(editing): needs an opening, buffer(−w/2) then (+w/2)).
 */
import { buffer } from '@turf/turf';
import type { Position } from 'geojson';
import { frameAround, type LocalFrame } from '../geometry/frame';
import { deepestPoint, relate, ringsInFrame, type XYRings } from '../geometry/relate';
import { pointSegment } from '../geometry/planar';
import {
  area_m2,
  asFeature,
  bboxesMeet,
  bboxOf,
  intersection,
  polygonsOf,
  positionsOf,
  unionAll,
  type Bbox,
  type FeatureId,
  type GridFeature,
  type GridGeometry,
  type PolygonRings,
} from '../geometry/polygons';
import { subtract } from '../actions/clip';

export type TopologyThresholds = {
  /** Overlaps smaller than this are tolerated (the server's rule: 1 m²). */
  minOverlap_m2: number;
  /** Gaps and parts outside the parent smaller than this are float noise along shared edges. */
  minGap_m2: number;
  sliverWidth_m: number;
  sliverArea_m2: number;
  /** A child within this distance of a gap borders it (and is named with it). */
  touch_m: number;
};

export const DEFAULT_THRESHOLDS: TopologyThresholds = {
  minOverlap_m2: 1,
  minGap_m2: 1,
  sliverWidth_m: 2,
  sliverArea_m2: 20,
  touch_m: 0.05,
};

export type SliverReason = 'narrow' | 'small';

/** A gap: one connected part of the parent that no child covers. */
export type GapIssue = {
  kind: 'gap';
  geometry: GridGeometry;
  area_m2: number;
  /** The children along its edge (who could take it: "give this gap to a neighbour"). */
  ids: FeatureId[];
  sliver: SliverReason | null;
};
export type OverlapIssue = {
  kind: 'overlap';
  geometry: GridGeometry;
  area_m2: number;
  ids: [FeatureId, FeatureId];
  sliver: SliverReason | null;
};
export type OutsideIssue = { kind: 'outside'; geometry: GridGeometry; area_m2: number; ids: [FeatureId] };
export type SliverIssue = {
  kind: 'sliver';
  geometry: GridGeometry;
  area_m2: number;
  ids: [FeatureId];
  sliver: SliverReason;
};

export type TopologyReport = {
  gaps: GapIssue[];
  overlaps: OverlapIssue[];
  outside: OutsideIssue[];
  slivers: SliverIssue[];
  /** True when there is nothing above the thresholds. */
  clean: boolean;
};

export function findGapsAndOverlaps(
  parent: { geometry: GridGeometry },
  children: readonly GridFeature<unknown>[],
  thresholds: Partial<TopologyThresholds> = {},
): TopologyReport {
  const t = { ...DEFAULT_THRESHOLDS, ...thresholds };
  const boxes = children.map((c) => bboxOf(c.geometry));
  const frame = frameAround(positionsOf(parent.geometry));
  const parentRings = ringsInFrame(parent.geometry, frame);
  const childRings = children.map((c) => ringsInFrame(c.geometry, frame));
  // Exact boolean operations only where the fast relate test says there may be something to find.
  let exactNeeded = false;

  const overlaps: OverlapIssue[] = [];
  for (let i = 0; i < children.length; i++) {
    for (let j = i + 1; j < children.length; j++) {
      if (!bboxesMeet(boxes[i] as Bbox, boxes[j] as Bbox)) continue;
      if (!relate(childRings[i] as XYRings, childRings[j] as XYRings).interiorsMeet) continue;
      exactNeeded = true;
      const a = children[i] as GridFeature<unknown>;
      const b = children[j] as GridFeature<unknown>;
      const overlap = intersection(a.geometry, b.geometry);
      for (const part of partsOf(overlap)) {
        const part_m2 = area_m2(part);
        if (part_m2 < t.minOverlap_m2) continue;
        overlaps.push({
          kind: 'overlap',
          geometry: part,
          area_m2: part_m2,
          ids: [a.id, b.id],
          sliver: sliverOf(part, part_m2, t),
        });
      }
    }
  }

  const outside: OutsideIssue[] = [];
  const slivers: SliverIssue[] = [];
  children.forEach((child, i) => {
    const outsideParent = relate(childRings[i] as XYRings, parentRings).aOutsideB;
    if (outsideParent) exactNeeded = true;
    for (const part of partsOf(outsideParent ? subtract(child.geometry, parent.geometry) : null)) {
      const part_m2 = area_m2(part);
      if (part_m2 >= t.minGap_m2) outside.push({ kind: 'outside', geometry: part, area_m2: part_m2, ids: [child.id] });
    }
    for (const part of partsOf(child.geometry)) {
      const part_m2 = area_m2(part);
      const sliver = sliverOf(part, part_m2, t);
      if (sliver) slivers.push({ kind: 'sliver', geometry: part, area_m2: part_m2, ids: [child.id], sliver });
    }
  });

  // Children that neither overlap nor stick out partition part of the parent, so areas add up: the
  // gaps total the parent's area less the children's. Only a real shortfall needs the union.
  const shortfall_m2 = area_m2(parent.geometry) - children.reduce((sum, c) => sum + area_m2(c.geometry), 0);
  const gaps: GapIssue[] = [];
  const covered = exactNeeded || shortfall_m2 >= t.minGap_m2 ? unionAll(children.map((c) => c.geometry)) : null;
  const uncovered = covered
    ? subtract(parent.geometry, covered)
    : exactNeeded || shortfall_m2 >= t.minGap_m2
      ? parent.geometry
      : null;
  for (const part of partsOf(uncovered)) {
    const part_m2 = area_m2(part);
    if (part_m2 < t.minGap_m2) continue;
    const box = bboxOf(part);
    // In degrees of whichever axis is shorter per degree, so the box test never misses a neighbour.
    const margin = t.touch_m / Math.min(frame.metresPerDegreeLat, frame.metresPerDegreeLng);
    const gapXY = [...positionsOf(part)].map(frame.forward);
    const ids = children
      .filter((c, i) => bboxesMeet(box, boxes[i] as Bbox, margin) && near(gapXY, c.geometry, frame.forward, t.touch_m))
      .map((c) => c.id);
    gaps.push({ kind: 'gap', geometry: part, area_m2: part_m2, ids, sliver: sliverOf(part, part_m2, t) });
  }

  gaps.sort((a, b) => b.area_m2 - a.area_m2);
  overlaps.sort((a, b) => b.area_m2 - a.area_m2);
  return {
    gaps,
    overlaps,
    outside,
    slivers,
    clean: gaps.length + overlaps.length + outside.length + slivers.length === 0,
  };
}

/** Whether a part is a sliver, and why. */
export function sliverOf(
  part: GridGeometry,
  part_m2: number,
  t: Pick<TopologyThresholds, 'sliverWidth_m' | 'sliverArea_m2'> = DEFAULT_THRESHOLDS,
): SliverReason | null {
  if (part_m2 < t.sliverArea_m2) return 'small';
  // Fast path: a point at least half the width from every edge proves the part is wide somewhere.
  const frame: LocalFrame = frameAround(positionsOf(part));
  const deepest = deepestPoint(ringsInFrame(part, frame));
  if (deepest && deepest.depth_m >= t.sliverWidth_m / 2) return null;
  const shrunk = buffer(asFeature(part), -t.sliverWidth_m / 2, { units: 'meters' });
  const left = shrunk?.geometry;
  if (!left || (left.type !== 'Polygon' && left.type !== 'MultiPolygon') || left.coordinates.length === 0) {
    return 'narrow';
  }
  return null;
}

/** Each polygon of a geometry as its own geometry. */
function partsOf(geometry: GridGeometry | null): GridGeometry[] {
  if (!geometry) return [];
  return polygonsOf(geometry).map((rings: PolygonRings) => ({ type: 'Polygon', coordinates: rings }));
}

/** Whether any of the points lies within `distance_m` of the geometry's boundary. */
function near(
  points: [number, number][],
  geometry: GridGeometry,
  forward: (p: Position) => [number, number],
  distance_m: number,
): boolean {
  for (const polygon of polygonsOf(geometry)) {
    for (const ring of polygon) {
      const xy = ring.map(forward);
      for (let i = 0; i + 1 < xy.length; i++) {
        const [ax, ay] = xy[i] as [number, number];
        const [bx, by] = xy[i + 1] as [number, number];
        for (const [px, py] of points) if (pointSegment(px, py, ax, ay, bx, by).distance <= distance_m) return true;
      }
    }
  }
  return false;
}
