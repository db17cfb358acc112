/** mergeAdjacent: seams that vanish, refusals for grids that only meet at a corner or not at all. */
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { mergeAdjacent, type GridFeature } from '../../web/src/lib/editing';
import { goldenCases, readGoldenInput } from '../support/golden';
import { mulberry32 } from '../support/random';
import { areaOf, deepFreeze, polygonAt, rectangle } from './editing-support';

const GUIYANG: Position = [106.7, 26.6];

describe('mergeAdjacent', () => {
  it('joins two squares sharing an edge into one 200 × 100 m rectangle', () => {
    const a = deepFreeze(polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100)));
    const b = deepFreeze(polygonAt(GUIYANG, 'b', rectangle(100, 0, 200, 100)));
    const result = mergeAdjacent(a, b);
    if (!result.ok) throw new Error(result.message);
    expect(result.merged.id).toBe('a');
    expect(result.merged.properties).toBe(a.properties);
    expect(result.removedId).toBe('b');
    expect(result.sharedBoundary_m).toBeCloseTo(100, 3); // frames centred apart: µm of scale drift
    expect(result.merged.geometry.type).toBe('Polygon');
    expect(result.merged.geometry.coordinates).toHaveLength(1);
    expect(Math.abs(result.area_m2 - areaOf(a.geometry) - areaOf(b.geometry))).toBeLessThan(1e-6);
  });

  it('leaves no sliver along a seam digitised twice, 1–4 cm apart (seeded noise)', () => {
    const random = mulberry32(7);
    for (let trial = 0; trial < 20; trial++) {
      const a = polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100));
      // b's own copy of x = 100: 2..9 vertices, each off by up to 4 cm, none equal to a's.
      const seam: [number, number][] = [];
      const n = 2 + Math.floor(8 * random());
      for (let k = n - 1; k >= 0; k--) {
        const y = k === n - 1 ? 100 : k === 0 ? 0 : (100 * (k + random() * 0.5)) / n;
        seam.push([100 + (random() - 0.5) * 0.08, y + (random() - 0.5) * 0.02]);
      }
      const b = polygonAt(GUIYANG, 'b', [[200, 0], [200, 100], ...seam]);
      const result = mergeAdjacent(deepFreeze(a), deepFreeze(b));
      if (!result.ok) throw new Error(result.message);
      expect(result.merged.geometry.type).toBe('Polygon');
      expect(result.merged.geometry.coordinates, `trial ${trial}: a seam hole survived`).toHaveLength(1);
      expect(Math.abs(result.area_m2 - 20_000 * (areaOf(a.geometry) / 10_000))).toBeLessThan(5);
      expect(result.sharedBoundary_m).toBeGreaterThan(99);
    }
  });

  it('merges overlapping grids (the union is the fix for the overlap)', () => {
    const a = polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100));
    const b = polygonAt(GUIYANG, 'b', rectangle(90, 0, 200, 100));
    const result = mergeAdjacent(a, b);
    expect(result.ok && result.merged.geometry.coordinates).toHaveLength(1);
  });

  it('refuses grids that meet only at a corner, or not at all, or a grid with itself', () => {
    const a = polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100));
    expect(mergeAdjacent(a, polygonAt(GUIYANG, 'b', rectangle(100, 100, 200, 200)))).toMatchObject({
      ok: false,
      reason: 'touch_at_point',
    });
    expect(mergeAdjacent(a, polygonAt(GUIYANG, 'b', rectangle(100.2, 0, 200, 100)))).toMatchObject({
      ok: false,
      reason: 'not_adjacent',
    });
    expect(mergeAdjacent(a, a)).toMatchObject({ ok: false, reason: 'same_feature' });
  });

  it('a gap wider than the tolerance is not snapped shut', () => {
    const a = polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100));
    const b = polygonAt(GUIYANG, 'b', rectangle(100.1, 0, 200, 100)); // 10 cm apart
    expect(mergeAdjacent(a, b, { tolerance_m: 0.05 })).toMatchObject({ reason: 'not_adjacent' });
    const wide = mergeAdjacent(a, b, { tolerance_m: 0.15 });
    expect(wide.ok && wide.merged.geometry.coordinates).toHaveLength(1);
  });

  it('merges two real adjacent demo grids into one polygon with their summed area', () => {
    expect(goldenCases('editing')).toContain('merge-demo-grids');
    const input = readGoldenInput<{ features: GridFeature[] }>('editing', 'merge-demo-grids');
    const [a, b] = input.features as [GridFeature, GridFeature];
    const result = mergeAdjacent(deepFreeze(a), deepFreeze(b));
    if (!result.ok) throw new Error(result.message);
    expect(result.merged.geometry.coordinates).toHaveLength(1);
    const sum = areaOf(a.geometry) + areaOf(b.geometry);
    expect(Math.abs(result.area_m2 - sum) / sum).toBeLessThan(1e-9);
    // They share three vertices (two edges): the shared length is those two edges.
    expect(result.sharedBoundary_m).toBeGreaterThan(100);
  });
});
