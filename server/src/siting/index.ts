/** Site selection for new rider stations (issue 10): pure solvers, no database. */
export type * from './types';
export { coverSetsWithinRadius, type CoverSets, type LngLat } from './cover-sets';
export { mergeDemand, problemTotals, validateProblem, type MergedDemand, type ProblemTotals } from './merge';
export { lazyGreedy, lscpGreedy, mclpGreedy } from './greedy';
export {
  DEFAULT_MIP_REL_GAP,
  DEFAULT_PRESOLVE,
  DEFAULT_TIME_LIMIT_S,
  loadHighs,
  lscpExact,
  mclpExact,
  solveExact,
  withoutRedundantSites,
} from './exact';
export { AUTO_EXACT_MAX_SIZE, solveSiting, type SitingOptions } from './solve';
export {
  DEFAULT_SITING_THREADS,
  sitingPool,
  transferableBuffers,
  type SitingPool,
  type SitingRunOptions,
  type SitingTask,
} from './pool';
