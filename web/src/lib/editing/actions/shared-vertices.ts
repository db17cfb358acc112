/**
 * Topological editing (QGIS's "topological editing"): grids that share a vertex move it together, so
 * dragging a corner of one grid never opens a gap or an overlap with its neighbour. Vertices within
 * `tolerance_m` (measured in a local metric frame) count as one.
 */
import { kinks } from '@turf/turf';
import type { Position } from 'geojson';
import { frameAround, localFrame } from '../geometry/frame';
import { polygonsOf, positionsOf, withGeometry, type FeatureId, type GridFeature } from '../geometry/polygons';
import { refuse, type ActionResult } from '../result';
import { SpatialHash } from './merge-adjacent';

/** Where one vertex sits in one feature: polygon, ring and position indexes (the closing repeat excluded). */
export type VertexRef = { id: FeatureId; polygon: number; ring: number; index: number };

export type SharedVertex = {
  /** The first member's position. */
  position: Position;
  members: VertexRef[];
  /** The distinct features sharing it (two or more). */
  ids: FeatureId[];
};

/** Vertices that two or more features share, within `tolerance_m` (default 0.05 m). */
export function sharedVertices(features: readonly GridFeature<unknown>[], tolerance_m = 0.05): SharedVertex[] {
  const frame = frameAround(features.flatMap((f) => [...positionsOf(f.geometry)]));
  type Item = { ref: VertexRef; position: Position; x: number; y: number; cluster: number };
  const items: Item[] = [];
  const hash = new SpatialHash<Item>(Math.max(tolerance_m, 1e-9));
  for (const feature of features) {
    polygonsOf(feature.geometry).forEach((rings, polygon) =>
      rings.forEach((ring, r) => {
        for (let index = 0; index + 1 < ring.length; index++) {
          const position = ring[index] as Position;
          const [x, y] = frame.forward(position);
          const item = { ref: { id: feature.id, polygon, ring: r, index }, position, x, y, cluster: items.length };
          items.push(item);
          hash.add(x, y, item);
        }
      }),
    );
  }
  // Union-find over "within tolerance" pairs.
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i] as number] as number;
      i = parent[i] as number;
    }
    return i;
  };
  for (const item of items) {
    for (const other of hash.near(item.x, item.y)) {
      if (other.cluster <= item.cluster) continue;
      if (Math.hypot(other.x - item.x, other.y - item.y) <= tolerance_m) {
        parent[find(other.cluster)] = find(item.cluster);
      }
    }
  }
  const clusters = new Map<number, Item[]>();
  for (const item of items) {
    const root = find(item.cluster);
    const list = clusters.get(root);
    if (list) list.push(item);
    else clusters.set(root, [item]);
  }
  const shared: SharedVertex[] = [];
  for (const members of clusters.values()) {
    const ids = [...new Set(members.map((m) => m.ref.id))];
    if (ids.length < 2) continue;
    shared.push({ position: (members[0] as Item).position, members: members.map((m) => m.ref), ids });
  }
  return shared;
}

export type MoveRefusal = 'no_vertex' | 'self_intersection';

export type MoveDone<P> = {
  /** Only the features that changed: save them as one change. */
  changed: GridFeature<P>[];
  /** How many vertices moved (over all features). */
  moved: number;
};

/**
 * Move every vertex within `tolerance_m` of `from` to `to`, in every feature. Refuses a move that
 * would make a ring cross itself (the UI keeps the vertex where it was).
 */
export function moveSharedVertex<P>(
  features: readonly GridFeature<P>[],
  from: Position,
  to: Position,
  tolerance_m = 0.05,
): ActionResult<MoveDone<P>, MoveRefusal> {
  const frame = localFrame(from);
  const target: Position = [to[0] as number, to[1] as number];
  const changed: GridFeature<P>[] = [];
  let moved = 0;
  for (const feature of features) {
    let changedHere = false;
    const polygons = polygonsOf(feature.geometry).map((rings) =>
      rings.map((ring) => {
        let ringChanged = false;
        const next = ring.map((p) => {
          const [x, y] = frame.forward(p);
          if (Math.hypot(x, y) > tolerance_m) return p;
          ringChanged = true;
          return target;
        });
        if (!ringChanged) return ring;
        changedHere = true;
        // The closing position repeats the first: count the vertex once.
        moved += next.filter((p, i) => p === target && i + 1 < next.length).length;
        return dropRepeats(next);
      }),
    );
    if (!changedHere) continue;
    const geometry =
      feature.geometry.type === 'Polygon'
        ? { type: 'Polygon' as const, coordinates: polygons[0] as Position[][] }
        : { type: 'MultiPolygon' as const, coordinates: polygons };
    const moved_feature = withGeometry(feature, geometry);
    if (kinks(moved_feature.geometry).features.length > 0 || polygons.some((p) => p.some((r) => r.length < 4))) {
      return refuse(
        'self_intersection',
        `Moving the vertex would make grid ${String(feature.id)} cross itself; nothing was moved.`,
      );
    }
    changed.push(moved_feature);
  }
  if (changed.length === 0) return refuse('no_vertex', 'No vertex lies within the tolerance of that point.');
  return { ok: true, changed, moved };
}

/** A vertex moved onto its neighbour would repeat it: keep one. */
function dropRepeats(ring: Position[]): Position[] {
  return ring.filter((p, i) => i === 0 || p[0] !== ring[i - 1]?.[0] || p[1] !== ring[i - 1]?.[1]);
}
