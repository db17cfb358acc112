/**
 * The rest of topological editing (with shared-vertices.ts): a vertex inserted on an edge that two
 * grids share goes into both, and a shared vertex deleted from one goes from both. Without this, a
 * vertex added to one side of a shared edge and then dragged would open a gap or an overlap, and a
 * shared corner deleted from one grid would leave its neighbour's edge bent around nothing.
 */
import type { Position } from 'geojson';
import { localFrame } from '../geometry/frame';
import { polygonsOf, withGeometry, type GridFeature } from '../geometry/polygons';

type Rings = Position[][];

function rebuild<P>(feature: GridFeature<P>, polygons: Rings[]): GridFeature<P> {
  return withGeometry(
    feature,
    feature.geometry.type === 'Polygon'
      ? { type: 'Polygon', coordinates: polygons[0]! }
      : { type: 'MultiPolygon', coordinates: polygons },
  );
}

/**
 * Inserts `position` into every edge that passes within `tolerance_m` of it (and doesn't already
 * have a vertex there). Returns only the features that changed.
 */
export function insertSharedVertex<P>(
  features: readonly GridFeature<P>[],
  position: Position,
  tolerance_m = 0.05,
): GridFeature<P>[] {
  const frame = localFrame(position);
  const at: Position = [position[0]!, position[1]!];
  const changed: GridFeature<P>[] = [];
  for (const feature of features) {
    let any = false;
    const polygons = polygonsOf(feature.geometry).map((rings) =>
      rings.map((ring) => {
        const xy = ring.map((p) => frame.forward(p));
        // Already has a vertex there: nothing to insert (the move-shared-vertex case).
        if (xy.some(([x, y]) => Math.hypot(x, y) <= tolerance_m)) return ring;
        for (let i = 0; i + 1 < ring.length; i++) {
          if (distanceToSegment(xy[i]!, xy[i + 1]!) <= tolerance_m) {
            any = true;
            return [...ring.slice(0, i + 1), at, ...ring.slice(i + 1)];
          }
        }
        return ring;
      }),
    );
    if (any) changed.push(rebuild(feature, polygons));
  }
  return changed;
}

/**
 * Removes the vertex within `tolerance_m` of `position` from every ring that has it, unless the
 * ring would be left with fewer than three corners. Returns only the features that changed.
 */
export function removeSharedVertex<P>(
  features: readonly GridFeature<P>[],
  position: Position,
  tolerance_m = 0.05,
): GridFeature<P>[] {
  const frame = localFrame(position);
  const near = (p: Position) => {
    const [x, y] = frame.forward(p);
    return Math.hypot(x, y) <= tolerance_m;
  };
  const changed: GridFeature<P>[] = [];
  for (const feature of features) {
    let any = false;
    const polygons = polygonsOf(feature.geometry).map((rings) =>
      rings.map((ring) => {
        const open = ring.slice(0, -1);
        const kept = open.filter((p) => !near(p));
        if (kept.length === open.length || kept.length < 3) return ring;
        any = true;
        return [...kept, kept[0]!];
      }),
    );
    if (any) changed.push(rebuild(feature, polygons));
  }
  return changed;
}

/** Distance from the frame's origin (the position) to the segment a–b, in metres. */
function distanceToSegment(a: [number, number], b: [number, number]): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const length2 = dx * dx + dy * dy;
  const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, (-a[0] * dx - a[1] * dy) / length2));
  return Math.hypot(a[0] + dx * t, a[1] + dy * t);
}
