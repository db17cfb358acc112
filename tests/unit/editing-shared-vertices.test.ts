/** sharedVertices and moveSharedVertex: topological editing within a tolerance in metres. */
import { describe, expect, it } from 'vitest';
import { moveSharedVertex, sharedVertices } from '../../web/src/lib/editing';
import { areaOf, deepFreeze, metric, polygonAt, rectangle } from './editing-support';

for (const [city, origin] of [
  ['Guiyang', [106.7, 26.6]],
  ['Tromsø', [18.95, 69.65]],
] as const) {
  describe(`shared vertices (${city})`, () => {
    const at = metric(origin);
    const grids = () =>
      deepFreeze([
        polygonAt(origin, 'sw', rectangle(0, 0, 100, 100)),
        polygonAt(origin, 'se', rectangle(100, 0, 200, 100)),
        // nw's copy of the shared corner is 2 cm off: within the 5 cm tolerance.
        polygonAt(origin, 'nw', [
          [0, 100],
          [100.02, 100],
          [100, 200],
          [0, 200],
        ]),
        polygonAt(origin, 'ne', rectangle(100, 100, 200, 200)),
        polygonAt(origin, 'far', rectangle(300, 300, 400, 400)),
      ]);

    it('finds the vertices two or more grids share', () => {
      const shared = sharedVertices(grids(), 0.05);
      const corner = shared.find((s) => s.ids.length === 4);
      expect(corner?.ids.sort()).toEqual(['ne', 'nw', 'se', 'sw']);
      expect(corner?.members).toHaveLength(4);
      // The centre, plus the middle of each outer side: (100, 0), (0, 100), (200, 100), (100, 200).
      expect(shared).toHaveLength(5);
      // At 1 cm, nw's copy of the centre (2 cm off) is a vertex of its own.
      const strict = sharedVertices(grids(), 0.01);
      expect(strict).toHaveLength(5);
      expect(strict.find((s) => s.ids.length === 3)?.ids.sort()).toEqual(['ne', 'se', 'sw']);
    });

    it('moves a shared corner in every grid and returns only those', () => {
      const before = grids();
      const result = moveSharedVertex(before, at(100, 100), at(110, 105), 0.05);
      if (!result.ok) throw new Error(result.message);
      expect(result.changed.map((g) => g.id).sort()).toEqual(['ne', 'nw', 'se', 'sw']);
      expect(result.moved).toBe(4);
      const to = at(110, 105);
      for (const g of result.changed) expect(g.geometry.coordinates[0]).toContainEqual(to);
      // An inner corner: no gap and no overlap opens, so the four areas still add up to the same.
      const sum = (gs: typeof before) => gs.reduce((s, g) => s + areaOf(g.geometry), 0);
      const unchanged = before.filter((g) => g.id === 'far');
      // (Before the move nw's 2 cm offset overlapped ne by 1 m²; after it the four tile exactly.)
      const tiled = [
        rectangle(0, 0, 100, 100),
        rectangle(100, 0, 200, 100),
        rectangle(0, 100, 100, 200),
        rectangle(100, 100, 200, 200),
      ];
      const exact = tiled.reduce((s, r) => s + areaOf(polygonAt(origin, 'x', r).geometry), 0);
      expect(Math.abs(sum(result.changed) - exact)).toBeLessThan(0.01);
      expect(Math.abs(sum(before.filter((g) => g.id !== 'far')) - exact - 1)).toBeLessThan(0.01);
      expect(unchanged).toHaveLength(1);
    });

    it('leaves vertices beyond the tolerance alone, and refuses moves that tangle a ring', () => {
      const result = moveSharedVertex(grids(), at(100, 100), at(110, 105), 0.01);
      expect(result.ok && result.changed.map((g) => g.id).sort()).toEqual(['ne', 'se', 'sw']);
      expect(moveSharedVertex(grids(), at(50, 50), at(60, 60), 0.05)).toMatchObject({ ok: false, reason: 'no_vertex' });
      // Dragging (100, 0) up past y = 100 makes sw's ring cross itself.
      expect(moveSharedVertex(grids(), at(100, 0), at(50, 150), 0.05)).toMatchObject({
        ok: false,
        reason: 'self_intersection',
      });
    });
  });
}
