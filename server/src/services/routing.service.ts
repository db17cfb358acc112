import type { Kysely } from 'kysely';
import type { DatabaseKind } from '../db/client';
import type { DB } from '../db/schema';
import { HttpError } from '../errors';
import { listRoadSegments, roadsStamp } from '../queries/roads.queries';
import { type RoadGraph, buildGraph, snapPoint } from '../routing';
import { type RoutingPool, routingPool } from '../routing/pool';
import { type SharedRoadGraph, shareGraph } from '../routing/shared-graph';
import { type RoutingTask, type RoutingTaskResult, runRoutingTask } from '../routing/tasks';
import type { Profile, Snap } from '../routing/types';
import { HEAVY_WORK_LIMITS, type HeavyWorkLimits, heavyWorkLimiter } from './heavy-work';

/** How far a point may be from the nearest usable street before we refuse to route from it. */
export const MAX_SNAP_M = 500;

export type RoutingServiceOptions = {
  /** Picks the heavy-work limits (HEAVY_WORK_LIMITS): PGlite shares this thread, PostgreSQL does not. */
  databaseKind?: DatabaseKind | undefined;
  limits?: HeavyWorkLimits | undefined;
  /** Worker threads for routing tasks; 0 computes in this thread (blocking the event loop). */
  threads?: number | undefined;
};

/**
 * Holds the routing graph, built from the `road` table once per data version: each call checks a
 * cheap fingerprint of the roads and rebuilds when it changed (an import, an edit). The graph lives
 * in shared memory, so the worker threads that run isochrones and travel-time matrices search the
 * same arrays without a copy; `heavy` is the one limiter every expensive computation passes.
 */
export function routingService(db: Kysely<DB>, options: RoutingServiceOptions = {}) {
  let current: { stamp: string; graph: Promise<RoadGraph> } | null = null;
  const sharedOf = new WeakMap<RoadGraph, SharedRoadGraph>();
  const pool: RoutingPool | null = options.threads === 0 ? null : routingPool({ maxThreads: options.threads });
  const heavy = heavyWorkLimiter(options.limits ?? HEAVY_WORK_LIMITS[options.databaseKind ?? 'postgres']);

  async function graph(): Promise<RoadGraph> {
    const { stamp } = (await roadsStamp(db).executeTakeFirst()) ?? { stamp: '' };
    if (current?.stamp !== stamp) {
      const building = listRoadSegments(db)
        .execute()
        .then((rows) => {
          const built = buildGraph(
            rows.map((r) => ({ id: Number(r.id), class: r.class, oneway: r.oneway, coordinates: r.coordinates })),
          );
          const { graph: shared, shared: postable } = shareGraph(built);
          sharedOf.set(shared, postable);
          return shared;
        });
      current = { stamp, graph: building };
      building.catch(() => {
        if (current?.graph === building) current = null;
      });
    }
    return current.graph;
  }

  return {
    graph,
    heavy,
    /**
     * Runs a routing task on `graph` (from `graph()`) in a worker thread. The result equals the
     * in-thread computation exactly (tests/unit/routing-worker.test.ts).
     */
    async compute<T extends RoutingTask>(on: RoadGraph, task: T): Promise<RoutingTaskResult<T>> {
      const shared = sharedOf.get(on);
      if (!pool || !shared) return runRoutingTask(on, task);
      return pool.run(shared, task);
    },
    /** Snaps a point to the street network, or explains in a 422 why it cannot. */
    async snap(lng: number, lat: number, profile: Profile): Promise<{ graph: RoadGraph; snap: Snap }> {
      const g = await graph();
      const snap = snapPoint(g, lng, lat, profile, MAX_SNAP_M);
      if (!snap) {
        throw new HttpError(
          422,
          'no_street_nearby',
          `No street usable by ${profile} within ${MAX_SNAP_M} m of ${lng.toFixed(6)}, ${lat.toFixed(6)}; pick a point nearer a street.`,
        );
      }
      return { graph: g, snap };
    },
    /** Stops the worker threads (at shutdown). */
    close: () => pool?.close() ?? Promise.resolve(),
  };
}
