/**
 * Small planar geometry helpers. The district spans ~25 km, so a local equirectangular projection
 * (metres around a fixed origin) is accurate to well under 0.1 % and makes distances, Voronoi cells
 * and jitter isotropic; everything is stored as WGS84 lng/lat.
 */
import { area as turfArea } from '@turf/turf';
import type { MultiPolygon, Polygon, Position } from 'geojson';

export type XY = [number, number];
export type Area = Polygon | MultiPolygon;

const LON0 = 106.57;
const LAT0 = 26.64;
const KX = 111320 * Math.cos((LAT0 * Math.PI) / 180);
const KY = 110574;

export function toXY(p: Position | XY): XY {
  return [((p[0] as number) - LON0) * KX, ((p[1] as number) - LAT0) * KY];
}

export function fromXY(p: XY): XY {
  return [p[0] / KX + LON0, p[1] / KY + LAT0];
}

/** Offset a lng/lat point by metres. */
export function offsetLL(p: XY, dx: number, dy: number): XY {
  return [p[0] + dx / KX, p[1] + dy / KY];
}

export function distM(a: XY, b: XY): number {
  return Math.hypot((a[0] - b[0]) * KX, (a[1] - b[1]) * KY);
}

/** 6 decimals ≈ 0.1 m: plenty for a demo map and keeps the file small. */
export function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

export function roundPos(p: Position): XY {
  return [round6(p[0] as number), round6(p[1] as number)];
}

export function polygonsOf(g: Area): Position[][][] {
  return g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
}

export function fromPolygons(polys: Position[][][]): Area | null {
  if (polys.length === 0) return null;
  if (polys.length === 1) return { type: 'Polygon', coordinates: polys[0] as Position[][] };
  return { type: 'MultiPolygon', coordinates: polys };
}

export function asMulti(g: Area): MultiPolygon {
  return g.type === 'MultiPolygon' ? g : { type: 'MultiPolygon', coordinates: [g.coordinates] };
}

export function areaM2(g: Area): number {
  return turfArea(g);
}

/** Signed planar area of a ring in (scaled) degrees; positive = counter-clockwise. */
export function signedRingArea(ring: Position[]): number {
  let s = 0;
  for (let i = 0, n = ring.length; i < n - 1; i++) {
    const a = ring[i] as Position;
    const b = ring[i + 1] as Position;
    s += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return s / 2;
}

export type BBox = [number, number, number, number];

export function bboxOf(g: Area | Position[]): BBox {
  const b: BBox = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (p: Position) => {
    const x = p[0] as number;
    const y = p[1] as number;
    if (x < b[0]) b[0] = x;
    if (y < b[1]) b[1] = y;
    if (x > b[2]) b[2] = x;
    if (y > b[3]) b[3] = y;
  };
  if (Array.isArray(g)) g.forEach(visit);
  else for (const poly of polygonsOf(g)) for (const ring of poly) ring.forEach(visit);
  return b;
}

/** Area-weighted centroid (planar, in lng/lat; fine at this scale). */
export function areaCentroid(g: Area): XY {
  let sx = 0;
  let sy = 0;
  let sa = 0;
  for (const poly of polygonsOf(g)) {
    for (const ring of poly) {
      for (let i = 0; i < ring.length - 1; i++) {
        const a = ring[i] as Position;
        const b = ring[i + 1] as Position;
        const ax = (a[0] as number) - LON0;
        const ay = (a[1] as number) - LAT0;
        const bx = (b[0] as number) - LON0;
        const by = (b[1] as number) - LAT0;
        const cross = ax * by - bx * ay;
        sa += cross;
        sx += (ax + bx) * cross;
        sy += (ay + by) * cross;
      }
    }
  }
  if (sa === 0) {
    const bb = bboxOf(g);
    return [(bb[0] + bb[2]) / 2, (bb[1] + bb[3]) / 2];
  }
  return [sx / (3 * sa) + LON0, sy / (3 * sa) + LAT0];
}

/**
 * Fast repeated point-in-polygon test (even-odd rule over all rings, so holes and multipolygons
 * work). Edges are bucketed into latitude bands so a test only looks at the few edges its
 * horizontal ray can hit: the district outline alone has ~1,400 vertices and we test ~10^5 points.
 */
export class PolygonTester {
  readonly bbox: BBox;
  private readonly bands: number[][] = [];
  private readonly ex0: number[] = [];
  private readonly ey0: number[] = [];
  private readonly ex1: number[] = [];
  private readonly ey1: number[] = [];
  private readonly nb: number;
  private readonly bandH: number;

  constructor(readonly geom: Area) {
    this.bbox = bboxOf(geom);
    for (const poly of polygonsOf(geom)) {
      for (const ring of poly) {
        for (let i = 0; i < ring.length - 1; i++) {
          const a = ring[i] as Position;
          const b = ring[i + 1] as Position;
          this.ex0.push(a[0] as number);
          this.ey0.push(a[1] as number);
          this.ex1.push(b[0] as number);
          this.ey1.push(b[1] as number);
        }
      }
    }
    this.nb = Math.max(1, Math.min(1024, Math.ceil(this.ex0.length / 4)));
    this.bandH = (this.bbox[3] - this.bbox[1]) / this.nb || 1;
    for (let k = 0; k < this.nb; k++) this.bands.push([]);
    for (let e = 0; e < this.ex0.length; e++) {
      const y0 = Math.min(this.ey0[e] as number, this.ey1[e] as number);
      const y1 = Math.max(this.ey0[e] as number, this.ey1[e] as number);
      const k0 = this.band(y0);
      const k1 = this.band(y1);
      for (let k = k0; k <= k1; k++) (this.bands[k] as number[]).push(e);
    }
  }

  private band(y: number): number {
    return Math.max(0, Math.min(this.nb - 1, Math.floor((y - this.bbox[1]) / this.bandH)));
  }

  contains(x: number, y: number): boolean {
    const b = this.bbox;
    if (x < b[0] || x > b[2] || y < b[1] || y > b[3]) return false;
    let inside = false;
    for (const e of this.bands[this.band(y)] as number[]) {
      const xi = this.ex0[e] as number;
      const yi = this.ey0[e] as number;
      const xj = this.ex1[e] as number;
      const yj = this.ey1[e] as number;
      if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
    }
    return inside;
  }
}

/**
 * Round to 6 decimals and repair what rounding can break: consecutive duplicates, zero-width spikes
 * (a→b→a), rings that collapse below 4 positions or to zero area. Outer rings are made
 * counter-clockwise and holes clockwise (RFC 7946). Because neighbouring cells share exactly the
 * same vertices before rounding, they still share them afterwards, so a tiling stays a tiling.
 */
export function cleanArea(g: Area): Area | null {
  const polys: Position[][][] = [];
  for (const poly of polygonsOf(g)) {
    const rings: Position[][] = [];
    poly.forEach((ring, ri) => {
      const r = cleanRing(ring);
      if (!r) {
        if (ri === 0) rings.length = 0;
        return;
      }
      if (ri > 0 && rings.length === 0) return; // outer ring vanished: drop its holes too
      const ccw = signedRingArea(r) > 0;
      if ((ri === 0) !== ccw) r.reverse();
      rings.push(r);
    });
    if (rings.length > 0) polys.push(rings);
  }
  return fromPolygons(polys);
}

function cleanRing(ring: Position[]): XY[] | null {
  let pts: XY[] = [];
  for (const p of ring) {
    const q = roundPos(p);
    const last = pts[pts.length - 1];
    if (!last || last[0] !== q[0] || last[1] !== q[1]) pts.push(q);
  }
  // treat as cyclic without the closing point
  const first = pts[0];
  const lastP = pts[pts.length - 1];
  if (first && lastP && first[0] === lastP[0] && first[1] === lastP[1]) pts.pop();
  // remove spikes a→b→a and repeated points until stable
  let changed = true;
  while (changed && pts.length >= 3) {
    changed = false;
    const out: XY[] = [];
    const n = pts.length;
    for (let i = 0; i < n; i++) {
      const prev = out.length > 0 ? (out[out.length - 1] as XY) : (pts[(i - 1 + n) % n] as XY);
      const cur = pts[i] as XY;
      const next = pts[(i + 1) % n] as XY;
      if (cur[0] === prev[0] && cur[1] === prev[1]) {
        changed = true;
        continue;
      }
      if (prev[0] === next[0] && prev[1] === next[1]) {
        changed = true;
        continue;
      }
      // drop exactly collinear middle points (also catches back-tracking spikes)
      const cross = (cur[0] - prev[0]) * (next[1] - prev[1]) - (cur[1] - prev[1]) * (next[0] - prev[0]);
      if (cross === 0) {
        changed = true;
        continue;
      }
      out.push(cur);
    }
    pts = out;
  }
  if (pts.length < 3) return null;
  pts.push([(pts[0] as XY)[0], (pts[0] as XY)[1]]);
  if (Math.abs(signedRingArea(pts)) < 1e-12) return null;
  return pts;
}

/** Squared distance from point p to segment a–b, in the same units as the inputs. */
export function segDist2(p: XY, a: XY, b: XY): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const l2 = dx * dx + dy * dy;
  let t = l2 === 0 ? 0 : ((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / l2;
  t = Math.max(0, Math.min(1, t));
  const x = a[0] + t * dx - p[0];
  const y = a[1] + t * dy - p[1];
  return x * x + y * y;
}
