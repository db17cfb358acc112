/**
 * Noding: split polylines at every crossing so a routing graph can be built from the result.
 * Two lines that cross get the crossing point inserted into both (rounded to 6 decimals, so both
 * copies are identical), and every line is then cut at each vertex it shares with another line.
 * The output segments meet only at their endpoints.
 */
import { round6, type XY } from './geo';

export type Polyline<P> = { coords: XY[]; props: P };

const CELL = 0.002; // spatial hash cell in degrees (~200 m); input vertices are ≤ ~60 m apart

function key(p: XY): string {
  return `${p[0]},${p[1]}`;
}

function dedupe(coords: XY[]): XY[] {
  const out: XY[] = [];
  for (const c of coords) {
    const p: XY = [round6(c[0]), round6(c[1])];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}

export function nodeLines<P>(input: Polyline<P>[]): Polyline<P>[] {
  const lines = input.map((l) => ({ coords: dedupe(l.coords), props: l.props })).filter((l) => l.coords.length >= 2);

  // flat segment table
  const segLine: number[] = [];
  const segIdx: number[] = [];
  lines.forEach((l, li) => {
    for (let i = 0; i < l.coords.length - 1; i++) {
      segLine.push(li);
      segIdx.push(i);
    }
  });
  const grid = new Map<string, number[]>();
  segLine.forEach((li, s) => {
    const c = lines[li]?.coords as XY[];
    const a = c[segIdx[s] as number] as XY;
    const b = c[(segIdx[s] as number) + 1] as XY;
    const gx0 = Math.floor(Math.min(a[0], b[0]) / CELL);
    const gx1 = Math.floor(Math.max(a[0], b[0]) / CELL);
    const gy0 = Math.floor(Math.min(a[1], b[1]) / CELL);
    const gy1 = Math.floor(Math.max(a[1], b[1]) / CELL);
    for (let gx = gx0; gx <= gx1; gx++) {
      for (let gy = gy0; gy <= gy1; gy++) {
        const k = `${gx}:${gy}`;
        const bucket = grid.get(k);
        if (bucket) bucket.push(s);
        else grid.set(k, [s]);
      }
    }
  });

  // insertions per line: segment index → list of (t, point)
  const inserts: Map<number, { t: number; p: XY }[]>[] = lines.map(() => new Map());
  const addInsert = (li: number, si: number, t: number, p: XY) => {
    const m = inserts[li] as Map<number, { t: number; p: XY }[]>;
    const list = m.get(si);
    if (list) list.push({ t, p });
    else m.set(si, [{ t, p }]);
  };
  const seen = new Set<number>();
  const nSeg = segLine.length;
  for (const bucket of grid.values()) {
    for (let x = 0; x < bucket.length; x++) {
      for (let y = x + 1; y < bucket.length; y++) {
        const s1 = Math.min(bucket[x] as number, bucket[y] as number);
        const s2 = Math.max(bucket[x] as number, bucket[y] as number);
        const pairKey = s1 * nSeg + s2;
        if (seen.has(pairKey)) continue;
        seen.add(pairKey);
        const l1 = segLine[s1] as number;
        const l2 = segLine[s2] as number;
        const i1 = segIdx[s1] as number;
        const i2 = segIdx[s2] as number;
        if (l1 === l2 && Math.abs(i1 - i2) <= 1) continue; // consecutive pieces of one line
        const c1 = lines[l1]?.coords as XY[];
        const c2 = lines[l2]?.coords as XY[];
        const a = c1[i1] as XY;
        const b = c1[i1 + 1] as XY;
        const c = c2[i2] as XY;
        const d = c2[i2 + 1] as XY;
        const hit = crossing(a, b, c, d);
        if (!hit) continue;
        const p: XY = [round6(hit.p[0]), round6(hit.p[1])];
        if (!same(p, a) && !same(p, b)) addInsert(l1, i1, hit.t, p);
        if (!same(p, c) && !same(p, d)) addInsert(l2, i2, hit.u, p);
      }
    }
  }

  // insert the crossing points
  const noded = lines.map((l, li) => {
    const m = inserts[li] as Map<number, { t: number; p: XY }[]>;
    if (m.size === 0) return l;
    const coords: XY[] = [];
    l.coords.forEach((c, i) => {
      const last = coords[coords.length - 1];
      if (!last || !same(last, c)) coords.push(c);
      const list = m.get(i);
      if (!list) return;
      list.sort((x, y) => x.t - y.t);
      for (const { p } of list) {
        const prev = coords[coords.length - 1] as XY;
        if (!same(prev, p)) coords.push(p);
      }
    });
    return { coords, props: l.props };
  });

  // a vertex is a node when it occurs more than once across all lines
  const count = new Map<string, number>();
  for (const l of noded) for (const c of l.coords) count.set(key(c), (count.get(key(c)) ?? 0) + 1);

  const out: Polyline<P>[] = [];
  for (const l of noded) {
    let cur: XY[] = [];
    l.coords.forEach((c, i) => {
      if (cur.length > 0 && same(cur[cur.length - 1] as XY, c)) return;
      cur.push(c);
      const isNode = (count.get(key(c)) ?? 0) > 1;
      if ((isNode && i > 0) || i === l.coords.length - 1) {
        if (cur.length >= 2) out.push({ coords: cur, props: l.props });
        cur = [c];
      }
    });
  }
  return out;
}

function same(a: XY, b: XY): boolean {
  return a[0] === b[0] && a[1] === b[1];
}

/** Intersection of segments a–b and c–d (endpoints included), or null; t and u are the parameters. */
function crossing(a: XY, b: XY, c: XY, d: XY): { p: XY; t: number; u: number } | null {
  const rx = b[0] - a[0];
  const ry = b[1] - a[1];
  const sx = d[0] - c[0];
  const sy = d[1] - c[1];
  const denom = rx * sy - ry * sx;
  if (denom === 0) return null; // parallel or collinear: generated roads never overlap
  const qx = c[0] - a[0];
  const qy = c[1] - a[1];
  const t = (qx * sy - qy * sx) / denom;
  const u = (qx * ry - qy * rx) / denom;
  const eps = 1e-9;
  if (t < -eps || t > 1 + eps || u < -eps || u > 1 + eps) return null;
  return { p: [a[0] + t * rx, a[1] + t * ry], t, u };
}
