/** splitByLine: hand-made cases with known answers, refusals, and a seeded property test. */
import { kinks } from '@turf/turf';
import type { LineString, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { splitByLine, type GridFeature } from '../../web/src/lib/editing';
import { mulberry32 } from '../support/random';
import { areaOf, deepFreeze, expectTiling, metric, polygonAt, rectangle } from './editing-support';

const GUIYANG: Position = [106.7, 26.6];

const lineAt = (origin: readonly number[], ...points: [number, number][]): LineString => {
  const at = metric(origin);
  return { type: 'LineString', coordinates: points.map(([x, y]) => at(x, y)) };
};

/** Geodesic areas from turf sit on a sphere: within 1 % of the metric answer at any latitude. */
const expectAbout = (actual_m2: number, expected_m2: number) =>
  expect(Math.abs(actual_m2 - expected_m2) / expected_m2).toBeLessThan(0.01);

function split(polygon: GridFeature, line: LineString, options = {}) {
  const result = splitByLine(deepFreeze(polygon), deepFreeze(line), options);
  if (!result.ok) throw new Error(`${result.reason}: ${result.message}`);
  return result;
}

describe('splitByLine', () => {
  for (const [label, origin, size_m] of [
    ['a 100 m square in Guiyang', GUIYANG, 100],
    ['a 100 m square on the equator', [10, 0], 100],
    ['a 100 m square at 60° N', [25, 60], 100],
    ['a 100 m square at 45° S', [-70, -45], 100],
    ['a 2 m square (a tiny zone)', GUIYANG, 2],
    ['a 20 km square (a rural village grid)', GUIYANG, 20_000],
  ] as const) {
    it(`halves ${label} with a line through its middle`, () => {
      const s = size_m;
      const square = polygonAt(origin, 'g', rectangle(0, 0, s, s));
      const result = split(square, lineAt(origin, [s / 2, -s / 5], [s / 2, s * 1.2]));
      expect(result.pieces).toHaveLength(2);
      expect(result.crossings).toBe(2);
      const [a, b] = result.pieces.map((p) => areaOf(p.geometry)) as [number, number];
      expectAbout(a, (s * s) / 2);
      expect(Math.abs(a - b) / a).toBeLessThan(1e-6); // turf's area at 2 m: float noise ~3e-9
      expectTiling(
        square.geometry,
        result.pieces.map((p) => p.geometry),
      );
      // Each half is 50 × 100 (in units of s/100): its vertices in metres.
      const back = metric(origin);
      const west = result.pieces.find((p) =>
        p.geometry.coordinates[0]?.some((q) => q === square.geometry.coordinates[0]?.[0]),
      );
      expect(west).toBeDefined();
      const ring = (west?.geometry.coordinates[0] ?? []) as Position[];
      const xs = ring.map((p) => (p[0] as number) - (back(0, 0)[0] as number));
      expect(Math.max(...xs) / (back(s / 2, 0)[0]! - back(0, 0)[0]!)).toBeCloseTo(1, 9);
    });
  }

  it('keeps the id, properties and exact vertices on the largest piece, and names the others', () => {
    const square = polygonAt(GUIYANG, 'g7', rectangle(0, 0, 100, 100));
    const result = split(square, lineAt(GUIYANG, [30, -10], [30, 110]), { newId: (k: number) => `new-${k}` });
    expect(result.pieces.map((p) => p.id)).toEqual(['g7', 'new-1']);
    expect(result.pieces.every((p) => p.properties === square.properties)).toBe(true);
    // Untouched corners are the input's own numbers (shared boundaries stay shared).
    const corners = square.geometry.coordinates[0]?.slice(0, 4) ?? [];
    const out = result.pieces.flatMap((p) => p.geometry.coordinates.flat(1) as Position[]);
    for (const c of corners) expect(out.some((p) => p[0] === c[0] && p[1] === c[1])).toBe(true);
  });

  it('cuts an L-shaped grid crossed four times into three pieces', () => {
    const ell = polygonAt(GUIYANG, 'L', [
      [0, 0],
      [100, 0],
      [100, 40],
      [40, 40],
      [40, 100],
      [0, 100],
    ]);
    const result = split(ell, lineAt(GUIYANG, [-10, 60], [60, 60], [60, -10]));
    expect(result.pieces).toHaveLength(3);
    expect(result.crossings).toBe(4);
    const areas = result.pieces.map((p) => areaOf(p.geometry));
    expectAbout(areas[0] as number, 3200);
    expectAbout(areas[1] as number, 1600);
    expectAbout(areas[2] as number, 1600);
    expectTiling(
      ell.geometry,
      result.pieces.map((p) => p.geometry),
    );
  });

  it('keeps a hole in the piece that holds it when the line passes beside it', () => {
    const holed = polygonAt(GUIYANG, 'h', rectangle(0, 0, 100, 100), rectangle(40, 40, 60, 60).reverse());
    const result = split(holed, lineAt(GUIYANG, [20, -10], [20, 110]));
    expect(result.pieces).toHaveLength(2);
    const [big, small] = result.pieces;
    expect(big?.geometry.coordinates).toHaveLength(2); // exterior + the hole
    expect(small?.geometry.coordinates).toHaveLength(1);
    expectAbout(areaOf(big?.geometry), 8000 - 400);
    expectAbout(areaOf(small?.geometry), 2000);
    expectTiling(
      holed.geometry,
      result.pieces.map((p) => p.geometry),
    );
  });

  it('opens a hole when the line runs through it: two U-shaped pieces, no holes', () => {
    const holed = polygonAt(GUIYANG, 'h', rectangle(0, 0, 100, 100), rectangle(40, 40, 60, 60).reverse());
    const result = split(holed, lineAt(GUIYANG, [50, -10], [50, 110]));
    expect(result.pieces).toHaveLength(2);
    expect(result.crossings).toBe(4);
    for (const p of result.pieces) {
      expect(p.geometry.coordinates).toHaveLength(1);
      expectAbout(areaOf(p.geometry), 4800);
    }
  });

  const twoSquares = (): GridFeature => {
    const a = polygonAt(GUIYANG, 'm', rectangle(0, 0, 100, 100));
    const b = polygonAt(GUIYANG, 'm', rectangle(200, 0, 300, 100));
    const rings = (f: GridFeature) => (f.geometry.type === 'Polygon' ? f.geometry.coordinates : []);
    return { ...a, geometry: { type: 'MultiPolygon', coordinates: [rings(a), rings(b)] } };
  };

  it('splits one part of a MultiPolygon; the other part joins the nearer piece', () => {
    const multi = twoSquares();
    const result = split(multi, lineAt(GUIYANG, [50, -10], [50, 110]));
    expect(result.pieces).toHaveLength(2);
    const [east, west] = result.pieces;
    expect(east?.geometry.type).toBe('MultiPolygon'); // 50..100 plus the far square
    expectAbout(areaOf(east?.geometry), 15_000);
    expectAbout(areaOf(west?.geometry), 5_000);
    expectTiling(
      multi.geometry,
      result.pieces.map((p) => p.geometry),
    );
  });

  it('can keep untouched parts as pieces of their own', () => {
    const result = split(twoSquares(), lineAt(GUIYANG, [50, -10], [50, 110]), { untouchedParts: 'separate' });
    expect(result.pieces.map((p) => Math.round(areaOf(p.geometry) / 1000))).toEqual([10, 5, 5]);
  });

  it('splits every part of a MultiPolygon the line crosses', () => {
    const multi = twoSquares();
    const result = split(multi, lineAt(GUIYANG, [-10, 50], [310, 50]));
    expect(result.pieces).toHaveLength(4);
    expectTiling(
      multi.geometry,
      result.pieces.map((p) => p.geometry),
    );
  });

  it('cuts through vertices and ignores the line where it runs along the boundary or dangles', () => {
    const square = polygonAt(GUIYANG, 'g', rectangle(0, 0, 100, 100));
    const diagonal = split(square, lineAt(GUIYANG, [-10, -10], [110, 110]));
    expect(diagonal.pieces).toHaveLength(2);
    for (const p of diagonal.pieces) {
      expect(p.geometry.coordinates[0]).toHaveLength(4); // a triangle
      expectAbout(areaOf(p.geometry), 5000);
    }
    const alongEdge = split(square, lineAt(GUIYANG, [-10, 0], [50, 0], [50, 110]));
    expect(alongEdge.pieces.map((p) => Math.round(areaOf(p.geometry) / 100))).toEqual([50, 50]);
    // The last leg enters at (70, 100) and stops inside: a dangle, ignored.
    const dangling = split(square, lineAt(GUIYANG, [50, -10], [50, 110], [70, 110], [70, 80]));
    expect(dangling.pieces).toHaveLength(2);
    expect(dangling.pieces.map((p) => Math.round(areaOf(p.geometry) / 100))).toEqual([50, 50]);
  });

  it('makes a loop of a self-crossing line a piece, and a touching hole of the piece around it', () => {
    const square = polygonAt(GUIYANG, 'g', rectangle(0, 0, 100, 100));
    // Enters at (0, 20), loops round the square 40..80 × 20..60, crosses itself at (40, 20), leaves at (40, 0).
    const result = split(square, lineAt(GUIYANG, [-10, 20], [80, 20], [80, 60], [40, 60], [40, -10]));
    expect(result.pieces).toHaveLength(3);
    const [rest, loop, corner] = result.pieces;
    expectAbout(areaOf(rest?.geometry), 7600);
    expect(rest?.geometry.coordinates).toHaveLength(2); // the loop is a hole touching its shell at (40, 20)
    expectAbout(areaOf(loop?.geometry), 1600);
    expectAbout(areaOf(corner?.geometry), 800);
    expectTiling(
      square.geometry,
      result.pieces.map((p) => p.geometry),
    );
  });

  it('refuses, with the number of crossings, a line that does not cross', () => {
    const square = deepFreeze(polygonAt(GUIYANG, 'g', rectangle(0, 0, 100, 100)));
    const intoIt = splitByLine(square, lineAt(GUIYANG, [50, -10], [50, 50]));
    expect(intoIt).toMatchObject({ ok: false, reason: 'line_does_not_cross' });
    expect(!intoIt.ok && intoIt.message).toMatch(/crosses the boundary 1 time/);
    const outside = splitByLine(square, lineAt(GUIYANG, [150, -10], [150, 110]));
    expect(outside).toMatchObject({ ok: false, reason: 'line_does_not_cross' });
    expect(!outside.ok && outside.message).toMatch(/crosses the boundary 0 time/);
    // Across a concave notch only: the line never enters the grid.
    const ell = polygonAt(GUIYANG, 'L', [
      [0, 0],
      [100, 0],
      [100, 40],
      [40, 40],
      [40, 100],
      [0, 100],
    ]);
    expect(splitByLine(ell, lineAt(GUIYANG, [60, 60], [90, 90]))).toMatchObject({ reason: 'line_does_not_cross' });
    expect(splitByLine(square, { type: 'LineString', coordinates: [[106.7, 26.6]] })).toMatchObject({
      ok: false,
      reason: 'not_a_line',
    });
  });

  it('tiles random concave polygons at random latitudes and sizes (seeded)', () => {
    const random = mulberry32(20260705);
    let splits = 0;
    let pieces = 0;
    for (let n = 0; n < 60; n++) {
      const origin: Position = [-170 + 340 * random(), -60 + 120 * random()];
      const radius_m = 10 ** (0.5 + 3.5 * random()); // 3 m .. 10 km
      const vertices = 5 + Math.floor(35 * random());
      const ring: [number, number][] = [];
      for (let k = 0; k < vertices; k++) {
        const angle = (2 * Math.PI * (k + 0.8 * random())) / vertices;
        const r = radius_m * (0.3 + 0.7 * random());
        ring.push([r * Math.cos(angle), r * Math.sin(angle)]);
      }
      const star = polygonAt(origin, `r${n}`, ring);
      // From outside, through one or two points inside, to outside again.
      const through: [number, number][] = [];
      for (let k = 0, m = 1 + Math.floor(2 * random()); k < m; k++) {
        through.push([(random() - 0.5) * 0.4 * radius_m, (random() - 0.5) * 0.4 * radius_m]);
      }
      const start = 2 * Math.PI * random();
      const end = start + Math.PI * (0.6 + 0.8 * random());
      const line = lineAt(origin, [1.5 * radius_m * Math.cos(start), 1.5 * radius_m * Math.sin(start)], ...through, [
        1.5 * radius_m * Math.cos(end),
        1.5 * radius_m * Math.sin(end),
      ]);
      const result = splitByLine(deepFreeze(star), line);
      if (!result.ok) {
        expect(result.reason).toBe('line_does_not_cross');
        continue;
      }
      splits++;
      pieces += result.pieces.length;
      expect(result.pieces.length).toBeGreaterThanOrEqual(2);
      // No ring crosses or touches itself (a hole may touch its shell at a point, as OGC allows).
      for (const p of result.pieces) {
        const rings = p.geometry.type === 'Polygon' ? p.geometry.coordinates : p.geometry.coordinates.flat(1);
        for (const ring of rings) expect(kinks({ type: 'Polygon', coordinates: [ring] }).features).toHaveLength(0);
      }
      expectTiling(
        star.geometry,
        result.pieces.map((p) => p.geometry),
      );
    }
    // A line from outside through the middle to outside always crosses a star-shaped polygon.
    expect(splits).toBe(60);
    expect(pieces).toBeGreaterThan(120);
  });
});
