/**
 * A fast, exact-enough test of how two polygons lie, in a local metric frame, so that the validator
 * runs a boolean operation (polyclip-ts with big-number arithmetic: several ms per pair) only where
 * there is something to find. Grids that tile their community share edges, so most pairs need none.
 *
 * The boundaries are noded against each other (each vertex of one lying on an edge of the other
 * splits that edge); then, unless two edges properly cross, every piece of edge lies wholly inside,
 * outside or on the other polygon, and its midpoint says which. With no crossing:
 * - the interiors overlap iff a piece of one boundary runs inside the other, or the two are the same
 *   shape (a probe point inside one lies inside the other);
 * - `a` has a part outside `b` iff a piece of a's boundary runs outside b, or a piece of b's runs
 *   inside a.
 */
import type { Position } from 'geojson';
import type { LocalFrame } from './frame';
import { pointInRing, pointSegment } from './planar';
import { polygonsOf, type GridGeometry } from './polygons';

export type XYRings = [number, number][][];

export type Relation = {
  /** Edges properly cross (then both flags below are true). */
  crossing: boolean;
  /** The interiors may share area: run the intersection. */
  interiorsMeet: boolean;
  /** `a` may have area outside `b`: run the difference. */
  aOutsideB: boolean;
};

/** The rings of a geometry in the frame, all polygons together (even-odd works for valid input). */
export function ringsInFrame(geometry: GridGeometry, frame: LocalFrame): XYRings {
  return polygonsOf(geometry).flatMap((rings) => rings.map((ring) => ring.map((p: Position) => frame.forward(p))));
}

export function relate(a: XYRings, b: XYRings, epsilon_m = 1e-6): Relation {
  const splitsA = a.map((ring) => ring.map(() => [] as number[]));
  const splitsB = b.map((ring) => ring.map(() => [] as number[]));
  for (let ra = 0; ra < a.length; ra++) {
    const ringA = a[ra] as [number, number][];
    for (let i = 0; i + 1 < ringA.length; i++) {
      const [ax, ay] = ringA[i] as [number, number];
      const [bx, by] = ringA[i + 1] as [number, number];
      for (let rb = 0; rb < b.length; rb++) {
        const ringB = b[rb] as [number, number][];
        for (let j = 0; j + 1 < ringB.length; j++) {
          const [cx, cy] = ringB[j] as [number, number];
          const [dx, dy] = ringB[j + 1] as [number, number];
          if (
            Math.max(ax, bx) + epsilon_m < Math.min(cx, dx) ||
            Math.max(cx, dx) + epsilon_m < Math.min(ax, bx) ||
            Math.max(ay, by) + epsilon_m < Math.min(cy, dy) ||
            Math.max(cy, dy) + epsilon_m < Math.min(ay, by)
          ) {
            continue;
          }
          let touches = false;
          for (const [px, py, onA] of [
            [cx, cy, true],
            [dx, dy, true],
            [ax, ay, false],
            [bx, by, false],
          ] as const) {
            const s = onA ? pointSegment(px, py, ax, ay, bx, by) : pointSegment(px, py, cx, cy, dx, dy);
            if (s.distance > epsilon_m) continue;
            touches = true;
            if (s.t > 0 && s.t < 1) (onA ? splitsA[ra]![i]! : splitsB[rb]![j]!).push(s.t);
          }
          if (!touches && properlyCross(ax, ay, bx, by, cx, cy, dx, dy)) {
            return { crossing: true, interiorsMeet: true, aOutsideB: true };
          }
        }
      }
    }
  }
  const sidesA = sides(a, splitsA, b, epsilon_m);
  const sidesB = sides(b, splitsB, a, epsilon_m);
  let interiorsMeet = sidesA.inside || sidesB.inside;
  if (!interiorsMeet && !sidesA.outside && !sidesB.outside) {
    // Every piece of each boundary lies on the other: the same shape, or two shapes whose
    // boundaries coincide but whose interiors lie on opposite sides. A probe point tells which.
    const probe = interiorPoint(a);
    interiorsMeet = probe === null || insideRings(probe[0], probe[1], b); // no probe: let the exact test decide
  }
  return { crossing: false, interiorsMeet, aOutsideB: sidesA.outside || sidesB.inside };
}

function properlyCross(
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cx: number,
  cy: number,
  dx: number,
  dy: number,
): boolean {
  const o1 = orient(ax, ay, bx, by, cx, cy);
  const o2 = orient(ax, ay, bx, by, dx, dy);
  const o3 = orient(cx, cy, dx, dy, ax, ay);
  const o4 = orient(cx, cy, dx, dy, bx, by);
  return o1 * o2 < 0 && o3 * o4 < 0;
}

function orient(ax: number, ay: number, bx: number, by: number, cx: number, cy: number): number {
  return Math.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax));
}

/** Whether some piece of `rings`' boundary runs inside / outside `other` (pieces on it count as neither). */
function sides(rings: XYRings, splits: number[][][], other: XYRings, epsilon_m: number) {
  let inside = false;
  let outside = false;
  rings.forEach((ring, r) => {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i] as [number, number];
      const [bx, by] = ring[i + 1] as [number, number];
      const ts = [0, ...(splits[r]?.[i] ?? []).sort((p, q) => p - q), 1];
      for (let k = 0; k + 1 < ts.length; k++) {
        const t = ((ts[k] as number) + (ts[k + 1] as number)) / 2;
        const mx = ax + t * (bx - ax);
        const my = ay + t * (by - ay);
        if (distanceToRings(mx, my, other) <= epsilon_m) continue;
        if (insideRings(mx, my, other)) inside = true;
        else outside = true;
      }
    }
  });
  return { inside, outside };
}

export function insideRings(x: number, y: number, rings: XYRings): boolean {
  let inside = false;
  for (const ring of rings) if (pointInRing(x, y, ring)) inside = !inside;
  return inside;
}

export function distanceToRings(x: number, y: number, rings: XYRings): number {
  let best = Infinity;
  for (const ring of rings) {
    for (let i = 0; i + 1 < ring.length; i++) {
      const [ax, ay] = ring[i] as [number, number];
      const [bx, by] = ring[i + 1] as [number, number];
      const d = pointSegment(x, y, ax, ay, bx, by).distance;
      if (d < best) best = d;
    }
  }
  return best;
}

/**
 * A point inside the rings, as far from the boundary as a coarse search finds (the best of a 9 × 9
 * lattice over the bounding box, and the vertex average), with its distance to the boundary.
 */
export function deepestPoint(rings: XYRings): { x: number; y: number; depth_m: number } | null {
  let west = Infinity;
  let south = Infinity;
  let east = -Infinity;
  let north = -Infinity;
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (const [x, y] of rings[0] ?? []) {
    west = Math.min(west, x);
    east = Math.max(east, x);
    south = Math.min(south, y);
    north = Math.max(north, y);
    sx += x;
    sy += y;
    n++;
  }
  if (n === 0) return null;
  const candidates: [number, number][] = [[sx / n, sy / n]];
  for (let i = 1; i < 10; i++) {
    for (let j = 1; j < 10; j++) candidates.push([west + ((east - west) * i) / 10, south + ((north - south) * j) / 10]);
  }
  let best: { x: number; y: number; depth_m: number } | null = null;
  for (const [x, y] of candidates) {
    if (!insideRings(x, y, rings)) continue;
    const depth_m = distanceToRings(x, y, rings);
    if (!best || depth_m > best.depth_m) best = { x, y, depth_m };
  }
  return best;
}

function interiorPoint(rings: XYRings): [number, number] | null {
  const deepest = deepestPoint(rings);
  return deepest ? [deepest.x, deepest.y] : null;
}
