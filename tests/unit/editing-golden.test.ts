/**
 * Golden GeoJSON for the editing actions (after Turf): tests/fixtures/editing/in/<case>.geojson holds
 * the inputs, each feature tagged with `properties.role`; out/<case>.geojson the result. The case
 * name's prefix picks the action. UPDATE_GOLDEN=1 rewrites out/ (look at it in a viewer first).
 * Every case also has independent assertions, so a wrong golden file can't pass unnoticed.
 */
import { featureCollection, union } from '@turf/turf';
import type { Feature, FeatureCollection, LineString, Point, Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import {
  clipToNeighbours,
  mergeAdjacent,
  moveSharedVertex,
  splitByLine,
  type GridFeature,
  type GridGeometry,
} from '../../web/src/lib/editing';
import { golden, goldenCases, readGoldenInput } from '../support/golden';
import { areaOf, asJson, deepFreeze, expectClose, expectTiling, metric } from './editing-support';

type Input = FeatureCollection & { description: string };
const FEATURE = 'editing';

const withRole = (input: Input, role: string) => input.features.filter((f) => f.properties?.role === role);
const grid = (f: Feature) => f as unknown as GridFeature;
const round = (x: number) => Math.round(x * 1000) / 1000;

function run(name: string, input: Input): { output: FeatureCollection; check: () => void } {
  if (name.startsWith('split-')) {
    const polygon = grid(withRole(input, 'grid')[0] as Feature);
    const line = (withRole(input, 'line')[0] as Feature<LineString>).geometry;
    const result = splitByLine(polygon, line);
    if (!result.ok) throw new Error(result.message);
    return {
      output: {
        type: 'FeatureCollection',
        features: result.pieces.map((p) => ({
          ...p,
          properties: { ...p.properties, area_m2: round(areaOf(p.geometry)) },
        })),
      },
      check: () => {
        expect(result.pieces.length).toBeGreaterThanOrEqual(2);
        expectTiling(
          polygon.geometry,
          result.pieces.map((p) => p.geometry),
        );
      },
    };
  }
  if (name.startsWith('merge-')) {
    const a = grid(withRole(input, 'a')[0] as Feature);
    const b = grid(withRole(input, 'b')[0] as Feature);
    const result = mergeAdjacent(a, b);
    if (!result.ok) throw new Error(result.message);
    return {
      output: {
        type: 'FeatureCollection',
        features: [
          {
            ...result.merged,
            properties: {
              ...result.merged.properties,
              area_m2: round(result.area_m2),
              removedId: result.removedId,
              sharedBoundary_m: round(result.sharedBoundary_m),
            },
          },
        ],
      },
      check: () => {
        // One polygon, no seam left as a hole, and the areas add up (to the snapping's few cm²).
        expect(result.merged.geometry.type).toBe('Polygon');
        expect(result.merged.geometry.coordinates).toHaveLength(1);
        expect(Math.abs(result.area_m2 - areaOf(a.geometry) - areaOf(b.geometry))).toBeLessThan(10);
      },
    };
  }
  if (name.startsWith('clip-neighbours-')) {
    const edited = grid(withRole(input, 'edited')[0] as Feature);
    const neighbours = withRole(input, 'neighbour').map(grid);
    const result = clipToNeighbours(edited, neighbours);
    if (!result.ok) throw new Error(result.message);
    return {
      output: {
        type: 'FeatureCollection',
        features: [
          { ...result.clipped, properties: { ...result.clipped.properties, removed_m2: round(result.removed_m2) } },
          ...result.overlaps.map((o) => ({
            type: 'Feature' as const,
            properties: { overlapWith: o.id, overlap_m2: round(o.overlap_m2) },
            geometry: o.overlap,
          })),
        ],
      },
      check: () => {
        for (const n of neighbours) {
          const left = areaOf(result.clipped.geometry) + areaOf(n.geometry);
          const joined = areaOf(mergeFree(result.clipped.geometry, n.geometry));
          expect(Math.abs(left - joined)).toBeLessThan(1e-3); // no overlap left with any neighbour
        }
      },
    };
  }
  if (name.startsWith('move-vertex-')) {
    const grids = withRole(input, 'grid').map(grid);
    const from = (withRole(input, 'from')[0] as Feature<Point>).geometry.coordinates;
    const to = (withRole(input, 'to')[0] as Feature<Point>).geometry.coordinates;
    const result = moveSharedVertex(grids, from, to, 0.05);
    if (!result.ok) throw new Error(result.message);
    return {
      output: { type: 'FeatureCollection', features: result.changed },
      check: () => {
        const changedIds = new Set(result.changed.map((c) => c.id));
        const sharers = grids.filter((g) => hasVertexNear(g, from, 0.05, metric(from)));
        // Exactly the grids that had the vertex changed, and each now has `to` and not `from`.
        expect([...changedIds].sort()).toEqual(sharers.map((g) => g.id).sort());
        for (const c of result.changed) {
          const positions = (c.geometry.type === 'Polygon' ? [c.geometry.coordinates] : c.geometry.coordinates).flat(2);
          expect(positions).toContainEqual(to);
          expect(hasVertexNear(c, from, 0.05, metric(from))).toBe(false);
        }
      },
    };
  }
  throw new Error(`No action for golden case ${name}`);
}

/** Whether a grid has a vertex within `tolerance_m` of `p` (metres via the test's own frame). */
function hasVertexNear(g: GridFeature, p: Position, tolerance_m: number, at: (x: number, y: number) => Position) {
  const perMetre = [(at(1, 0)[0] as number) - (p[0] as number), (at(0, 1)[1] as number) - (p[1] as number)];
  const positions = (g.geometry.type === 'Polygon' ? [g.geometry.coordinates] : g.geometry.coordinates).flat(2);
  return positions.some(
    (q) =>
      Math.hypot(
        ((q[0] as number) - (p[0] as number)) / (perMetre[0] as number),
        ((q[1] as number) - (p[1] as number)) / (perMetre[1] as number),
      ) <= tolerance_m,
  );
}

function mergeFree(a: GridGeometry, b: GridGeometry): GridGeometry | null {
  return (
    union(
      featureCollection([
        { type: 'Feature', properties: {}, geometry: a },
        { type: 'Feature', properties: {}, geometry: b },
      ]),
    )?.geometry ?? null
  );
}

describe('editing golden cases', () => {
  const cases = goldenCases(FEATURE);
  it('has cases for split, merge, clip-to-neighbours and shared-vertex moves', () => {
    for (const prefix of ['split-', 'merge-', 'clip-neighbours-', 'move-vertex-']) {
      expect(
        cases.some((c) => c.startsWith(prefix)),
        prefix,
      ).toBe(true);
    }
  });
  for (const name of cases) {
    it(name, () => {
      const input = deepFreeze(readGoldenInput<Input>(FEATURE, name));
      const { output, check } = run(name, input);
      check();
      const actual = asJson(output);
      expectClose(actual, golden(FEATURE, name, actual), 1e-12);
    });
  }
});
