import { describe, expect, it } from 'vitest';
import {
  AreaInput,
  LineStringInput,
  PointInput,
  PolygonInput,
  geometryInput,
} from '../../server/src/contracts/geometry';

/** The issues zod reports, as `path: message` lines. */
function issues(
  schema: {
    safeParse: (v: unknown) => { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } };
  },
  value: unknown,
) {
  const result = schema.safeParse(value);
  return result.success ? [] : result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

const square = [
  [106.6, 26.6],
  [106.61, 26.6],
  [106.61, 26.61],
  [106.6, 26.61],
  [106.6, 26.6],
];

describe('geometry input', () => {
  it('takes valid Point, LineString, Polygon and MultiPolygon geometries unchanged', () => {
    const point = { type: 'Point', coordinates: [106.6, 26.6] };
    expect(PointInput.parse(point)).toEqual(point);
    const line = { type: 'LineString', coordinates: square.slice(0, 2) };
    expect(LineStringInput().parse(line)).toEqual(line);
    const polygon = { type: 'Polygon', coordinates: [square] };
    expect(PolygonInput().parse(polygon)).toEqual(polygon);
    const multi = { type: 'MultiPolygon', coordinates: [[square], [square]] };
    expect(AreaInput().parse(multi)).toEqual(multi);
    expect(AreaInput().parse(polygon)).toEqual(polygon);
  });

  it('refuses a wrong or missing type, naming the ones it takes', () => {
    expect(issues(AreaInput(), { type: 'Point', coordinates: [1, 2] })).toEqual([
      'type: type must be Polygon or MultiPolygon, not "Point"',
    ]);
    expect(issues(PolygonInput(), { coordinates: [square] })).toEqual(['type: type is missing; it must be Polygon']);
    expect(issues(PolygonInput(), [square])[0]).toMatch(/must be a GeoJSON geometry object/);
    expect(issues(PolygonInput(), null)[0]).toMatch(/must be a GeoJSON geometry object/);
    expect(issues(PolygonInput(), { type: 'Polygon' })).toEqual(['coordinates: coordinates are missing']);
    expect(issues(PolygonInput(), { type: 'Polygon', coordinates: [square], crs: {} })[0]).toMatch(
      /unknown member crs/,
    );
  });

  it('says which ring of which polygon is not closed', () => {
    const open = square.slice(0, 4).concat([[106.605, 26.6]]);
    expect(issues(AreaInput(), { type: 'MultiPolygon', coordinates: [[square], [square, open]] })).toEqual([
      'coordinates.1.1: polygon 1, ring 1 (hole 1) is not closed: its last position [106.605,26.6] must repeat its first [106.6,26.6]',
    ]);
  });

  it('needs at least four positions in a ring and two in a line', () => {
    const triangle = [square[0], square[1], square[0]];
    expect(issues(PolygonInput(), { type: 'Polygon', coordinates: [triangle] })).toEqual([
      'coordinates.0: ring 0 (the outer ring) has 3 positions; it needs at least 4',
    ]);
    expect(issues(PolygonInput(), { type: 'Polygon', coordinates: [] })).toEqual([
      'coordinates: the polygon has no rings; it needs an outer ring',
    ]);
    expect(issues(LineStringInput(), { type: 'LineString', coordinates: [[1, 2]] })).toEqual([
      'coordinates: the line has 1 position; it needs at least 2',
    ]);
  });

  it('hints that [lat, lng] was sent when the latitude is out of range but would be a longitude', () => {
    expect(issues(PointInput, { type: 'Point', coordinates: [26.6, 106.6] })).toEqual([
      'coordinates: the point has latitude 106.6, outside -90..90: coordinates look swapped: [lat, lng]? GeoJSON is [lng, lat]',
    ]);
    const swapped = square.map(([lng, lat]) => [lat, lng]);
    const found = issues(PolygonInput(), { type: 'Polygon', coordinates: [swapped] });
    expect(found[0]).toBe(
      'coordinates.0.0: ring 0 (the outer ring), position 0 has latitude 106.6, outside -90..90: coordinates look swapped: [lat, lng]? GeoJSON is [lng, lat]',
    );
    expect(found).toHaveLength(5);
  });

  it('refuses out-of-range longitudes and latitudes without the hint when swapping would not help', () => {
    expect(issues(PointInput, { type: 'Point', coordinates: [200, 10] })).toEqual([
      'coordinates: the point has longitude 200, outside -180..180',
    ]);
    expect(issues(PointInput, { type: 'Point', coordinates: [120, 95] })).toEqual([
      'coordinates: the point has latitude 95, outside -90..90',
    ]);
  });

  it('refuses non-numbers, Infinity (JSON 1e999) and positions of the wrong length', () => {
    expect(issues(PointInput, { type: 'Point', coordinates: ['106.6', 26.6] })).toEqual([
      'coordinates: the point must hold finite numbers; it holds "106.6", 26.6',
    ]);
    expect(issues(PointInput, JSON.parse('{"type":"Point","coordinates":[1e999,0]}'))).toEqual([
      'coordinates: the point must hold finite numbers; it holds Infinity, 0',
    ]);
    expect(issues(PointInput, { type: 'Point', coordinates: [1] })[0]).toMatch(/it has 1 numbers/);
    expect(issues(PointInput, { type: 'Point', coordinates: [1, 2, 3, 4] })[0]).toMatch(/it has 4 numbers/);
    expect(issues(PointInput, { type: 'Point', coordinates: [1, 2, 3] })).toEqual([]);
    const ring = [...square];
    ring[2] = null as never;
    expect(issues(PolygonInput(), { type: 'Polygon', coordinates: [ring] })).toEqual([
      'coordinates.0.2: ring 0 (the outer ring), position 2 must be a position [lng, lat], not null',
    ]);
  });

  it('caps the vertex count, per call', () => {
    const many = Array.from({ length: 200 }, (_, i) => [106 + i / 1000, 26 + (i % 2) / 1000]);
    const line = { type: 'LineString', coordinates: many };
    expect(issues(LineStringInput({ maxVertices: 100 }), line)).toEqual([
      'coordinates: the geometry has more than 100 positions; simplify it or split it',
    ]);
    expect(issues(LineStringInput({ maxVertices: 200 }), line)).toEqual([]);
    // The cap counts every ring of every polygon.
    const multi = { type: 'MultiPolygon', coordinates: [[square, square], [square]] };
    expect(issues(geometryInput(['MultiPolygon'], { maxVertices: 14 }), multi)).toEqual([
      'coordinates.1.0: the geometry has more than 14 positions; simplify it or split it',
    ]);
    expect(issues(geometryInput(['MultiPolygon'], { maxVertices: 15 }), multi)).toEqual([]);
  });

  it('lists at most ten problems, and says there may be more', () => {
    const bad = Array.from({ length: 50 }, () => [500, 0]);
    const found = issues(LineStringInput(), { type: 'LineString', coordinates: bad });
    expect(found).toHaveLength(11);
    expect(found[10]).toMatch(/only the first 10 problems are listed/);
  });
});
