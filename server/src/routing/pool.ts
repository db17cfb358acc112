/**
 * Worker threads for the CPU-heavy routing tasks (isochrones, the network-coverage isochrone,
 * travel-time matrices), so a 100-ms raster or a few hundred bounded searches never hold the
 * event loop: /api/health and nearest keep answering while they run.
 *
 * Threads start on first use and stop after a minute idle. The pool is no queue of its own: the
 * heavy-work limiter (services/heavy-work.ts) in front of it decides what runs and what waits.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { SharedRoadGraph } from './shared-graph';
import type { RoutingTask, RoutingTaskResult } from './tasks';

const WORKER_URL = new URL('./routing-worker.mjs', import.meta.url).href;

export type RoutingPool = {
  run<T extends RoutingTask>(graph: SharedRoadGraph, task: T): Promise<RoutingTaskResult<T>>;
  close(): Promise<void>;
};

/** One thread per core, at most 2: the machines this runs on have 2, shared with the database. */
export const DEFAULT_ROUTING_THREADS = Math.max(1, Math.min(2, availableParallelism()));

export function routingPool(options: { maxThreads?: number } = {}): RoutingPool {
  let pool: Piscina | null = null;
  const maxThreads = options.maxThreads ?? DEFAULT_ROUTING_THREADS;
  return {
    run(graph, task) {
      // Nice 10: on a small machine, the event loop (health, nearest) must win the core over a raster.
      pool ??= new Piscina({ filename: WORKER_URL, minThreads: 0, maxThreads, idleTimeout: 60_000, niceIncrement: 10 });
      return pool.run({ graph, task });
    },
    async close() {
      const closing = pool;
      pool = null;
      await closing?.close();
    },
  };
}
