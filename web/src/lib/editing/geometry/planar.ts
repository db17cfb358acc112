/** Plane geometry on [x, y] pairs in a local metric frame (metres). */
import type { Position } from 'geojson';

export type XY = readonly [number, number] | Position;

/** The signed area (shoelace), positive for a counter-clockwise ring. */
export function signedArea(ring: readonly XY[]): number {
  let sum = 0;
  for (let i = 0, n = ring.length; i < n; i++) {
    const a = ring[i] as XY;
    const b = ring[(i + 1) % n] as XY;
    sum += (a[0] as number) * (b[1] as number) - (b[0] as number) * (a[1] as number);
  }
  return sum / 2;
}

/** Even-odd point in ring; a point on the boundary may land either way (callers test distance). */
export function pointInRing(x: number, y: number, ring: readonly XY[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const xi = ring[i]?.[0] as number;
    const yi = ring[i]?.[1] as number;
    const xj = ring[j]?.[0] as number;
    const yj = ring[j]?.[1] as number;
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Distance from (px, py) to the segment a–b, and the segment parameter of the nearest point. */
export function pointSegment(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
): { distance: number; t: number } {
  const dx = bx - ax;
  const dy = by - ay;
  const length2 = dx * dx + dy * dy;
  let t = length2 === 0 ? 0 : ((px - ax) * dx + (py - ay) * dy) / length2;
  t = Math.max(0, Math.min(1, t));
  return { distance: Math.hypot(px - (ax + t * dx), py - (ay + t * dy)), t };
}
