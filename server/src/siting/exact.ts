/**
 * Exact MCLP and LSCP with HiGHS (the `highs` WASM build), on the merged problem (./merge.ts).
 *
 * The model goes in as sparse arrays (CSR rows), never as LP text: the WASM LP reader breaks on
 * lines over 560 characters, and a demand row covered by many candidates, or the LSCP target row
 * over every demand point, is far longer. Columns: x_j binary per candidate, then y_i in [0, 1] per
 * merged demand point. Rows: y_i - Σ_{j covers i} x_j ≤ 0 for each i, then
 * - MCLP: Σ x_j ≤ k, maximise Σ w_i y_i;
 * - LSCP: Σ w_i y_i ≥ target weight still needed, minimise Σ x_j.
 * The greedy answer is HiGHS's starting incumbent, so a time-limited run is never worse than
 * greedy, and the result says how far greedy was from the exact answer.
 *
 * HiGHS is synchronous and single-threaded: call these from a worker (./pool.ts) in the server.
 */
import highsLoader, { type Highs } from 'highs';
import { checkK, checkTargetShare, lazyGreedy, sitingResult, targetSlack, type GreedyRun } from './greedy';
import { type MergedDemand, mergeDemand, problemTotals } from './merge';
import type { ExactOptions, SitingProblem, SitingRequest, SitingResult, SitingStatus } from './types';

let loading: Promise<Highs> | null = null;
/** One HiGHS runtime per thread, loaded on first use (75-250 ms measured), reused by every solve. */
export function loadHighs(): Promise<Highs> {
  loading ??= highsLoader();
  return loading;
}

export const DEFAULT_TIME_LIMIT_S = 10;
/**
 * HiGHS stops at a relative gap of 1e-4 by default, i.e. up to 0.01 % of the objective short of
 * proved; on weights in people that can be tens of people on a district, so ask for less.
 */
export const DEFAULT_MIP_REL_GAP = 1e-6;

/**
 * Presolve off by default. On these models it removes almost nothing (2,000 × 100,000: 5 of 25,816
 * rows) yet costs: MCLP solves ran 2-4× faster without it (200 × 5,000: 74-214 ms against
 * 654-861 ms; 500 × 30,000: 264-422 ms against 695-1,609 ms), and its probing step overran the time
 * limit by far (2,000 × 100,000 with a 5 s limit: 21.9 s in presolve alone; HiGHS logs "Time limit
 * reached in probing"). Without presolve the 10 s limit held at 10.3 s.
 */
export const DEFAULT_PRESOLVE = 'off';

export async function mclpExact(problem: SitingProblem, k: number, options: ExactOptions = {}) {
  return solveExact(problem, mergeDemand(problem), { objective: 'mclp', k }, options);
}

export async function lscpExact(problem: SitingProblem, targetShare: number, options: ExactOptions = {}) {
  return solveExact(problem, mergeDemand(problem), { objective: 'lscp', targetShare }, options);
}

/**
 * Solves `request` exactly. `merged` must be `mergeDemand(problem)` (taken as an argument so the
 * caller that merged to decide between solvers doesn't merge twice). Figures (gains, covered
 * weight) are recomputed on the original problem from the chosen sites.
 */
export async function solveExact(
  problem: SitingProblem,
  merged: MergedDemand,
  request: SitingRequest,
  options: ExactOptions = {},
): Promise<SitingResult> {
  const started = performance.now();
  if (request.objective === 'mclp') checkK(request.k);
  else checkTargetShare(request.targetShare);
  const highs = await loadHighs();
  const totals = problemTotals(problem);
  const small = merged.problem;
  const candidates = small.coverStart.length - 1;
  const demand = small.demandWeight.length;
  const mergedSize = { demandCount: demand, candidateCount: candidates, nonzeros: small.coverIndex.length };
  const targetShare = request.objective === 'lscp' ? request.targetShare : undefined;
  const base = { objective: request.objective, solver: 'exact', targetShare } as const;

  // Greedy first: the starting incumbent, and the figure greedy is measured by.
  let greedy: GreedyRun;
  let needed = 0;
  if (request.objective === 'mclp') {
    greedy = lazyGreedy(small, { maxSites: request.k });
  } else {
    needed = request.targetShare * totals.totalWeight - totals.alreadyCoveredWeight - targetSlack(totals.totalWeight);
    if (totals.reachableWeight - totals.alreadyCoveredWeight < needed) {
      const result = sitingResult(
        { ...base, status: 'infeasible', mipGap: null },
        { chosen: [], gain: [] },
        totals,
        started,
      );
      return { ...result, merged: mergedSize };
    }
    greedy =
      needed > 0
        ? lazyGreedy(small, { maxSites: Number.POSITIVE_INFINITY, stopAtNewWeight: needed })
        : { chosen: [], gain: [], newlyCoveredWeight: 0 };
  }

  let chosenSites: number[];
  let status: SitingStatus;
  let mipGap: number;
  let highs_ms = 0;
  // Nothing to decide: no merged demand left, k = 0, or the target is already met.
  const trivial = demand === 0 || (request.objective === 'mclp' ? request.k === 0 : needed <= 0);
  if (trivial) {
    chosenSites = greedy.chosen;
    status = 'optimal';
    mipGap = 0;
  } else {
    const highsStarted = performance.now();
    const solved = runHighs(highs, merged, request, needed, greedy, options);
    highs_ms = performance.now() - highsStarted;
    chosenSites = solved.chosen;
    status = solved.status;
    mipGap = solved.mipGap;
  }

  // HiGHS may open a site that adds nothing (it costs nothing in MCLP with k to spare): drop those,
  // then order the rest by the value they add, with figures on the original problem.
  if (request.objective === 'mclp') chosenSites = withoutRedundantSites(problem, chosenSites, 0);
  else chosenSites = withoutRedundantSites(problem, chosenSites, 0, needed);
  let ordered = lazyGreedy(problem, { maxSites: chosenSites.length, candidates: chosenSites });
  // HiGHS starts from greedy's sites, so its answer is never worse; this guard only keeps a solver
  // tolerance (a y_i at 1 - 1e-9, an LSCP row met within its feasibility tolerance) from ever
  // handing back less than greedy's answer on the original figures.
  const greedyOnOriginal = () => lazyGreedy(problem, { maxSites: greedy.chosen.length, candidates: greedy.chosen });
  if (
    request.objective === 'mclp' &&
    ordered.newlyCoveredWeight < greedy.newlyCoveredWeight - targetSlack(totals.totalWeight)
  ) {
    ordered = greedyOnOriginal();
  } else if (request.objective === 'lscp' && status !== 'infeasible' && ordered.newlyCoveredWeight < needed) {
    ordered = greedyOnOriginal();
  }
  const result = sitingResult({ ...base, status, mipGap }, ordered, totals, started);
  const exactNew = ordered.newlyCoveredWeight;
  return {
    ...result,
    greedy: {
      coveredWeight: totals.alreadyCoveredWeight + greedy.newlyCoveredWeight,
      siteCount: greedy.chosen.length,
      shortfallShare:
        request.objective === 'lscp' ? null : exactNew > 0 ? (exactNew - greedy.newlyCoveredWeight) / exactNew : 0,
      extraSites: greedy.chosen.length - ordered.chosen.length,
    },
    merged: mergedSize,
    highs_ms,
  };
}

function runHighs(
  highs: Highs,
  merged: MergedDemand,
  request: SitingRequest,
  needed: number,
  greedy: GreedyRun,
  options: ExactOptions,
): { chosen: number[]; status: SitingStatus; mipGap: number } {
  const small = merged.problem;
  const { demandCoverStart, demandCoverIndex } = merged;
  const n = small.coverStart.length - 1;
  const m = small.demandWeight.length;
  const numCols = n + m;
  const mclp = request.objective === 'mclp';

  const colCost = new Float64Array(numCols);
  const colLower = new Float64Array(numCols);
  const colUpper = new Float64Array(numCols).fill(1);
  const integrality = new Int32Array(numCols);
  for (let j = 0; j < n; j++) {
    integrality[j] = highs.constants.variableType.integer;
    if (small.coverStart[j + 1] === small.coverStart[j]) colUpper[j] = 0; // covers nothing still uncovered
    if (!mclp) colCost[j] = 1;
  }
  if (mclp) colCost.set(small.demandWeight, n);

  // Rows: m cover rows, then the budget (MCLP) or target (LSCP) row.
  const numRows = m + 1;
  const lastRowLength = mclp ? n : m;
  const nonzeros = demandCoverIndex.length + m + lastRowLength;
  const starts = new Int32Array(numRows + 1);
  const indices = new Int32Array(nonzeros);
  const values = new Float64Array(nonzeros);
  let p = 0;
  for (let i = 0; i < m; i++) {
    starts[i] = p;
    for (let q = demandCoverStart[i]!; q < demandCoverStart[i + 1]!; q++) {
      indices[p] = demandCoverIndex[q]!;
      values[p++] = -1;
    }
    indices[p] = n + i;
    values[p++] = 1;
  }
  starts[m] = p;
  for (let q = 0; q < lastRowLength; q++) {
    indices[p] = mclp ? q : n + q;
    values[p++] = mclp ? 1 : small.demandWeight[q]!;
  }
  starts[numRows] = p;
  const rowLower = new Float64Array(numRows).fill(-highs.infinity);
  const rowUpper = new Float64Array(numRows);
  if (mclp) {
    rowUpper[m] = request.k;
  } else {
    rowLower[m] = needed;
    rowUpper[m] = highs.infinity;
  }

  // The greedy incumbent: x from its sites, y_i = 1 where one of them covers i.
  const start = new Float64Array(numCols);
  for (const j of greedy.chosen) {
    start[j] = 1;
    for (let q = small.coverStart[j]!; q < small.coverStart[j + 1]!; q++) start[n + small.coverIndex[q]!] = 1;
  }

  const timeLimit_s = options.timeLimit_s ?? DEFAULT_TIME_LIMIT_S;
  const model = highs.createModel({
    numCols,
    numRows,
    sense: mclp ? highs.constants.objectiveSense.maximize : highs.constants.objectiveSense.minimize,
    colCost,
    colLower,
    colUpper,
    rowLower,
    rowUpper,
    matrix: { format: 'csr', numRows, numCols, starts, indices, values },
    integrality,
  });
  try {
    model.options.set({
      output_flag: false,
      time_limit: timeLimit_s,
      mip_rel_gap: options.mipRelGap ?? DEFAULT_MIP_REL_GAP,
      presolve: options.presolve ?? DEFAULT_PRESOLVE,
    });
    model.setSolution({ colValue: start });
    // HiGHS checks its time limit only between some steps: an LSCP on 1,000 × 100,000 with a 10 s
    // limit ran 21 s. Its interrupt checkpoints (simplex iterations, MIP nodes) stop it on the
    // wall clock too.
    const deadline = performance.now() + 1_000 * timeLimit_s;
    const stopWhenLate = (event: { interrupt(): void }): undefined => {
      if (performance.now() > deadline) event.interrupt();
    };
    const types = highs.constants.callbackType;
    const { modelStatus } = model.run({
      [types.mipInterrupt]: stopWhenLate,
      [types.simplexInterrupt]: stopWhenLate,
    });
    const codes = highs.constants.modelStatus;
    let status: SitingStatus;
    if (modelStatus === codes.optimal) status = 'optimal';
    else if (modelStatus === codes.timeLimit || modelStatus === codes.interrupted) status = 'time_limit';
    else if (modelStatus === codes.infeasible) status = 'infeasible';
    else throw new Error(`siting: HiGHS ended with model status ${modelStatus}`);
    if (status === 'infeasible') return { chosen: [], status, mipGap: 0 };
    const x = model.getSolution().colValue;
    const chosen: number[] = [];
    for (let j = 0; j < n; j++) if (x[j]! > 0.5) chosen.push(j);
    // Infinite when the time ran out before any bound was proved: report a 100 % gap, not Infinity (no JSON).
    const gap = Number(model.info.get('mip_gap'));
    return { chosen, status, mipGap: Number.isFinite(gap) ? Math.max(0, gap) : 1 };
  } finally {
    model.dispose();
  }
}

/**
 * Removes chosen sites while the rest still do the job: a site goes when the weight only it covers
 * is at most `maxLoss`, or, with `keepNewWeight`, when the rest still newly cover at least that
 * much. The site that covers least on its own goes first.
 */
export function withoutRedundantSites(
  problem: SitingProblem,
  sites: readonly number[],
  maxLoss: number,
  keepNewWeight = Number.POSITIVE_INFINITY,
): number[] {
  const { demandWeight, coverStart, coverIndex, alreadyCovered } = problem;
  const count = new Int32Array(demandWeight.length);
  for (const j of sites) for (let p = coverStart[j]!; p < coverStart[j + 1]!; p++) count[coverIndex[p]!]!++;
  let newly = 0;
  for (let i = 0; i < demandWeight.length; i++) if (count[i]! > 0 && !alreadyCovered?.[i]) newly += demandWeight[i]!;
  const kept = new Set(sites);
  const slack = targetSlack(newly);
  for (;;) {
    let weakest = -1;
    let weakestOwn = Number.POSITIVE_INFINITY;
    for (const j of kept) {
      let own = 0;
      for (let p = coverStart[j]!; p < coverStart[j + 1]!; p++) {
        const i = coverIndex[p]!;
        if (count[i] === 1 && !alreadyCovered?.[i]) own += demandWeight[i]!;
      }
      if (own < weakestOwn) {
        weakestOwn = own;
        weakest = j;
      }
    }
    if (weakest === -1) break;
    const removable =
      weakestOwn <= maxLoss + slack ||
      (keepNewWeight !== Number.POSITIVE_INFINITY && newly - weakestOwn >= keepNewWeight);
    if (!removable) break;
    kept.delete(weakest);
    newly -= weakestOwn;
    for (let p = coverStart[weakest]!; p < coverStart[weakest + 1]!; p++) count[coverIndex[p]!]!--;
  }
  return sites.filter((j) => kept.has(j));
}
