import { availableParallelism } from 'node:os';
import { HttpError } from '../errors';

/**
 * A cap on concurrent expensive computations (network coverage, isochrones, reachable stations, and
 * the audit to come): at most `maxRunning` run at once, at most `maxQueued` wait in line (first in,
 * first out), and anything beyond answers 503 `busy` with Retry-After, so a burst of heavy requests
 * can neither exhaust the database pool nor pile up unbounded work. Cheap requests (health, nearest)
 * never pass through it.
 */
export type HeavyWorkLimiter = {
  /** Runs `work` when a slot is free; throws the 503 at once when the queue is full. */
  run<T>(work: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly queued: number;
  readonly limits: HeavyWorkLimits;
};

export type HeavyWorkLimits = {
  maxRunning: number;
  maxQueued: number;
  /** What Retry-After tells a refused client to wait, seconds. */
  retryAfter_s: number;
};

/**
 * Limits per database kind. With PostgreSQL, a heavy request keeps a core busy (a worker thread for
 * the isochrone, then a backend for the SQL), so one runs per core but one: a core stays free for
 * the event loop and cheap requests. Measured by bench/heavy.ts on 2 cores (PostgreSQL on the same
 * machine): /api/health p99 51 ms during 10 cache-busting coverages with 1 running, 102–109 ms with 2.
 * PGlite runs every statement on the server's own JavaScript thread: a second heavy query would only
 * stretch both and keep the event loop blocked for longer, so there they run one at a time, and the
 * event loop gets a turn between them.
 */
export const HEAVY_WORK_LIMITS: Record<'postgres' | 'embedded', HeavyWorkLimits> = {
  postgres: { maxRunning: Math.max(1, availableParallelism() - 1), maxQueued: 16, retryAfter_s: 5 },
  embedded: { maxRunning: 1, maxQueued: 8, retryAfter_s: 10 },
};

export const busyError = (retryAfter_s: number) =>
  new HttpError(
    503,
    'busy',
    `The server is busy with other heavy computations (coverage, isochrones, reachable stations); try again in ${retryAfter_s} s.`,
    undefined,
    { 'Retry-After': String(retryAfter_s) },
  );

export function heavyWorkLimiter(limits: HeavyWorkLimits): HeavyWorkLimiter {
  if (!(limits.maxRunning >= 1) || !(limits.maxQueued >= 0)) throw new RangeError('maxRunning ≥ 1 and maxQueued ≥ 0');
  let running = 0;
  const waiting: (() => void)[] = [];

  const release = () => {
    const next = waiting.shift();
    // Hand the slot straight to the next in line, so a newcomer can't overtake the queue.
    if (next) next();
    else running--;
  };

  return {
    async run<T>(work: () => Promise<T>): Promise<T> {
      if (running >= limits.maxRunning) {
        if (waiting.length >= limits.maxQueued) throw busyError(limits.retryAfter_s);
        await new Promise<void>((resolve) => waiting.push(resolve));
      } else {
        running++;
      }
      try {
        return await work();
      } finally {
        release();
      }
    },
    get running() {
      return running;
    },
    get queued() {
      return waiting.length;
    },
    limits,
  };
}
