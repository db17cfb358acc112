/**
 * A piscina worker: solves one site-selection task (./solve.ts). HiGHS loads once per thread, on
 * the first exact solve. Loaded through ./siting-worker.mjs, which gives the thread tsx's loader.
 */
import type { SitingTask } from './pool';
import { solveSiting } from './solve';

export default function run({ problem, request, options }: SitingTask) {
  return solveSiting(problem, request, options);
}
