/**
 * The routing worker threads give exactly what the same computation gives in this thread: the
 * graph they search is the shared-memory copy (server/src/routing/shared-graph.ts), and the task
 * functions are the same (tasks.ts). Exact equality, not closeness: numbers cross threads by
 * structured clone, which keeps every bit.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticNetwork, SYNTHETIC_ORIGIN } from '../../bench/synthetic-network';
import { buildGraph, snapPoint, withAccessWalk } from '../../server/src/routing';
import { routingPool } from '../../server/src/routing/pool';
import { shareGraph } from '../../server/src/routing/shared-graph';
import { type RoutingTask, runRoutingTask } from '../../server/src/routing/tasks';
import type { Snap } from '../../server/src/routing/types';
import { mulberry32 } from '../support/random';

const built = buildGraph(syntheticNetwork(3));
const { graph, shared } = shareGraph(built);
const pool = routingPool({ maxThreads: 2 });
afterAll(() => pool.close());

function randomSnaps(count: number, seed: number, profile: 'walk' | 'ebike' | 'car'): Snap[] {
  const random = mulberry32(seed);
  const snaps: Snap[] = [];
  while (snaps.length < count) {
    const lng = SYNTHETIC_ORIGIN.lng + 0.02 + random() * 0.1;
    const lat = SYNTHETIC_ORIGIN.lat + 0.02 + random() * 0.1;
    const snap = snapPoint(graph, lng, lat, profile, 500);
    if (snap) snaps.push(withAccessWalk(snap));
  }
  return snaps;
}

describe('routing worker threads', () => {
  it('shares the graph without changing it: snapping on the shared copy equals the original', () => {
    expect(graph.nodeCount).toBe(built.nodeCount);
    expect(graph.adjacencyNode.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(graph.edgeIndex.data).toBeInstanceOf(SharedArrayBuffer);
    const random = mulberry32(11);
    for (let i = 0; i < 50; i++) {
      const lng = SYNTHETIC_ORIGIN.lng + random() * 0.2;
      const lat = SYNTHETIC_ORIGIN.lat + random() * 0.2;
      expect(snapPoint(graph, lng, lat, 'walk', 300)).toEqual(snapPoint(built, lng, lat, 'walk', 300));
    }
  });

  it('computes the same isochrones as this thread, single- and multi-source', async () => {
    const tasks: Extract<RoutingTask, { kind: 'isochrones' }>[] = [
      { kind: 'isochrones', profile: 'ebike', origins: randomSnaps(1, 1, 'ebike'), minutes: [5, 10, 15] },
      { kind: 'isochrones', profile: 'walk', origins: randomSnaps(1, 2, 'walk'), minutes: [15] },
      {
        kind: 'isochrones',
        profile: 'ebike',
        origins: randomSnaps(40, 3, 'ebike'),
        minutes: [12],
        options: { reachWidth_m: 302 },
      },
    ];
    // Run them at once, so both threads work and each must keep its own scratch.
    const inWorkers = await Promise.all(tasks.map((task) => pool.run(shared, task)));
    tasks.forEach((task, i) => {
      const here = runRoutingTask(built, task);
      expect(here.length).toBeGreaterThan(0);
      expect(here.some((band) => band.geometry.coordinates.length > 0)).toBe(true);
      expect(inWorkers[i]).toEqual(here);
    });
  });

  it('gives the network-coverage cover: the stations snapped, one band, as the GeoJSON text of that band', async () => {
    const random = mulberry32(6);
    const points = Array.from({ length: 30 }, (): [number, number] => [
      SYNTHETIC_ORIGIN.lng + 0.02 + random() * 0.1,
      SYNTHETIC_ORIGIN.lat + 0.02 + random() * 0.1,
    ]);
    const options = { reachWidth_m: 150 };
    const task = { kind: 'coverGeoJson', profile: 'ebike', points, maxSnap_m: 200, minutes: 10, options } as const;
    const cover = await pool.run(shared, task);
    const origins = points.flatMap(([lng, lat]) => {
      const snap = snapPoint(built, lng, lat, 'ebike', 200);
      return snap ? [withAccessWalk(snap)] : [];
    });
    expect(origins.length).toBeGreaterThan(0);
    const [band] = runRoutingTask(built, { kind: 'isochrones', profile: 'ebike', origins, minutes: [10], options });
    expect(band!.geometry.coordinates.length).toBeGreaterThan(0);
    expect(cover).toEqual({ geometry: JSON.stringify(band!.geometry), originCount: origins.length });
    expect(runRoutingTask(built, task)).toEqual(cover);
    const none = await pool.run(shared, { ...task, points: [] });
    expect(none.originCount).toBe(0);
    expect(JSON.parse(none.geometry)).toEqual({ type: 'MultiPolygon', coordinates: [] });
  });

  it('computes the same travel-time matrices as this thread, oneways included', async () => {
    const task: Extract<RoutingTask, { kind: 'travelTimes' }> = {
      kind: 'travelTimes',
      profile: 'car',
      origins: randomSnaps(30, 4, 'car'),
      targets: randomSnaps(1, 5, 'car'),
      limit_s: 900,
    };
    const inWorker = await pool.run(shared, task);
    const here = runRoutingTask(built, task);
    expect(inWorker).toBeInstanceOf(Float64Array);
    expect(Array.from(here).some(Number.isFinite)).toBe(true);
    expect(Array.from(inWorker)).toEqual(Array.from(here));
  });
});
