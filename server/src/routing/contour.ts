/**
 * Marching squares for the isochrone raster: the rings where a field crosses zero, linearly
 * interpolated along the grid edges, grouped into polygons with their holes.
 *
 * The output equals d3-contour's `contour(values, 0)` (tests/unit/routing-contour.test.ts checks it
 * against d3-contour on random fields): samples ≥ 0 are inside, and a saddle square keeps its two
 * inside corners apart. Coordinates are in sample units: sample (i, j) is at (i, j), where d3-contour
 * puts it at (i + 0.5, j + 0.5).
 *
 * Why not d3-contour itself: it stitches fragments in sparse arrays with `delete`, `unshift` and
 * `concat`, and gives each hole to the first polygon that contains it by testing the hole against
 * every polygon's full ring. On the demo city's 15-minute e-bike bands (hundreds of holes between
 * blocks), tracing took about half of the isochrone's time. Here each crossing point is a grid edge
 * with exactly one successor, so a ring is a walk through one typed array, and a hole goes to the
 * smallest polygon whose bounding box holds it, with a point-in-ring test only when two or more do.
 */
import type { Position } from 'geojson';

/** Successor of each grid-edge crossing (-1: none), and the crossings set, reused between calls. */
let successor = new Int32Array(0);
let touched = new Int32Array(0);

/**
 * Oriented segments per square case, inside on the left (x east, y north): pairs of edge numbers,
 * 0 = bottom (a–b), 1 = right (b–c), 2 = top (d–c), 3 = left (a–d), for corners a = (i, j),
 * b = (i + 1, j), c = (i + 1, j + 1), d = (i, j + 1) and case bits a | b << 1 | c << 2 | d << 3.
 */
const CASES: number[][] = (() => {
  const corner = [
    [0, 0],
    [1, 0],
    [1, 1],
    [0, 1],
  ] as const;
  // The two corners at the ends of each edge, and each corner's two edges.
  const edgeEnds = [
    [0, 1],
    [1, 2],
    [3, 2],
    [0, 3],
  ] as const;
  const cornerEdges = [
    [0, 3],
    [0, 1],
    [1, 2],
    [2, 3],
  ] as const;
  const mid = (e: number) => {
    const [p, q] = edgeEnds[e]!;
    return [(corner[p]![0] + corner[q]![0]) / 2, (corner[p]![1] + corner[q]![1]) / 2] as const;
  };
  // Orients p → q so that corner k lies on its left.
  const orient = (p: number, q: number, k: number): number[] => {
    const [px, py] = mid(p);
    const [qx, qy] = mid(q);
    const [kx, ky] = corner[k]!;
    return (qx - px) * (ky - py) - (qy - py) * (kx - px) > 0 ? [p, q] : [q, p];
  };
  return Array.from({ length: 16 }, (_, bits) => {
    const inside = (k: number) => (bits >> k) & 1;
    if (bits === 5 || bits === 10) {
      // Saddle: cut off each inside corner on its own.
      return [0, 1, 2, 3].filter(inside).flatMap((k) => orient(cornerEdges[k]![0], cornerEdges[k]![1], k));
    }
    const crossing = [0, 1, 2, 3].filter((e) => inside(edgeEnds[e]![0]) !== inside(edgeEnds[e]![1]));
    if (crossing.length === 0) return [];
    const k = [0, 1, 2, 3].find((c) => inside(c))!;
    return orient(crossing[0]!, crossing[1]!, k);
  });
})();

/**
 * Polygons (exterior ring first, then holes) where `field ≥ 0`, for an `nx × ny` grid stored row by
 * row (`field[j · nx + i]`). Exteriors run counter-clockwise and holes clockwise (x east, y north);
 * rings are closed. Every sample on the grid's border must be < 0 (the isochrone pads its grid), so
 * every ring closes inside the grid.
 */
export function traceZeroContour(field: ArrayLike<number>, nx: number, ny: number): Position[][][] {
  const horizontal = (nx - 1) * ny; // edge (i, j)–(i + 1, j) is j · (nx − 1) + i
  const edges = horizontal + nx * (ny - 1); // edge (i, j)–(i, j + 1) is horizontal + j · nx + i
  if (successor.length < edges) {
    successor = new Int32Array(edges).fill(-1);
    touched = new Int32Array(edges);
  }
  let touchedCount = 0;
  for (let i = 0; i < nx; i++) {
    if (field[i]! >= 0 || field[(ny - 1) * nx + i]! >= 0) throw new Error('traceZeroContour: border must be < 0');
  }
  for (let j = 0; j < ny; j++) {
    if (field[j * nx]! >= 0 || field[j * nx + nx - 1]! >= 0) throw new Error('traceZeroContour: border must be < 0');
  }

  const edgeIds = [0, 0, 0, 0];
  for (let j = 0; j < ny - 1; j++) {
    const row = j * nx;
    let a = field[row]! >= 0 ? 1 : 0;
    let d = field[row + nx]! >= 0 ? 1 : 0;
    for (let i = 0; i < nx - 1; i++) {
      const b = field[row + i + 1]! >= 0 ? 1 : 0;
      const c = field[row + nx + i + 1]! >= 0 ? 1 : 0;
      const bits = a | (b << 1) | (c << 2) | (d << 3);
      a = b;
      d = c;
      if (bits === 0 || bits === 15) continue;
      edgeIds[0] = j * (nx - 1) + i;
      edgeIds[1] = horizontal + j * nx + i + 1;
      edgeIds[2] = (j + 1) * (nx - 1) + i;
      edgeIds[3] = horizontal + j * nx + i;
      const segments = CASES[bits]!;
      for (let s = 0; s < segments.length; s += 2) {
        const from = edgeIds[segments[s]!]!;
        successor[from] = edgeIds[segments[s + 1]!]!;
        touched[touchedCount++] = from;
      }
    }
  }

  // Walk each ring once; clearing successors as they are read also resets the buffer.
  type Ring = { points: Position[]; twiceArea: number; minX: number; minY: number; maxX: number; maxY: number };
  const exteriors: Ring[] = [];
  const holes: Ring[] = [];
  for (let t = 0; t < touchedCount; t++) {
    let id = touched[t]!;
    if (successor[id] === -1) continue;
    const points: Position[] = [];
    let minX = Infinity;
    let minY = Infinity;
    let maxX = -Infinity;
    let maxY = -Infinity;
    const start = id;
    do {
      let x: number;
      let y: number;
      if (id < horizontal) {
        const j = Math.floor(id / (nx - 1));
        const i = id - j * (nx - 1);
        const v0 = field[j * nx + i]!;
        x = i + v0 / (v0 - field[j * nx + i + 1]!);
        y = j;
      } else {
        const k = id - horizontal;
        const j = Math.floor(k / nx);
        const i = k - j * nx;
        const v0 = field[j * nx + i]!;
        x = i;
        y = j + v0 / (v0 - field[(j + 1) * nx + i]!);
      }
      points.push([x, y]);
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
      const next = successor[id]!;
      successor[id] = -1;
      id = next;
    } while (id !== start && id !== -1);
    points.push([points[0]![0]!, points[0]![1]!]);
    let twiceArea = 0;
    for (let k = 1; k < points.length; k++) {
      twiceArea += points[k - 1]![0]! * points[k]![1]! - points[k]![0]! * points[k - 1]![1]!;
    }
    const ring = { points, twiceArea, minX, minY, maxX, maxY };
    (twiceArea > 0 ? exteriors : holes).push(ring);
  }

  const polygons: Position[][][] = exteriors.map((ring) => [ring.points]);
  for (const hole of holes) {
    // The smallest exterior holding the hole (an island inside another polygon's hole may hold
    // holes of its own); bounding boxes first, the ring test only to choose among several.
    let best = -1;
    let candidates = 0;
    for (let p = 0; p < exteriors.length; p++) {
      const ring = exteriors[p]!;
      if (ring.minX <= hole.minX && ring.maxX >= hole.maxX && ring.minY <= hole.minY && ring.maxY >= hole.maxY) {
        candidates++;
        if (best === -1 || ring.twiceArea < exteriors[best]!.twiceArea) best = p;
      }
    }
    if (candidates > 1) {
      best = -1;
      const [hx, hy] = hole.points[0]!;
      for (let p = 0; p < exteriors.length; p++) {
        const ring = exteriors[p]!;
        if (ring.minX > hole.minX || ring.maxX < hole.maxX || ring.minY > hole.minY || ring.maxY < hole.maxY) continue;
        if ((best === -1 || ring.twiceArea < exteriors[best]!.twiceArea) && ringContains(ring.points, hx!, hy!)) {
          best = p;
        }
      }
    }
    if (best >= 0) polygons[best]!.push(hole.points);
  }
  return polygons;
}

/** Even-odd ray test; the point is never on the ring here (rings share no crossing point). */
function ringContains(ring: Position[], x: number, y: number): boolean {
  let inside = false;
  for (let k = 0, prev = ring.length - 1; k < ring.length; prev = k++) {
    const [xk, yk] = ring[k]!;
    const [xp, yp] = ring[prev]!;
    if (yk! > y !== yp! > y && x < ((xp! - xk!) * (y - yk!)) / (yp! - yk!) + xk!) inside = !inside;
  }
  return inside;
}
