/** insertSharedVertex and removeSharedVertex: the rest of topological editing, in metres. */
import { describe, expect, it } from 'vitest';
import { insertSharedVertex, removeSharedVertex } from '../../web/src/lib/editing';
import { areaOf, deepFreeze, metric, polygonAt, rectangle } from './editing-support';

for (const [city, origin] of [
  ['Guiyang', [106.7, 26.6]],
  ['Tromsø', [18.95, 69.65]],
] as const) {
  describe(`shared edges (${city})`, () => {
    const at = metric(origin);
    // Two 100 m squares sharing the edge x = 100 (west: 0–100, east: 100–200), and one far away.
    const grids = () =>
      deepFreeze([
        polygonAt(origin, 'west', rectangle(0, 0, 100, 100)),
        polygonAt(origin, 'east', rectangle(100, 0, 200, 100)),
        polygonAt(origin, 'far', rectangle(400, 0, 500, 100)),
      ]);

    it('inserts a vertex put on a shared edge into the neighbour, at that very position', () => {
      const position = at(100, 40);
      const changed = insertSharedVertex(grids(), position);
      expect(changed.map((f) => f.id).sort()).toEqual(['east', 'west']);
      for (const feature of changed) {
        const ring = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates[0]! : [];
        expect(ring).toHaveLength(6);
        expect(ring.some((p) => p[0] === position[0] && p[1] === position[1])).toBe(true);
        // Inserting on an edge changes no area: 100 m × 100 m, to the frame's accuracy.
        expect(areaOf(feature.geometry) / 10_000 - 1).toBeLessThan(0.002);
      }
    });

    it('leaves edges farther than the tolerance alone, and grids that already have the vertex', () => {
      expect(insertSharedVertex(grids(), at(100.2, 40))).toEqual([]);
      expect(insertSharedVertex(grids(), at(100, 0))).toEqual([]);
    });

    it('removes a shared vertex from every grid that has it, keeping rings closed', () => {
      const withMid = insertSharedVertex(grids(), at(100, 40));
      const removed = removeSharedVertex(withMid, at(100, 40.01));
      expect(removed.map((f) => f.id).sort()).toEqual(['east', 'west']);
      for (const feature of removed) {
        const ring = feature.geometry.type === 'Polygon' ? feature.geometry.coordinates[0]! : [];
        expect(ring).toHaveLength(5);
        expect(ring[0]).toEqual(ring[4]);
      }
    });

    it('removes a corner that is the ring’s first position, and never leaves fewer than three corners', () => {
      // (100, 0) is the east square's first position: the closing repeat must follow.
      const [east] = removeSharedVertex(grids(), at(100, 0)).filter((f) => f.id === 'east');
      const ring = east!.geometry.type === 'Polygon' ? east!.geometry.coordinates[0]! : [];
      expect(ring).toHaveLength(4);
      expect(ring[0]).toEqual(ring[3]);
      // A triangle keeps its corners.
      const triangle = deepFreeze([
        polygonAt(origin, 't', [
          [0, 0],
          [10, 0],
          [0, 10],
        ]),
      ]);
      expect(removeSharedVertex(triangle, at(0, 0))).toEqual([]);
    });
  });
}
