/**
 * The siting worker threads give exactly what the same solve gives in this thread (threads: 0):
 * the problem crosses by structured clone or transfer, which keeps every bit, and the solver code
 * is the same (server/src/siting/solve.ts).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { coverSetsWithinRadius, type LngLat } from '../../server/src/siting/cover-sets';
import { sitingPool, transferableBuffers, type SitingTask } from '../../server/src/siting/pool';
import type { SitingProblem, SitingResult } from '../../server/src/siting/types';
import { mulberry32 } from '../support/random';

function cityProblem(seed: number, candidates: number, demand: number): SitingProblem {
  const random = mulberry32(seed);
  const point = (): LngLat => [106.5 + random() * 0.1, 26.5 + random() * 0.1];
  const demandPoints = Array.from({ length: demand }, point);
  const cover = coverSetsWithinRadius(Array.from({ length: candidates }, point), demandPoints, 800);
  return {
    demandWeight: Float64Array.from(demandPoints, () => 1 + Math.floor(random() * 30)),
    ...cover,
    alreadyCovered: Uint8Array.from(demandPoints, () => (random() < 0.2 ? 1 : 0)),
  };
}

const copy = (problem: SitingProblem): SitingProblem => ({
  demandWeight: problem.demandWeight.slice(),
  coverStart: problem.coverStart.slice(),
  coverIndex: problem.coverIndex.slice(),
  ...(problem.alreadyCovered ? { alreadyCovered: problem.alreadyCovered.slice() } : {}),
});

/** Everything but the timing. */
const figures = ({ elapsed_ms: _elapsed, highs_ms: _highs, ...rest }: SitingResult) => rest;

const workers = sitingPool({ threads: 2 });
const here = sitingPool({ threads: 0 });
afterAll(() => workers.close());

describe('siting worker threads', () => {
  const problem = cityProblem(7, 80, 2_000);
  const tasks: SitingTask[] = [
    { problem, request: { objective: 'mclp', k: 6 }, options: { solver: 'exact' } },
    { problem, request: { objective: 'lscp', targetShare: 0.45 }, options: { solver: 'exact' } },
    { problem, request: { objective: 'mclp', k: 6 }, options: { solver: 'greedy' } },
    { problem, request: { objective: 'lscp', targetShare: 0.99 } },
  ];

  it('answers as this thread does, exact and greedy, MCLP and LSCP, two at a time', async () => {
    const inWorkers = await Promise.all(tasks.map((task) => workers.run(task)));
    const inThread = await Promise.all(tasks.map((task) => here.run(task)));
    expect(inThread.map((r) => r.solver)).toEqual(['exact', 'exact', 'greedy', 'exact']);
    expect(inThread[0]!.chosen.length).toBe(6);
    expect(inThread[3]!.status).toBe('infeasible');
    inWorkers.forEach((result, i) => expect(figures(result)).toEqual(figures(inThread[i]!)));
  });

  it('moves the buffers when asked, leaving the caller’s arrays detached', async () => {
    const moved = copy(problem);
    const task: SitingTask = { problem: moved, request: { objective: 'mclp', k: 4 }, options: { solver: 'exact' } };
    expect(transferableBuffers(task)).toHaveLength(4);
    const expected = await here.run({ ...task, problem: copy(problem) });
    const result = await workers.run(task, { transfer: true });
    expect(figures(result)).toEqual(figures(expected));
    expect(moved.coverIndex.length).toBe(0);
  });

  it('copies a view on part of a larger buffer instead of moving the whole buffer', () => {
    const big = new Float64Array(10);
    const task: SitingTask = {
      problem: { ...problem, demandWeight: big.subarray(0, 5) },
      request: { objective: 'mclp', k: 1 },
    };
    expect(transferableBuffers(task)).not.toContain(big.buffer);
  });

  it('rejects an aborted request', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(here.run(tasks[0]!, { signal: controller.signal })).rejects.toThrow();
    await expect(workers.run(tasks[0]!, { signal: controller.signal })).rejects.toThrow();
  });
});
