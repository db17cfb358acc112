/** Shared builders for the editing tests: metric shapes at any latitude, frozen inputs, area checks. */
import { area, difference, featureCollection, intersect, union } from '@turf/turf';
import type { Feature, MultiPolygon, Polygon, Position } from 'geojson';
import { expect } from 'vitest';
import { localFrame } from '../../web/src/lib/editing/geometry/frame';
import type { GridFeature, GridGeometry } from '../../web/src/lib/editing';

/** Metres east/north of an origin → lng/lat, through the same affine frame the code documents. */
export function metric(origin: readonly number[]) {
  const frame = localFrame([...origin]);
  return (x: number, y: number): Position => frame.inverse([x, y]);
}

/** A polygon feature from rings given in metres around `origin` (rings are closed for you). */
export function polygonAt(
  origin: readonly number[],
  id: string,
  ...rings: [number, number][][]
): GridFeature<{ name: string }> {
  const at = metric(origin);
  return {
    type: 'Feature',
    id,
    properties: { name: id },
    geometry: {
      type: 'Polygon',
      coordinates: rings.map((r) => [...r, r[0] as [number, number]].map(([x, y]) => at(x, y))),
    },
  };
}

export const rectangle = (x0: number, y0: number, x1: number, y1: number): [number, number][] => [
  [x0, y0],
  [x1, y0],
  [x1, y1],
  [x0, y1],
];

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

const asFeature = (g: GridGeometry): Feature<Polygon | MultiPolygon> => ({
  type: 'Feature',
  properties: {},
  geometry: g,
});

export const areaOf = (g: GridGeometry | null | undefined) => (g ? area(asFeature(g)) : 0);

export function unionOf(geometries: GridGeometry[]): GridGeometry | null {
  if (geometries.length === 1) return geometries[0] as GridGeometry;
  return union(featureCollection(geometries.map(asFeature)))?.geometry ?? null;
}

/** Area of a ∩ b, with `measure` (geodesic m² by default). */
export function intersectionArea(
  a: GridGeometry,
  b: GridGeometry,
  measure: (g: GridGeometry) => number = areaOf,
): number {
  const g = intersect(featureCollection([asFeature(a), asFeature(b)]))?.geometry;
  return g ? measure(g) : 0;
}

/** Area of the symmetric difference: 0 when the two cover exactly the same ground. */
export function symmetricDifferenceArea(
  a: GridGeometry,
  b: GridGeometry,
  measure: (g: GridGeometry) => number = areaOf,
): number {
  const ab = difference(featureCollection([asFeature(a), asFeature(b)]))?.geometry;
  const ba = difference(featureCollection([asFeature(b), asFeature(a)]))?.geometry;
  return (ab ? measure(ab) : 0) + (ba ? measure(ba) : 0);
}

/**
 * Planar area in degrees² (shoelace on lng/lat), the measure in which pieces of a straight-edged
 * polygon add up exactly. turf's geodesic `area` does not quite: it evaluates each edge at its
 * endpoints, so a vertex inserted on an edge changes it (2e-7 relative on a real 500 m grid edge).
 */
export function planarArea(g: GridGeometry, origin: Position = [0, 0]): number {
  // Relative to a nearby origin: raw lng·lat products would cancel away the digits that matter.
  const [ox, oy] = origin as [number, number];
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates;
  let sum = 0;
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      let twice = 0;
      for (let k = 0; k + 1 < ring.length; k++) {
        const [x0, y0] = ring[k] as Position;
        const [x1, y1] = ring[k + 1] as Position;
        twice += ((x0 as number) - ox) * ((y1 as number) - oy) - ((x1 as number) - ox) * ((y0 as number) - oy);
      }
      sum += (i === 0 ? 1 : -1) * Math.abs(twice / 2);
    });
  }
  return sum;
}

/** Pieces tile the original: areas add up and cover the same ground (1e-9 relative), no two overlap. */
export function expectTiling(original: GridGeometry, pieces: GridGeometry[], relative = 1e-9) {
  const origin = (
    original.type === 'Polygon' ? original.coordinates[0]?.[0] : original.coordinates[0]?.[0]?.[0]
  ) as Position;
  const planarWhole = planarArea(original, origin);
  const planarSum = pieces.reduce((s, p) => s + planarArea(p, origin), 0);
  expect(Math.abs(planarSum - planarWhole) / planarWhole).toBeLessThan(relative);
  // Planar measures here too: turf's `area` gives hairline slivers (a crossing point a float's
  // width off its edge) an area they don't have on a straight-edged map.
  const measure = (g: GridGeometry) => planarArea(g, origin);
  const joined = unionOf(pieces);
  expect(joined).not.toBeNull();
  expect(symmetricDifferenceArea(original, joined as GridGeometry, measure) / planarWhole).toBeLessThan(relative);
  for (let i = 0; i < pieces.length; i++) {
    for (let j = i + 1; j < pieces.length; j++) {
      const overlap = intersectionArea(pieces[i] as GridGeometry, pieces[j] as GridGeometry, measure);
      expect(overlap / planarWhole).toBeLessThan(relative);
    }
  }
}

/** Deep equality with numbers compared to `tolerance` (golden files across machines). */
export function expectClose(actual: unknown, expected: unknown, tolerance = 1e-9, path = '$'): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), `${path}: ${String(actual)} vs ${expected}`).toBeLessThanOrEqual(
      tolerance * Math.max(1, Math.abs(expected)),
    );
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), path).toBe(true);
    expect((actual as unknown[]).length, `${path}.length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, tolerance, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object', path).toBeTruthy();
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [k, v] of Object.entries(expected))
      expectClose((actual as Record<string, unknown>)[k], v, tolerance, `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** JSON round trip: what a golden file holds (drops undefined, keeps numbers exact). */
export const asJson = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;
