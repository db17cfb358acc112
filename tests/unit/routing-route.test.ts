import { describe, expect, it } from 'vitest';
import { buildGraph, routeTo, search, snapPoint, timesAndRoutes, travelTimes } from '../../server/src/routing';
import type { Profile, RoadInput } from '../../server/src/routing/types';
import { geodesicDistanceM } from '../support/geodesy';
import { mulberry32 } from '../support/random';
import { at, gridRoads, road } from '../support/routes';

const lengthM = (coordinates: [number, number][]) =>
  coordinates.slice(1).reduce((sum, p, i) => sum + geodesicDistanceM(coordinates[i]!, p), 0);

describe('routeTo', () => {
  it('follows the one way round a block that a oneway street forbids to cars', () => {
    // A 200 m block; the south side (0,0)→(200,0) is oneway eastbound.
    const graph = buildGraph([
      road(
        'residential',
        [
          [0, 0],
          [200, 0],
        ],
        true,
      ),
      road('residential', [
        [200, 0],
        [200, 200],
      ]),
      road('residential', [
        [200, 200],
        [0, 200],
      ]),
      road('residential', [
        [0, 200],
        [0, 0],
      ]),
    ]);
    const from = snapPoint(graph, ...at(150, 0), 'car')!;
    const to = snapPoint(graph, ...at(50, 0), 'car')!;
    const car = routeTo(graph, 'car', search(graph, 'car', [from], Infinity), to)!;
    // Against the oneway is forbidden: east 50, round the block (600), then 50 along the south side.
    expect(car.distance_m).toBeCloseTo(50 + 600 + 50, 0);
    expect(lengthM(car.coordinates)).toBeCloseTo(car.distance_m, 0);
    const walk = routeTo(
      graph,
      'walk',
      search(graph, 'walk', [snapPoint(graph, ...at(150, 0), 'walk')!], Infinity),
      to,
    )!;
    expect(walk.distance_m).toBeCloseTo(100, 1);
    expect(walk.coordinates).toHaveLength(2);
  });

  it('matches the travel-time matrix and its own length on random grids, for every profile', () => {
    const random = mulberry32(7);
    const classes = ['residential', 'primary', 'footway', 'service', 'cycleway'];
    for (let trial = 0; trial < 6; trial++) {
      const roads: RoadInput[] = gridRoads(6, 5, 150).map((r, i) => ({
        ...r,
        class: classes[Math.floor(random() * classes.length)]!,
        oneway: random() < 0.2,
        id: i,
      }));
      const graph = buildGraph(roads);
      for (const profile of ['walk', 'ebike', 'car'] as Profile[]) {
        const origin = snapPoint(graph, ...at(random() * 750, random() * 600), profile, 2000);
        if (!origin) continue;
        const targets = Array.from({ length: 12 }, () =>
          snapPoint(graph, ...at(random() * 750, random() * 600), profile, 2000),
        ).filter((t) => t !== null);
        const matrix = travelTimes(graph, profile, [origin], targets, Infinity);
        const { times, best } = timesAndRoutes(
          graph,
          profile,
          origin,
          targets,
          targets.map(() => 0),
          Infinity,
          5,
        );
        expect(Array.from(times)).toEqual(Array.from(matrix));
        const finite = Array.from(times.keys()).filter((t) => Number.isFinite(times[t]));
        expect(best.map((b) => b.target)).toEqual(finite.sort((a, b) => times[a]! - times[b]! || a - b).slice(0, 5));
        for (const { target, route } of best) {
          expect(route.network_s).toBe(times[target]);
          expect(route.coordinates[0]![0]).toBeCloseTo(origin.point[0], 9);
          expect(route.coordinates.at(-1)![1]).toBeCloseTo(targets[target]!.point[1], 9);
          // The polyline is the path it reports: its length is the route's distance.
          expect(Math.abs(lengthM(route.coordinates) - route.distance_m)).toBeLessThan(0.5);
        }
      }
    }
  });
});
