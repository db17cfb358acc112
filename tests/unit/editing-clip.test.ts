/** clipToParent, clipToNeighbours and deleteGrid, with areas worked out by hand. */
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { clipToNeighbours, clipToParent, deleteGrid } from '../../web/src/lib/editing';
import { areaOf, deepFreeze, polygonAt, rectangle } from './editing-support';

const GUIYANG: Position = [106.7, 26.6];
const HARBIN: Position = [126.6, 45.8];
/** turf's spherical area, against the metric answer: within 1 %. */
const expectAbout = (actual_m2: number, expected_m2: number) =>
  expect(Math.abs(actual_m2 - expected_m2) / expected_m2).toBeLessThan(0.01);

describe('clipToParent', () => {
  for (const [city, origin] of [
    ['Guiyang', GUIYANG],
    ['Harbin', HARBIN],
  ] as const) {
    it(`cuts off the half of a grid outside its community (${city})`, () => {
      const community = deepFreeze(polygonAt(origin, 'c', rectangle(0, 0, 1000, 1000)));
      const grid = deepFreeze(polygonAt(origin, 'g', rectangle(950, 0, 1050, 100)));
      const result = clipToParent(grid, community);
      if (!result.ok) throw new Error(result.message);
      expectAbout(result.removed_m2, 5000);
      expectAbout(areaOf(result.clipped.geometry), 5000);
      expect(result.clipped.id).toBe('g');
      expect(Math.abs(areaOf(result.clipped.geometry) + result.removed_m2 - areaOf(grid.geometry))).toBeLessThan(1e-6);
    });
  }

  it('changes nothing for a grid inside, and refuses one wholly outside', () => {
    const community = polygonAt(GUIYANG, 'c', rectangle(0, 0, 1000, 1000));
    const inside = clipToParent(polygonAt(GUIYANG, 'g', rectangle(10, 10, 20, 20)), community);
    expect(inside.ok && inside.removed_m2).toBe(0);
    expect(inside.ok && inside.removed).toBeNull();
    expect(clipToParent(polygonAt(GUIYANG, 'g', rectangle(2000, 0, 2100, 100)), community)).toMatchObject({
      ok: false,
      reason: 'outside_parent',
    });
  });

  it('clips a zone to its grid the same way', () => {
    const grid = polygonAt(GUIYANG, 'g', rectangle(0, 0, 100, 100));
    const zone = polygonAt(GUIYANG, 'z', rectangle(-10, -10, 50, 50));
    const result = clipToParent(zone, grid);
    expect(result.ok && Math.round(areaOf(result.clipped.geometry) / 100)).toBe(25);
  });
});

describe('clipToNeighbours', () => {
  it('takes only the free space and reports each overlap', () => {
    const edited = deepFreeze(polygonAt(GUIYANG, 'new', rectangle(0, 0, 100, 100)));
    const west = polygonAt(GUIYANG, 'west', rectangle(-50, 0, 20, 100)); // 20 × 100 overlap
    const north = polygonAt(GUIYANG, 'north', rectangle(0, 90, 100, 150)); // 100 × 10 overlap
    const beside = polygonAt(GUIYANG, 'beside', rectangle(100, 0, 200, 100)); // shares an edge only
    const result = clipToNeighbours(edited, deepFreeze([west, north, beside, edited]));
    if (!result.ok) throw new Error(result.message);
    expect(result.overlaps.map((o) => o.id)).toEqual(['west', 'north']);
    expectAbout(result.overlaps[0]?.overlap_m2 as number, 2000);
    expectAbout(result.overlaps[1]?.overlap_m2 as number, 1000);
    expectAbout(areaOf(result.clipped.geometry), 80 * 90);
    expectAbout(result.removed_m2, 10_000 - 7200);
  });

  it('returns the feature unchanged when nothing overlaps, and refuses when nothing is free', () => {
    const edited = polygonAt(GUIYANG, 'new', rectangle(0, 0, 100, 100));
    const none = clipToNeighbours(edited, [polygonAt(GUIYANG, 'far', rectangle(500, 500, 600, 600))]);
    expect(none.ok && none.clipped).toBe(edited);
    expect(none.ok && none.overlaps).toEqual([]);
    expect(clipToNeighbours(edited, [polygonAt(GUIYANG, 'big', rectangle(-10, -10, 110, 110))])).toMatchObject({
      ok: false,
      reason: 'covered_by_neighbours',
    });
  });
});

describe('deleteGrid', () => {
  it('returns the remaining grids and the gap the deleted one leaves', () => {
    const grids = deepFreeze([
      polygonAt(GUIYANG, 'a', rectangle(0, 0, 100, 100)),
      polygonAt(GUIYANG, 'b', rectangle(100, 0, 200, 100)),
      polygonAt(GUIYANG, 'c', rectangle(150, 50, 250, 150)), // overlaps b by 50 × 50
    ]);
    const result = deleteGrid(grids, 'b');
    if (!result.ok) throw new Error(result.message);
    expect(result.remaining.map((g) => g.id)).toEqual(['a', 'c']);
    expect(result.deleted.id).toBe('b');
    // c still covers a quarter of b: the gap is the other three quarters.
    expectAbout(result.gap?.properties.area_m2 as number, 7500);
    expect(result.gap?.properties).toMatchObject({ kind: 'gap', formerId: 'b' });
    expect(deleteGrid(grids, 'nope')).toMatchObject({ ok: false, reason: 'not_found' });
  });
});
