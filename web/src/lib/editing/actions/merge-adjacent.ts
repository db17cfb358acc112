/**
 * Merge two grids that share a boundary into one.
 *
 * Two neighbours drawn or imported separately rarely share their boundary to the last bit: a vertex
 * 1 cm off, or a vertex of one lying on an edge of the other but not in it. A plain union then
 * keeps a hairline hole or spike along the seam. So, in a local metric frame, the two boundaries are
 * first made to agree (snapped) within `tolerance_m`:
 * - a vertex of `b` near a vertex of `a` takes `a`'s exact position;
 * - a vertex of either near an edge of the other is inserted into that edge (at its own position),
 * and only then is the union taken (exact arithmetic, polyclip-ts inside turf).
 */
import { featureCollection, union } from '@turf/turf';
import type { Position } from 'geojson';
import { frameAround, type LocalFrame } from '../geometry/frame';
import { pointSegment } from '../geometry/planar';
import {
  area_m2,
  asFeature,
  geometryOf,
  intersection,
  polygonsOf,
  positionsOf,
  withGeometry,
  type FeatureId,
  type GridFeature,
  type GridGeometry,
  type PolygonRings,
} from '../geometry/polygons';
import { refuse, type ActionResult } from '../result';

export type MergeRefusal = 'same_feature' | 'not_adjacent' | 'touch_at_point';

export type MergeOptions = {
  /** Vertices and edges closer than this are one boundary (default 0.05 m). */
  tolerance_m?: number;
  /** The shared boundary must be at least this long (default 0.5 m): a corner is not a boundary. */
  minSharedBoundary_m?: number;
};

export type MergeDone<P> = {
  /** `a`'s id and properties, the union's geometry. */
  merged: GridFeature<P>;
  /** The id to delete (b's). */
  removedId: FeatureId;
  /** Length of the boundary the two shared (after snapping). */
  sharedBoundary_m: number;
  area_m2: number;
};

export type MergeResult<P> = ActionResult<MergeDone<P>, MergeRefusal>;

export function mergeAdjacent<P>(a: GridFeature<P>, b: GridFeature<P>, options: MergeOptions = {}): MergeResult<P> {
  if (a.id === b.id) return refuse('same_feature', 'A grid cannot be merged with itself.');
  const tolerance_m = options.tolerance_m ?? 0.05;
  const minShared_m = options.minSharedBoundary_m ?? 0.5;
  const frame = frameAround([...positionsOf(a.geometry), ...positionsOf(b.geometry)]);
  const [snappedA, snappedB] = snapBoundaries(a.geometry, b.geometry, frame, tolerance_m);

  const sharedBoundary_m = sharedLength(snappedA, snappedB, frame);
  if (sharedBoundary_m < minShared_m) {
    // Overlapping grids have a boundary in common too, in effect: merging them is the fix.
    const overlap = intersection(snappedA, snappedB);
    if (area_m2(overlap) < tolerance_m * tolerance_m) {
      const touching = touchesAtPoint(snappedA, snappedB, frame, tolerance_m);
      return touching
        ? refuse('touch_at_point', 'The two grids meet only at a corner; merge grids that share an edge.')
        : refuse('not_adjacent', 'The two grids do not touch; merge grids that share an edge.');
    }
  }

  const merged = union(featureCollection([asFeature(snappedA), asFeature(snappedB)]))?.geometry;
  if (!merged) return refuse('not_adjacent', 'The union of the two grids is empty.');
  return {
    ok: true,
    merged: withGeometry(a, merged),
    removedId: b.id,
    sharedBoundary_m,
    area_m2: area_m2(merged),
  };
}

/** iD's `disabled()`: the refusal's reason, or false. */
export function mergeAdjacentDisabled<P>(
  a: GridFeature<P>,
  b: GridFeature<P>,
  options: MergeOptions = {},
): MergeRefusal | false {
  const result = mergeAdjacent(a, b, options);
  return result.ok ? false : result.reason;
}

type Vertex = { position: Position; x: number; y: number };

/**
 * Make two boundaries agree within the tolerance (see the module comment). Returns new geometries;
 * the inputs are not touched.
 */
export function snapBoundaries(
  a: GridGeometry,
  b: GridGeometry,
  frame: LocalFrame,
  tolerance_m: number,
): [GridGeometry, GridGeometry] {
  const toVertices = (g: GridGeometry) =>
    polygonsOf(g).map((rings) =>
      rings.map((ring) =>
        ring.map((position) => {
          const [x, y] = frame.forward(position);
          return { position, x, y };
        }),
      ),
    );
  const ringsA = toVertices(a);
  const ringsB = toVertices(b);
  const verticesA = ringsA.flat(2);
  const grid = new SpatialHash<Vertex>(Math.max(tolerance_m, 1e-9));
  for (const v of verticesA) grid.add(v.x, v.y, v);

  // b's vertices onto a's vertices.
  for (const polygon of ringsB) {
    for (const ring of polygon) {
      for (let i = 0; i < ring.length; i++) {
        const v = ring[i] as Vertex;
        let best: Vertex | null = null;
        let bestDistance = tolerance_m;
        for (const w of grid.near(v.x, v.y)) {
          const d = Math.hypot(w.x - v.x, w.y - v.y);
          if (d <= bestDistance) {
            best = w;
            bestDistance = d;
          }
        }
        if (best) ring[i] = best;
      }
    }
  }
  const verticesB = ringsB.flat(2);
  const insertedA = insertNearVertices(ringsA, verticesB, tolerance_m);
  const insertedB = insertNearVertices(ringsB, insertedA.flat(2), tolerance_m);
  // Two vertices snapped onto one would repeat it: drop the repeat (and any ring that collapses).
  const back = (rings: Vertex[][][]) =>
    geometryOf(
      rings
        .map((polygon) =>
          polygon
            .map((ring) =>
              ring.filter((v, i) => i === 0 || !samePlace(v, ring[i - 1] as Vertex)).map((v) => v.position),
            )
            .filter((ring) => ring.length >= 4),
        )
        .filter((polygon) => polygon.length > 0),
    ) as GridGeometry;
  return [back(insertedA), back(insertedB)];
}

/** Insert each of `vertices` that lies within the tolerance of an edge's interior into that edge. */
function insertNearVertices(rings: Vertex[][][], vertices: Vertex[], tolerance_m: number): Vertex[][][] {
  // Cells about one edge long: each edge then spans a few cells holding a few vertices each.
  let length_m = 0;
  let edges = 0;
  for (const ring of rings.flat(1)) {
    for (let i = 0; i + 1 < ring.length; i++) {
      length_m += Math.hypot(ring[i + 1]!.x - ring[i]!.x, ring[i + 1]!.y - ring[i]!.y);
      edges++;
    }
  }
  const index = new SpatialHash<Vertex>(Math.max(tolerance_m * 4, edges > 0 ? length_m / edges : 0, 1e-9));
  for (const v of vertices) index.add(v.x, v.y, v);
  return rings.map((polygon) =>
    polygon.map((ring) => {
      const out: Vertex[] = [];
      for (let i = 0; i + 1 < ring.length; i++) {
        const from = ring[i] as Vertex;
        const to = ring[i + 1] as Vertex;
        out.push(from);
        const found: { t: number; v: Vertex }[] = [];
        for (const v of index.alongSegment(from.x, from.y, to.x, to.y, tolerance_m)) {
          if (v === from || v === to || samePlace(v, from) || samePlace(v, to)) continue;
          const { distance, t } = pointSegment(v.x, v.y, from.x, from.y, to.x, to.y);
          if (distance <= tolerance_m && t > 0 && t < 1) found.push({ t, v });
        }
        found.sort((p, q) => p.t - q.t);
        for (const f of found) if (!samePlace(f.v, out[out.length - 1] as Vertex)) out.push(f.v);
      }
      out.push(ring[ring.length - 1] as Vertex);
      return out;
    }),
  );
}

function samePlace(p: Vertex, q: Vertex): boolean {
  return p.position[0] === q.position[0] && p.position[1] === q.position[1];
}

/** Total length of the edges both boundaries have (in either direction), in metres. */
function sharedLength(a: GridGeometry, b: GridGeometry, frame: LocalFrame): number {
  const key = (p: Position, q: Position) => {
    const s = `${p[0]},${p[1]}`;
    const t = `${q[0]},${q[1]}`;
    return s < t ? `${s};${t}` : `${t};${s}`;
  };
  const edges = new Set<string>();
  for (const polygon of polygonsOf(a)) {
    for (const ring of polygon) for (let i = 0; i + 1 < ring.length; i++) edges.add(key(ring[i]!, ring[i + 1]!));
  }
  let length_m = 0;
  for (const polygon of polygonsOf(b)) {
    for (const ring of polygon) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const p = ring[i] as Position;
        const q = ring[i + 1] as Position;
        if (!edges.has(key(p, q))) continue;
        const [px, py] = frame.forward(p);
        const [qx, qy] = frame.forward(q);
        length_m += Math.hypot(qx - px, qy - py);
      }
    }
  }
  return length_m;
}

function touchesAtPoint(a: GridGeometry, b: GridGeometry, frame: LocalFrame, tolerance_m: number): boolean {
  const xyOf = (g: GridGeometry): PolygonRings[] => polygonsOf(g).map((p) => p.map((r) => r.map(frame.forward)));
  const polygonsB = xyOf(b);
  for (const polygon of xyOf(a)) {
    for (const ring of polygon) {
      for (const p of ring) {
        for (const other of polygonsB) {
          for (const r of other) {
            for (let i = 0; i + 1 < r.length; i++) {
              const [ax, ay] = r[i] as [number, number];
              const [bx, by] = r[i + 1] as [number, number];
              if (pointSegment(p[0]!, p[1]!, ax, ay, bx, by).distance <= tolerance_m) return true;
            }
          }
        }
      }
    }
  }
  return false;
}

/** Points bucketed in square cells, for "what is near here" in the metric frame. */
export class SpatialHash<T> {
  private readonly cells = new Map<string, T[]>();
  constructor(private readonly cell_m: number) {}

  add(x: number, y: number, item: T) {
    const key = `${Math.floor(x / this.cell_m)},${Math.floor(y / this.cell_m)}`;
    const list = this.cells.get(key);
    if (list) list.push(item);
    else this.cells.set(key, [item]);
  }

  /** Items in the 3 × 3 cells around (x, y): everything within one cell size, and some more. */
  *near(x: number, y: number): Generator<T> {
    const cx = Math.floor(x / this.cell_m);
    const cy = Math.floor(y / this.cell_m);
    for (let i = cx - 1; i <= cx + 1; i++)
      for (let j = cy - 1; j <= cy + 1; j++) yield* this.cells.get(`${i},${j}`) ?? [];
  }

  /** Items in the cells of the segment's bounding box grown by `margin_m`. */
  *alongSegment(ax: number, ay: number, bx: number, by: number, margin_m: number): Generator<T> {
    const x0 = Math.floor((Math.min(ax, bx) - margin_m) / this.cell_m);
    const x1 = Math.floor((Math.max(ax, bx) + margin_m) / this.cell_m);
    const y0 = Math.floor((Math.min(ay, by) - margin_m) / this.cell_m);
    const y1 = Math.floor((Math.max(ay, by) + margin_m) / this.cell_m);
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > this.cells.size) {
      // A long edge: walking the cells it spans would cost more than looking at every cell.
      for (const [key, items] of this.cells) {
        const [i, j] = key.split(',').map(Number) as [number, number];
        if (i >= x0 && i <= x1 && j >= y0 && j <= y1) yield* items;
      }
      return;
    }
    for (let i = x0; i <= x1; i++) for (let j = y0; j <= y1; j++) yield* this.cells.get(`${i},${j}`) ?? [];
  }
}
