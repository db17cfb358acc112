/**
 * Worker threads for site selection. HiGHS (WASM) is synchronous and single-threaded, and a lazy
 * greedy over 100,000 demand points still holds a core for a few hundred milliseconds, so in the
 * server both run off the event loop, as routing does (../routing/pool.ts).
 *
 * `threads: 0` runs the same function in this thread (tests, scripts); a test checks that both give
 * the same answer. Threads start on first use and stop after a minute idle; each loads HiGHS once.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { solveSiting, type SitingOptions } from './solve';
import type { SitingProblem, SitingRequest, SitingResult } from './types';

const WORKER_URL = new URL('./siting-worker.mjs', import.meta.url).href;

export type SitingTask = { problem: SitingProblem; request: SitingRequest; options?: SitingOptions };

export type SitingRunOptions = {
  /**
   * Move the problem's buffers to the worker instead of copying them: faster on big problems, but
   * the caller's typed arrays are detached (length 0) afterwards. Views on a part of a larger buffer,
   * and shared buffers, are copied regardless.
   */
  transfer?: boolean;
  /** Aborting rejects the promise; in a worker it also stops the thread mid-solve. */
  signal?: AbortSignal;
};

export type SitingPool = {
  run(task: SitingTask, options?: SitingRunOptions): Promise<SitingResult>;
  close(): Promise<void>;
};

/** At most 2 threads: the machines this runs on have 2 cores, shared with the database. */
export const DEFAULT_SITING_THREADS = Math.max(1, Math.min(2, availableParallelism()));

/** The buffers of `task` that can move whole (see SitingRunOptions.transfer). */
export function transferableBuffers(task: SitingTask): ArrayBuffer[] {
  const { demandWeight, coverStart, coverIndex, alreadyCovered } = task.problem;
  const buffers = new Set<ArrayBuffer>();
  for (const array of [demandWeight, coverStart, coverIndex, alreadyCovered]) {
    if (!array || !(array.buffer instanceof ArrayBuffer)) continue;
    if (array.byteOffset !== 0 || array.byteLength !== array.buffer.byteLength) continue;
    buffers.add(array.buffer);
  }
  return [...buffers];
}

export function sitingPool(options: { threads?: number } = {}): SitingPool {
  const threads = options.threads ?? DEFAULT_SITING_THREADS;
  if (threads === 0) {
    return {
      async run(task, runOptions = {}) {
        runOptions.signal?.throwIfAborted();
        return solveSiting(task.problem, task.request, task.options);
      },
      async close() {},
    };
  }
  let pool: Piscina | null = null;
  return {
    run(task, runOptions = {}) {
      // Nice 10: on a small machine the event loop (health, nearest) must win the core over a solve.
      pool ??= new Piscina({
        filename: WORKER_URL,
        minThreads: 0,
        maxThreads: threads,
        idleTimeout: 60_000,
        niceIncrement: 10,
      });
      return pool.run(task, {
        ...(runOptions.transfer ? { transferList: transferableBuffers(task) } : {}),
        ...(runOptions.signal ? { signal: runOptions.signal } : {}),
      }) as Promise<SitingResult>;
    },
    async close() {
      const closing = pool;
      pool = null;
      await closing?.close();
    },
  };
}
