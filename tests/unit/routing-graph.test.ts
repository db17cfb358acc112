import { describe, expect, it } from 'vitest';
import { buildGraph, pointAlongEdge, profileCosts, snapPoint, speedMetersPerSecond } from '../../server/src/routing';
import { geodesicDistanceM } from '../support/geodesy';
import { at, road } from '../support/routes';

describe('profiles', () => {
  it('gives slip roads of ordinary roads their road speed, and every imported class a rule', () => {
    for (const profile of ['walk', 'ebike', 'car'] as const) {
      for (const base of ['primary', 'secondary', 'tertiary']) {
        expect(speedMetersPerSecond(profile, `${base}_link`)).toBe(speedMetersPerSecond(profile, base));
      }
    }
    // Motorway and trunk ramps keep their own rules: no walking or e-bikes on them.
    expect(speedMetersPerSecond('walk', 'trunk_link')).toBeNull();
    expect(speedMetersPerSecond('ebike', 'motorway_link')).toBeNull();
    expect(speedMetersPerSecond('car', 'motorway_link')).toBeGreaterThan(0);
  });

  it('walks at 4.8 km/h everywhere but motorways', () => {
    expect(speedMetersPerSecond('walk', 'footway')).toBeCloseTo(4.8 / 3.6, 9);
    expect(speedMetersPerSecond('walk', 'trunk')).toBeCloseTo(4.8 / 3.6, 9);
    expect(speedMetersPerSecond('walk', 'motorway')).toBeNull();
    expect(speedMetersPerSecond('walk', 'motorway_link')).toBeNull();
  });

  it('keeps e-bikes off motorways and pedestrian-only ways, under 25 km/h', () => {
    for (const cls of ['motorway', 'motorway_link', 'footway', 'steps', 'pedestrian']) {
      expect(speedMetersPerSecond('ebike', cls)).toBeNull();
    }
    expect(speedMetersPerSecond('ebike', 'primary')).toBeCloseTo(15 / 3.6, 9);
    expect(speedMetersPerSecond('ebike', 'cycleway')).not.toBeNull();
    expect(speedMetersPerSecond('ebike', 'path')).not.toBeNull();
    for (const cls of ['primary', 'cycleway', 'trunk', 'track', 'whatever']) {
      expect(speedMetersPerSecond('ebike', cls) ?? 0).toBeLessThanOrEqual(25 / 3.6);
    }
  });

  it('keeps cars on roads, faster on bigger ones', () => {
    for (const cls of ['footway', 'path', 'steps', 'pedestrian', 'cycleway']) {
      expect(speedMetersPerSecond('car', cls)).toBeNull();
    }
    const speed = (cls: string) => speedMetersPerSecond('car', cls)!;
    expect(speed('motorway')).toBeGreaterThan(speed('primary'));
    expect(speed('primary')).toBeGreaterThan(speed('residential'));
  });

  it('treats unknown classes as unclassified', () => {
    for (const profile of ['walk', 'ebike', 'car'] as const) {
      expect(speedMetersPerSecond(profile, 'busway')).toBe(speedMetersPerSecond(profile, 'unclassified'));
    }
  });
});

describe('buildGraph', () => {
  const roads = Object.freeze([
    road('residential', [
      [0, 0],
      [100, 0],
      [100, 100],
    ]),
    road('residential', [
      [100, 100],
      [200, 100],
    ]),
    road('footway', [
      [0, 0],
      [0, 300],
    ]),
    road('residential', [[5, 5]]), // degenerate: skipped
  ]);
  const graph = buildGraph(roads);

  it('makes nodes of endpoints only, never of interior vertices', () => {
    expect(graph.edgeCount).toBe(3);
    expect(graph.nodeCount).toBe(4); // (0,0), (100,100), (200,100), (0,300); (100,0) is geometry
    expect(graph.edgeFrom[0]).toBe(graph.edgeFrom[2]);
    expect(graph.edgeTo[0]).toBe(graph.edgeFrom[1]);
  });

  it('stores adjacency both ways in CSR form', () => {
    const shared = graph.edgeFrom[0]!;
    const slots = [];
    for (let s = graph.adjacencyStart[shared]!; s < graph.adjacencyStart[shared + 1]!; s++) {
      slots.push([graph.adjacencyEdge[s], graph.adjacencyNode[s], graph.adjacencyBackward[s]]);
    }
    expect(slots).toEqual([
      [0, graph.edgeTo[0], 0],
      [2, graph.edgeTo[2], 0],
    ]);
    expect(graph.adjacencyStart[graph.nodeCount]).toBe(6);
  });

  it('measures lengths within 1e-6 of the WGS84 geodesic', () => {
    const expected = [
      geodesicDistanceM(at(0, 0), at(100, 0)) + geodesicDistanceM(at(100, 0), at(100, 100)),
      geodesicDistanceM(at(100, 100), at(200, 100)),
      geodesicDistanceM(at(0, 0), at(0, 300)),
    ];
    expected.forEach((length, e) => expect(Math.abs(graph.edgeLength_m[e]! / length - 1)).toBeLessThan(1e-6));
    const long = buildGraph([
      road('primary', [
        [0, 0],
        [3000, 4000],
      ]),
    ]);
    expect(Math.abs(long.edgeLength_m[0]! / geodesicDistanceM(at(0, 0), at(3000, 4000)) - 1)).toBeLessThan(1e-6);
  });

  it('keeps cumulative vertex distances for exact interpolation', () => {
    const point = pointAlongEdge(graph, 0, 150);
    expect(geodesicDistanceM(point, at(100, 50))).toBeLessThan(0.01);
  });

  it('costs each profile once, closing classes with Infinity', () => {
    const walk = profileCosts(graph, 'walk');
    expect(profileCosts(graph, 'walk')).toBe(walk);
    expect(walk.forward_s[2]).toBeCloseTo(graph.edgeLength_m[2]! / (4.8 / 3.6), 9);
    expect(profileCosts(graph, 'car').forward_s[2]).toBe(Infinity);
  });
});

describe('snapPoint', () => {
  const graph = buildGraph([
    road('residential', [
      [0, 0],
      [400, 0],
    ]),
    road('footway', [
      [0, 30],
      [400, 30],
    ]),
  ]);

  it('projects exactly onto the nearest usable edge', () => {
    const snap = snapPoint(graph, ...at(100, -20), 'walk')!;
    expect(snap.edge).toBe(0);
    expect(snap.fraction).toBeCloseTo(0.25, 6);
    expect(Math.abs(snap.distance_m - 20)).toBeLessThan(0.01);
    expect(geodesicDistanceM(snap.point, at(100, 0))).toBeLessThan(0.01);
  });

  it('skips edges the profile may not use, and gives up beyond maxDistance_m', () => {
    const beside = at(300, 25); // 5 m from the footway, 25 m from the street
    expect(snapPoint(graph, ...beside, 'walk')!.edge).toBe(1);
    const car = snapPoint(graph, ...beside, 'car')!;
    expect(car.edge).toBe(0);
    expect(car.fraction).toBeCloseTo(0.75, 6);
    expect(Math.abs(car.distance_m - 25)).toBeLessThan(0.01);
    expect(snapPoint(graph, ...at(200, -200), 'walk', 100)).toBeNull();
  });

  it('clamps to the end of the edge', () => {
    const snap = snapPoint(graph, ...at(-30, -40), 'car')!;
    expect(snap.fraction).toBe(0);
    expect(Math.abs(snap.distance_m - 50)).toBeLessThan(0.01);
  });
});
