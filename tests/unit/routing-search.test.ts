import { describe, expect, it } from 'vitest';
import { buildGraph, search, snapPoint, travelTimes, withAccessWalk } from '../../server/src/routing';
import type { Profile, RoadGraph, RoadInput, Snap } from '../../server/src/routing/types';
import { mulberry32 } from '../support/random';
import { at, gridRoads, riverRoads, road } from '../support/routes';

const WALK_MPS = 4.8 / 3.6;
// Expected times come from the test's metre drawings, which are exact only on BASE's parallel (the
// east-west scale drifts by ~1.6e-5 per 200 m north), hence 2 decimals (10 ms) for them.
const snapAt = (graph: RoadGraph, x: number, y: number, profile: Profile = 'walk') =>
  snapPoint(graph, ...at(x, y), profile)!;

/** The node at `[x, y]` metres (exact coordinates of a road endpoint). */
function nodeAt(graph: RoadGraph, x: number, y: number): number {
  const [lng, lat] = at(x, y);
  for (let n = 0; n < graph.nodeCount; n++) {
    if (Math.abs(graph.nodeLng[n]! - lng) < 1e-9 && Math.abs(graph.nodeLat[n]! - lat) < 1e-9) return n;
  }
  throw new Error(`no node at ${x}, ${y}`);
}

describe('search', () => {
  it('reaches the far bank of a river only over the bridge', () => {
    const graph = buildGraph(riverRoads());
    const origin = snapAt(graph, 0, -15);
    const farSpurEnd = nodeAt(graph, 0, 15); // 30 m across the water
    const detour_m = 85 + 1000 + 200 + 1000 + 85;
    const whole = search(graph, 'walk', [origin], Infinity);
    expect(whole.arrival_s[farSpurEnd]).toBeCloseTo(detour_m / WALK_MPS, 2);
    const fiveMinutes = search(graph, 'walk', [origin], 300);
    expect(fiveMinutes.arrival_s[farSpurEnd]).toBe(Infinity);
    expect(fiveMinutes.originIndex[farSpurEnd]).toBe(-1);
    expect(fiveMinutes.arrival_s[nodeAt(graph, 0, -100)]).toBeCloseTo(85 / WALK_MPS, 2);
  });

  it('keeps cars off a oneway the wrong way (detour) but lets pedestrians walk it', () => {
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
    const carMps = 15 / 3.6;
    const west = nodeAt(graph, 0, 0);
    const east = nodeAt(graph, 200, 0);
    const fromEast = search(graph, 'car', [snapAt(graph, 200, 0, 'car')], Infinity);
    expect(fromEast.arrival_s[west]).toBeCloseTo(600 / carMps, 2);
    const fromWest = search(graph, 'car', [snapAt(graph, 0, 0, 'car')], Infinity);
    expect(fromWest.arrival_s[east]).toBeCloseTo(200 / carMps, 2);
    const walk = search(graph, 'walk', [snapAt(graph, 200, 0)], Infinity);
    expect(walk.arrival_s[west]).toBeCloseTo(200 / WALK_MPS, 2);

    // From the middle of the oneway: forward to its end at once, backward only round the block.
    const middle = snapAt(graph, 50, 0, 'car');
    const fromMiddle = search(graph, 'car', [middle], Infinity);
    expect(fromMiddle.arrival_s[east]).toBeCloseTo(150 / carMps, 2);
    expect(fromMiddle.arrival_s[west]).toBeCloseTo(750 / carMps, 2);
  });

  it('labels every node with its nearest origin (multi-source)', () => {
    const graph = buildGraph(gridRoads(8, 8, 100));
    const random = mulberry32(3);
    const origins = Array.from({ length: 4 }, () => snapAt(graph, 15 + random() * 770, 15 + random() * 770));
    const multi = search(graph, 'walk', origins, Infinity);
    const singles = origins.map((origin) => search(graph, 'walk', [origin], Infinity));
    let checked = 0;
    for (let n = 0; n < graph.nodeCount; n++) {
      const times = singles.map((s) => s.arrival_s[n]!);
      const best = Math.min(...times);
      expect(multi.arrival_s[n]).toBeCloseTo(best, 9);
      expect(times[multi.originIndex[n]!]).toBeCloseTo(best, 9);
      checked++;
    }
    expect(checked).toBe(81);
    expect(multi.reachedCount).toBe(81);
  });

  it('stops at the limit and can reuse an earlier result', () => {
    const graph = buildGraph(gridRoads(8, 8, 100));
    const first = search(graph, 'walk', [snapAt(graph, 0, 0)], Infinity);
    const bounded = search(graph, 'walk', [snapAt(graph, 800, 800)], 160, first);
    expect(bounded).toBe(first);
    const reached = [...bounded.arrival_s].filter(Number.isFinite);
    expect(reached.length).toBe(bounded.reachedCount);
    expect(reached.length).toBe(6); // 0, 100 (×2), 200 (×3) metres away: 200 m = 150 s ≤ 160 s
    expect(Math.max(...reached)).toBeLessThanOrEqual(160);
  });
});

describe('travelTimes', () => {
  /**
   * The reference: split every road at the origin and target points so they become nodes, then
   * read node arrivals. Independent of the engine's partial-edge arithmetic.
   */
  function splitAt(roads: RoadInput[], points: [number, number][]): RoadInput[] {
    return roads.flatMap((r) => {
      const [a, b] = r.coordinates as [[number, number], [number, number]];
      const cuts = points
        .map((p) => at(...p))
        .map((p) => {
          const t =
            ((p[0] - a[0]) * (b[0] - a[0]) + (p[1] - a[1]) * (b[1] - a[1])) / ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2);
          const onLine = Math.abs((p[0] - a[0]) * (b[1] - a[1]) - (p[1] - a[1]) * (b[0] - a[0])) < 1e-14;
          return { p, t, onLine };
        })
        .filter(({ t, onLine }) => onLine && t > 1e-9 && t < 1 - 1e-9)
        .sort((x, y) => x.t - y.t);
      const chain = [a, ...cuts.map((c) => c.p), b];
      return chain.slice(1).map((p, i) => ({ ...r, coordinates: [chain[i]!, p] }));
    });
  }

  it('equals single searches on a graph split at the points, oneways and same-edge pairs included', () => {
    const roads = gridRoads(5, 5, 100);
    roads[7] = { ...roads[7]!, oneway: true };
    roads[12] = { ...roads[12]!, oneway: true };
    roads[13] = { ...roads[13]!, class: 'footway' };
    const graph = buildGraph(roads);
    const points: [number, number][] = [
      [30, 0],
      [70, 0], // same edge as the first
      [20, 100], // on the oneway (0,100) → (100,100) …
      [80, 100], // … and again: car may go 20 → 80 directly but not back
      [100, 140],
      [260, 200],
      [400, 310],
      [500, 500],
    ];
    for (const profile of ['walk', 'car'] as const) {
      const snaps = points.map(([x, y]) => snapAt(graph, x, y, profile));
      const matrix = travelTimes(graph, profile, snaps, snaps, Infinity);
      const split = buildGraph(splitAt(roads, points));
      points.forEach((origin, o) => {
        const start = snapAt(split, ...origin, profile);
        const reference = search(split, profile, [start], Infinity);
        points.forEach((target, t) => {
          const node = nodeAt(split, ...target);
          const expected = reference.arrival_s[node]!;
          const actual = matrix[o * points.length + t]!;
          if (expected === Infinity) expect(actual).toBe(Infinity);
          else expect(actual).toBeCloseTo(expected, 4);
        });
      });
    }
  });

  it('starts the clock after the walk to the street when the access walk is counted', () => {
    const graph = buildGraph([
      road('residential', [
        [0, 0],
        [1000, 0],
      ]),
    ]);
    // 60 m north of the street's 200 m mark: 45 s on foot before the street is reached.
    const origin = withAccessWalk(snapAt(graph, 200, 60));
    expect(origin.delay_s!).toBeCloseTo(60 / WALK_MPS, 1);
    const result = search(graph, 'walk', [origin], Infinity);
    expect(result.arrival_s[nodeAt(graph, 0, 0)]!).toBeCloseTo((60 + 200) / WALK_MPS, 1);
    expect(result.arrival_s[nodeAt(graph, 1000, 0)]!).toBeCloseTo((60 + 800) / WALK_MPS, 1);
    const target = snapAt(graph, 300, 0);
    expect(travelTimes(graph, 'walk', [origin], [target], Infinity)[0]!).toBeCloseTo((60 + 100) / WALK_MPS, 1);
    // A walk longer than the limit reaches nothing.
    expect(search(graph, 'walk', [origin], 30).reachedCount).toBe(0);
  });

  it('returns Infinity beyond the limit', () => {
    const graph = buildGraph(gridRoads(5, 5, 100));
    const snaps: Snap[] = [snapAt(graph, 0, 0), snapAt(graph, 500, 500)];
    const matrix = travelTimes(graph, 'walk', snaps, snaps, 300);
    expect([...matrix]).toEqual([0, Infinity, Infinity, 0]);
  });
});
