/**
 * Golden isochrones: `tests/fixtures/isochrone/in/<case>.geojson` holds the roads (LineStrings with
 * {class, oneway}) and a foreign member `query: { origin, profile, minutes }`; `out/<case>.geojson`
 * holds the bands. Compared with tolerances (polygon and hole counts exact, areas within 1 %, every
 * expected vertex within 2 m of the actual boundary), not bytes. UPDATE_GOLDEN=1 rewrites `out/`.
 */
import type { FeatureCollection, LineString } from 'geojson';
import { describe, expect, it } from 'vitest';
import { buildGraph, isochrones, snapPoint } from '../../server/src/routing';
import type { IsochroneBand, Profile, RoadInput } from '../../server/src/routing/types';
import { golden, goldenCases, readGoldenInput } from '../support/golden';
import { distanceToBoundaryM } from '../support/routes';

type GoldenInput = FeatureCollection<LineString, { class: string; oneway: boolean }> & {
  query: { origin: [number, number]; profile: Profile; minutes: number[] };
};
type GoldenOutput = { type: 'FeatureCollection'; features: IsochroneBand[] };

describe('isochrone golden files', () => {
  for (const name of goldenCases('isochrone')) {
    it(name, () => {
      const input = readGoldenInput<GoldenInput>('isochrone', name);
      const roads: RoadInput[] = input.features.map((feature, i) => ({
        id: i + 1,
        class: feature.properties.class,
        oneway: feature.properties.oneway,
        coordinates: feature.geometry.coordinates as [number, number][],
      }));
      const graph = buildGraph(roads);
      const { origin, profile, minutes } = input.query;
      const snap = snapPoint(graph, origin[0], origin[1], profile);
      expect(snap).not.toBeNull();
      const actual: GoldenOutput = {
        type: 'FeatureCollection',
        features: isochrones(graph, profile, [snap!], minutes),
      };
      const expected = golden('isochrone', name, actual);
      expect(actual.features).toHaveLength(expected.features.length);
      actual.features.forEach((band, b) => {
        const want = expected.features[b]!;
        expect(band.properties.minutes).toBe(want.properties.minutes);
        expect(Math.abs(band.properties.area_m2 / want.properties.area_m2 - 1)).toBeLessThan(0.01);
        const shape = (f: IsochroneBand) => f.geometry.coordinates.map((polygon) => polygon.length);
        expect(shape(band)).toEqual(shape(want));
        for (const polygon of want.geometry.coordinates) {
          for (const ring of polygon) {
            for (const vertex of ring) expect(distanceToBoundaryM(band.geometry, vertex)).toBeLessThan(2);
          }
        }
      });
    });
  }
});
