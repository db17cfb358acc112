/**
 * Lazy greedy (CELF, Leskovec et al. 2007) for covering problems. Coverage is submodular: a site's
 * marginal gain can only fall as other sites are chosen, so a gain computed in an earlier round is
 * an upper bound. A max-heap holds those stale bounds; the top is recomputed, and when the top is
 * already fresh for this round nothing below it can beat it. On 2,000 candidates most rounds
 * recompute a handful of sites instead of all of them.
 *
 * Ties go to the lower candidate index, the same rule a naive greedy (recompute everything each
 * round, take the first maximum) follows, so both choose exactly the same sites.
 */
import { problemTotals, validateProblem } from './merge';
import type { SitingProblem, SitingResult } from './types';

export type GreedyRun = {
  chosen: number[];
  gain: number[];
  /** Weight the chosen sites newly cover (sum of `gain`). */
  newlyCoveredWeight: number;
};

export type GreedyLimits = {
  /** Stop after this many sites. */
  maxSites: number;
  /** Stop as soon as the newly covered weight reaches this. */
  stopAtNewWeight?: number;
  /** Only these candidates may be chosen (all when absent). */
  candidates?: ArrayLike<number>;
};

/** A max-heap of candidates keyed by (gain desc, index asc), on typed arrays. */
class GainHeap {
  readonly keys: Float64Array;
  readonly items: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.keys = new Float64Array(capacity);
    this.items = new Int32Array(capacity);
  }
  private above(a: number, b: number): boolean {
    const ka = this.keys[a]!;
    const kb = this.keys[b]!;
    return ka > kb || (ka === kb && this.items[a]! < this.items[b]!);
  }
  private swap(a: number, b: number): void {
    const k = this.keys[a]!;
    this.keys[a] = this.keys[b]!;
    this.keys[b] = k;
    const it = this.items[a]!;
    this.items[a] = this.items[b]!;
    this.items[b] = it;
  }
  push(item: number, key: number): void {
    let i = this.size++;
    this.keys[i] = key;
    this.items[i] = item;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.above(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  /** Removes the top; read `keys[0]`/`items[0]` before calling. */
  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    this.keys[0] = this.keys[last]!;
    this.items[0] = this.items[last]!;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= last) break;
      const right = left + 1;
      const child = right < last && this.above(right, left) ? right : left;
      if (!this.above(child, i)) break;
      this.swap(child, i);
      i = child;
    }
  }
}

/**
 * Runs lazy greedy on a (validated) problem. Sites whose gain is 0 are never chosen, so the run may
 * end before `maxSites`.
 */
export function lazyGreedy(problem: SitingProblem, limits: GreedyLimits): GreedyRun {
  const { demandWeight, coverStart, coverIndex, alreadyCovered } = problem;
  const covered = alreadyCovered ? Uint8Array.from(alreadyCovered) : new Uint8Array(demandWeight.length);
  const candidateTotal = coverStart.length - 1;
  const pool = limits.candidates ?? null;
  const poolSize = pool ? pool.length : candidateTotal;
  const heap = new GainHeap(poolSize);
  const freshInRound = new Int32Array(candidateTotal);

  const gainOf = (j: number) => {
    let g = 0;
    for (let p = coverStart[j]!, end = coverStart[j + 1]!; p < end; p++) {
      const i = coverIndex[p]!;
      if (!covered[i]) g += demandWeight[i]!;
    }
    return g;
  };
  for (let q = 0; q < poolSize; q++) {
    const j = pool ? pool[q]! : q;
    const g = gainOf(j);
    if (g > 0) heap.push(j, g);
  }

  const chosen: number[] = [];
  const gain: number[] = [];
  let newlyCoveredWeight = 0;
  let round = 0;
  const stopAt = limits.stopAtNewWeight ?? Number.POSITIVE_INFINITY;
  while (chosen.length < limits.maxSites && newlyCoveredWeight < stopAt && heap.size > 0) {
    const j = heap.items[0]!;
    const key = heap.keys[0]!;
    heap.pop();
    if (freshInRound[j] === round) {
      chosen.push(j);
      gain.push(key);
      newlyCoveredWeight += key;
      for (let p = coverStart[j]!, end = coverStart[j + 1]!; p < end; p++) covered[coverIndex[p]!] = 1;
      round++;
      continue;
    }
    const g = gainOf(j);
    freshInRound[j] = round;
    if (g > 0) heap.push(j, g);
  }
  return { chosen, gain, newlyCoveredWeight };
}

/**
 * Tolerance on reaching a target weight: sums of many float weights drift in the last bits, and a
 * target of exactly "95 % of 621,402 people" must not fail by 1e-10 of a person.
 */
export const targetSlack = (totalWeight: number) => 1e-9 * Math.max(1, totalWeight);

type Totals = ReturnType<typeof problemTotals>;

export function sitingResult(
  base: Pick<SitingResult, 'objective' | 'solver' | 'status' | 'mipGap'> & { targetShare?: number },
  run: Pick<GreedyRun, 'chosen' | 'gain'>,
  totals: Totals,
  started: number,
): SitingResult {
  const newly = run.gain.reduce((sum, g) => sum + g, 0);
  const coveredWeight = totals.alreadyCoveredWeight + newly;
  const share = (w: number) => (totals.totalWeight > 0 ? w / totals.totalWeight : 0);
  return {
    objective: base.objective,
    solver: base.solver,
    status: base.status,
    chosen: run.chosen,
    gain: run.gain,
    coveredWeight,
    coveredShare: share(coveredWeight),
    totalWeight: totals.totalWeight,
    alreadyCoveredWeight: totals.alreadyCoveredWeight,
    bestReachableShare: share(totals.reachableWeight),
    ...(base.targetShare === undefined ? {} : { targetShare: base.targetShare }),
    mipGap: base.mipGap,
    elapsed_ms: performance.now() - started,
  };
}

export function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 0) throw new RangeError(`siting: k must be a non-negative integer, got ${k}`);
}

export function checkTargetShare(targetShare: number): void {
  if (!(targetShare >= 0 && targetShare <= 1)) {
    throw new RangeError(`siting: targetShare must be within [0, 1], got ${targetShare}`);
  }
}

/** MCLP by lazy greedy: k sites (fewer when the rest add nothing), each the best given those before. */
export function mclpGreedy(problem: SitingProblem, k: number): SitingResult {
  const started = performance.now();
  checkK(k);
  validateProblem(problem);
  const totals = problemTotals(problem);
  const run = lazyGreedy(problem, { maxSites: k });
  return sitingResult({ objective: 'mclp', solver: 'greedy', status: 'greedy', mipGap: null }, run, totals, started);
}

/**
 * LSCP by lazy greedy: add the best site until covered weight reaches `targetShare` of all weight.
 * When every candidate together cannot reach it, the status is `infeasible`, no site is chosen, and
 * `bestReachableShare` says how far coverage can go.
 */
export function lscpGreedy(problem: SitingProblem, targetShare: number): SitingResult {
  const started = performance.now();
  checkTargetShare(targetShare);
  validateProblem(problem);
  const totals = problemTotals(problem);
  const base = { objective: 'lscp', solver: 'greedy', mipGap: null, targetShare } as const;
  const needed = targetShare * totals.totalWeight - totals.alreadyCoveredWeight - targetSlack(totals.totalWeight);
  if (totals.reachableWeight - totals.alreadyCoveredWeight < needed) {
    return sitingResult({ ...base, status: 'infeasible' }, { chosen: [], gain: [] }, totals, started);
  }
  const run =
    needed > 0
      ? lazyGreedy(problem, { maxSites: Number.POSITIVE_INFINITY, stopAtNewWeight: needed })
      : { chosen: [], gain: [] };
  return sitingResult({ ...base, status: 'greedy' }, run, totals, started);
}
