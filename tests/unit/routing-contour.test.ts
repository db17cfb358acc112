import { contours } from 'd3-contour';
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { traceZeroContour } from '../../server/src/routing/contour';
import { mulberry32 } from '../support/random';

const twiceArea = (ring: Position[]) => {
  let sum = 0;
  for (let k = 1; k < ring.length; k++) sum += ring[k - 1]![0]! * ring[k]![1]! - ring[k]![0]! * ring[k - 1]![1]!;
  return sum;
};

/** A ring as a canonical string: its vertex set, rounded (rings may start anywhere and run either way). */
const ringKey = (ring: Position[]) =>
  ring
    .slice(0, -1)
    .map(([x, y]) => `${x!.toFixed(9)},${y!.toFixed(9)}`)
    .sort()
    .join(' ');

function contains(ring: Position[], [x, y]: Position): boolean {
  let inside = false;
  for (let k = 0, prev = ring.length - 1; k < ring.length; prev = k++) {
    const [xk, yk] = ring[k]!;
    const [xp, yp] = ring[prev]!;
    if (yk! > y! !== yp! > y! && x! < ((xp! - xk!) * (y! - yk!)) / (yp! - yk!) + xk!) inside = !inside;
  }
  return inside;
}

/** Random blobs plus noise (which makes saddles), with the border forced below zero. */
function randomField(seed: number, nx: number, ny: number, noise: number): Float64Array {
  const random = mulberry32(seed);
  const blobs = Array.from({ length: 6 }, () => ({
    x: random() * nx,
    y: random() * ny,
    r: 2 + random() * 6,
    w: random() < 0.3 ? -1.5 : 1,
  }));
  const field = new Float64Array(nx * ny);
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let v = -0.4 + (random() - 0.5) * noise;
      for (const b of blobs) v += b.w * Math.exp(-((i - b.x) ** 2 + (j - b.y) ** 2) / (2 * b.r ** 2));
      const border = i === 0 || j === 0 || i === nx - 1 || j === ny - 1;
      field[j * nx + i] = border ? -1 : v;
    }
  }
  return field;
}

describe('traceZeroContour', () => {
  it('traces the same rings as d3-contour on random fields, saddles included', () => {
    let rings = 0;
    let holes = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const nx = 20 + (seed % 17);
      const ny = 15 + (seed % 11);
      const field = randomField(seed, nx, ny, seed % 2 ? 0.6 : 0.05);
      const ours = traceZeroContour(field, nx, ny);
      // d3-contour puts sample (i, j) at (i + 0.5, j + 0.5).
      const theirs = contours()
        .size([nx, ny])
        .contour(Array.from(field), 0)
        .coordinates.map((polygon) => polygon.map((ring) => ring.map(([x, y]) => [x! - 0.5, y! - 0.5])));
      const exteriors = (polygons: Position[][][]) => polygons.map((p) => ringKey(p[0]!)).sort();
      const holeKeys = (polygons: Position[][][]) =>
        polygons
          .flatMap((p) => p.slice(1))
          .map(ringKey)
          .sort();
      expect(exteriors(ours)).toEqual(exteriors(theirs));
      expect(holeKeys(ours)).toEqual(holeKeys(theirs));
      for (const polygon of ours) {
        expect(twiceArea(polygon[0]!)).toBeGreaterThan(0);
        for (const hole of polygon.slice(1)) {
          expect(twiceArea(hole)).toBeLessThan(0);
          // Each hole sits in the smallest exterior that contains it.
          const holders = ours.filter((p) => contains(p[0]!, hole[0]!));
          const smallest = holders.reduce((a, b) => (twiceArea(a[0]!) <= twiceArea(b[0]!) ? a : b));
          expect(smallest).toBe(polygon);
        }
        for (const ring of polygon) expect(ring[0]).toEqual(ring[ring.length - 1]);
      }
      rings += ours.length;
      holes += ours.reduce((n, p) => n + p.length - 1, 0);
    }
    // The fields really exercised polygons and holes.
    expect(rings).toBeGreaterThan(100);
    expect(holes).toBeGreaterThan(10);
  });

  it('gives a hole inside an island inside another hole to the island', () => {
    // Concentric bands: inside for r < 2, 4 < r < 6 and 8 < r < 10.
    const n = 25;
    const field = new Float64Array(n * n);
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        const r = Math.hypot(i - 12, j - 12);
        field[j * n + i] = r < 2 || (r > 4 && r < 6) || (r > 8 && r < 10) ? 1 : -1;
      }
    }
    const polygons = traceZeroContour(field, n, n);
    expect(polygons.map((p) => p.length).sort()).toEqual([1, 2, 2]);
    const radius = (ring: Position[]) => Math.max(...ring.map(([x, y]) => Math.hypot(x! - 12, y! - 12)));
    const byOuter = polygons.map((p) => p.map(radius)).sort((a, b) => a[0]! - b[0]!);
    expect(byOuter[0]![0]).toBeLessThan(3);
    expect(byOuter[1]![0]).toBeGreaterThan(5.5);
    expect(byOuter[1]![0]).toBeLessThan(7);
    expect(byOuter[1]![1]).toBeLessThan(5); // the r = 4 hole goes to the r = 6 island, not the r = 10 ring
    expect(byOuter[2]![1]).toBeGreaterThan(7.5);
    expect(byOuter[2]![1]).toBeLessThan(9);
  });

  it('interpolates the crossing linearly between samples', () => {
    const field = new Float64Array(16).fill(-1);
    field[5] = 3; // sample (1, 1); its neighbours are −1, so each crossing is 3 / 4 of the way out
    const [[ring]] = traceZeroContour(field, 4, 4) as [[Position[]]];
    expect(
      ring
        .slice(0, -1)
        .map(([x, y]) => [x, y])
        .sort(),
    ).toEqual(
      [
        [1, 0.25],
        [1.75, 1],
        [1, 1.75],
        [0.25, 1],
      ].sort(),
    );
  });

  it('refuses a field that touches its border', () => {
    const field = new Float64Array(9).fill(-1);
    field[1] = 1;
    expect(() => traceZeroContour(field, 3, 3)).toThrow(/border/);
  });
});
