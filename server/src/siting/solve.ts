/**
 * One entry for the audit service: exact, greedy, or `auto` (exact when the merged model is small
 * enough to solve well inside the time limit, greedy otherwise). The exact path always runs greedy
 * too (HiGHS's starting incumbent), so its result carries greedy's distance from the optimum.
 */
import { DEFAULT_TIME_LIMIT_S, solveExact } from './exact';
import { lscpGreedy, mclpGreedy } from './greedy';
import { mergeDemand } from './merge';
import type { ExactOptions, SitingProblem, SitingRequest, SitingResult } from './types';

/**
 * The largest merged model `auto` gives HiGHS, counted as merged demand points plus merged cover
 * pairs, per objective. Measured with bench/siting.ts (clustered 20 km city, 1,000 m radius, k = 10,
 * LSCP to 95 % or just under the reachable share, presolve off, 10 s limit; a 2-core Xeon shared
 * with other work at load 7, so times moved by up to 3× between runs):
 * - MCLP, optimal in: size 9,573 → 83 ms, 18,632 → 130 ms, 30,475 → 385 ms, 40,332 → 480 ms,
 *   62,431 → 1.2 s, 87,135 → 3.3 s, 130,970 → 5.1 s (another run: time limit); 458,711 → stopped
 *   at the limit with no bound. Greedy was 0-2 % below the optimum. Exact up to 50,000.
 * - LSCP is harder for HiGHS (the target row gives a weak LP bound) but worth it: greedy needed
 *   5-9 % more sites (300 × 20,000: 141 against 132; 500 × 30,000: 131 against 122). Size 9,573 →
 *   0.4-1.6 s; 18,632 → 5.8 s optimal in one run, the 10 s limit in another (7 % gap, an incumbent
 *   no worse than greedy); above 30,000 always the limit. Exact up to 20,000.
 * Above these, greedy alone.
 */
export const AUTO_EXACT_MAX_SIZE = { mclp: 50_000, lscp: 20_000 } as const;

export type SitingOptions = ExactOptions & {
  solver?: 'auto' | 'exact' | 'greedy';
  /** Overrides AUTO_EXACT_MAX_SIZE for this request's objective. */
  autoExactMaxSize?: number;
};

export async function solveSiting(
  problem: SitingProblem,
  request: SitingRequest,
  options: SitingOptions = {},
): Promise<SitingResult> {
  const solver = options.solver ?? 'auto';
  const exactOptions: ExactOptions = {
    timeLimit_s: options.timeLimit_s ?? DEFAULT_TIME_LIMIT_S,
    ...(options.mipRelGap === undefined ? {} : { mipRelGap: options.mipRelGap }),
    ...(options.presolve === undefined ? {} : { presolve: options.presolve }),
  };
  const greedy = () =>
    request.objective === 'mclp' ? mclpGreedy(problem, request.k) : lscpGreedy(problem, request.targetShare);
  if (solver === 'greedy') return greedy();
  const started = performance.now();
  const merged = mergeDemand(problem);
  const size = merged.problem.demandWeight.length + merged.problem.coverIndex.length;
  if (solver === 'exact' || size <= (options.autoExactMaxSize ?? AUTO_EXACT_MAX_SIZE[request.objective])) {
    const result = await solveExact(problem, merged, request, exactOptions);
    return { ...result, elapsed_ms: performance.now() - started };
  }
  const result = greedy();
  return {
    ...result,
    merged: {
      demandCount: merged.problem.demandWeight.length,
      candidateCount: merged.problem.coverStart.length - 1,
      nonzeros: merged.problem.coverIndex.length,
    },
    elapsed_ms: performance.now() - started,
  };
}
