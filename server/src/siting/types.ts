/**
 * Site selection for new rider stations (coverage audit, issue 10): the problem shape every solver
 * in this folder takes. It is pure data, in typed arrays, so it crosses to a worker thread by a
 * single copy (or a transfer) and never touches the database. The audit service builds it.
 */

/**
 * A coverage problem: demand points with weights (people), and candidate sites that each cover a
 * set of demand points, stored candidate-major as CSR.
 */
export type SitingProblem = {
  /** People (weight) per demand point. Weights must be finite and ≥ 0. */
  demandWeight: Float64Array;
  /**
   * Candidate j covers demand indices `coverIndex[coverStart[j] .. coverStart[j + 1] - 1]`.
   * Length: candidate count + 1, starting at 0.
   */
  coverStart: Int32Array;
  coverIndex: Int32Array;
  /** 1 where existing stations already cover the demand point: covering it again gains nothing. */
  alreadyCovered?: Uint8Array;
};

/** Maximal covering: the k sites that newly cover the most weight. */
export type MclpRequest = { objective: 'mclp'; k: number };
/** Set covering with a target: the fewest sites so covered weight (existing included) reaches `targetShare` of all weight. */
export type LscpRequest = { objective: 'lscp'; targetShare: number };
export type SitingRequest = MclpRequest | LscpRequest;

export type SitingSolverName = 'greedy' | 'exact';

/**
 * - `optimal`: HiGHS proved the optimum (within its default MIP gap tolerance, see `mipGap`);
 * - `time_limit`: HiGHS stopped at its time limit; the sites are its best incumbent, `mipGap` says how far from proved;
 * - `infeasible`: the LSCP target cannot be reached even with every candidate (`bestReachableShare` says how far it can);
 * - `greedy`: the greedy heuristic's answer, with no optimality claim.
 */
export type SitingStatus = 'optimal' | 'time_limit' | 'infeasible' | 'greedy';

export type SitingResult = {
  objective: SitingRequest['objective'];
  solver: SitingSolverName;
  status: SitingStatus;
  /**
   * Chosen candidate indices in the order they add value: each is the chosen site with the largest
   * marginal gain given the ones before it. Sites that would add nothing are left out, so an MCLP
   * answer can hold fewer than k sites.
   */
  chosen: number[];
  /** Weight each chosen site newly covers, in that order (they sum to `coveredWeight - alreadyCoveredWeight`). */
  gain: number[];
  /** Weight covered after all chosen sites, existing coverage included. */
  coveredWeight: number;
  /** `coveredWeight / totalWeight` (0 when there is no weight at all). */
  coveredShare: number;
  /** All demand weight of the original problem, covered or not. */
  totalWeight: number;
  /** Weight that existing stations already cover. */
  alreadyCoveredWeight: number;
  /** Largest share reachable with every candidate (existing coverage included). */
  bestReachableShare: number;
  /** LSCP only: the requested share. */
  targetShare?: number;
  /** Relative MIP gap HiGHS reports (0 when optimal, more at a time limit); null for greedy. */
  mipGap: number | null;
  /**
   * When the exact solver ran, how the greedy answer compares (greedy is always run first: it is
   * HiGHS's starting incumbent). MCLP: `shortfallShare` = (exact - greedy) / exact newly covered
   * weight (null for LSCP). `extraSites` = greedy sites - exact sites (the LSCP measure; MCLP 0
   * unless the rest added nothing).
   */
  greedy?: { coveredWeight: number; siteCount: number; shortfallShare: number | null; extraSites: number };
  /** Size of the model after merging demand (what the exact solver sees). */
  merged?: { demandCount: number; candidateCount: number; nonzeros: number };
  /** Exact only: the time spent in HiGHS (model load, solve, read back), within `elapsed_ms`. */
  highs_ms?: number;
  elapsed_ms: number;
};

export type ExactOptions = {
  /** HiGHS wall-clock limit in seconds (default 10). */
  timeLimit_s?: number;
  /** Stop when the relative gap is at most this (HiGHS's own default is 1e-4). */
  mipRelGap?: number;
  /** HiGHS presolve (default 'off', see exact.ts for why). */
  presolve?: 'on' | 'off' | 'choose';
};
