/**
 * Demand merging: demand points that exactly the same set of candidates covers are one point to
 * every covering model (choosing sites covers all of them or none), so they merge into one point
 * carrying the summed weight. Points no candidate covers, points existing stations already cover and
 * points of zero weight can never change a choice, so they drop out; the totals kept here let the
 * caller still report figures for the original problem. On clustered demand (many people per
 * building, many buildings per block) this shrinks the exact model by a large factor.
 */
import type { SitingProblem } from './types';

export type MergedDemand = {
  /** The smaller problem: same candidates (same indices), merged demand, nothing already covered. */
  problem: SitingProblem;
  /**
   * The same coverage demand-major: merged point i is covered by candidates
   * `demandCoverIndex[demandCoverStart[i] .. demandCoverStart[i + 1] - 1]`, ascending. Exact models
   * write one row per merged point from it.
   */
  demandCoverStart: Int32Array;
  demandCoverIndex: Int32Array;
  /** Original demand index → merged index, or -1 when the point dropped out. */
  demandGroup: Int32Array;
  /** All weight of the original problem. */
  totalWeight: number;
  /** Weight existing stations already cover. */
  alreadyCoveredWeight: number;
  /** Weight neither existing stations nor any candidate covers. */
  uncoverableWeight: number;
};

/** Candidate count of a problem. */
export const candidateCount = (problem: SitingProblem) => problem.coverStart.length - 1;

/**
 * Throws on a malformed problem: CSR offsets out of order, indices out of range, a demand point
 * listed twice by one candidate (it would count twice in every gain), negative or non-finite weights.
 */
export function validateProblem(problem: SitingProblem): void {
  const { demandWeight, coverStart, coverIndex, alreadyCovered } = problem;
  const demandCount = demandWeight.length;
  const candidates = coverStart.length - 1;
  if (candidates < 0 || coverStart[0] !== 0 || coverStart[candidates] !== coverIndex.length) {
    throw new RangeError('siting: coverStart must start at 0 and end at coverIndex.length');
  }
  if (alreadyCovered && alreadyCovered.length !== demandCount) {
    throw new RangeError('siting: alreadyCovered must have one entry per demand point');
  }
  for (let i = 0; i < demandCount; i++) {
    const w = demandWeight[i]!;
    if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`siting: demand weight ${i} is ${w}`);
  }
  const lastSeen = new Int32Array(demandCount).fill(-1);
  for (let j = 0; j < candidates; j++) {
    const from = coverStart[j]!;
    const to = coverStart[j + 1]!;
    if (to < from) throw new RangeError(`siting: coverStart decreases at candidate ${j}`);
    for (let p = from; p < to; p++) {
      const i = coverIndex[p]!;
      if (i < 0 || i >= demandCount) throw new RangeError(`siting: candidate ${j} covers demand ${i}, out of range`);
      if (lastSeen[i] === j) throw new RangeError(`siting: candidate ${j} lists demand ${i} twice`);
      lastSeen[i] = j;
    }
  }
}

/** Merges demand points with identical candidate sets (see the file comment). Validates first. */
export function mergeDemand(problem: SitingProblem): MergedDemand {
  validateProblem(problem);
  const { demandWeight, coverStart, coverIndex, alreadyCovered } = problem;
  const demandCount = demandWeight.length;
  const candidates = coverStart.length - 1;

  let totalWeight = 0;
  let alreadyCoveredWeight = 0;
  let uncoverableWeight = 0;
  // A point takes part when it has weight and is not covered yet; then count its candidates.
  const coverCount = new Int32Array(demandCount);
  for (let j = 0; j < candidates; j++) {
    for (let p = coverStart[j]!; p < coverStart[j + 1]!; p++) coverCount[coverIndex[p]!]!++;
  }
  const live = new Uint8Array(demandCount);
  for (let i = 0; i < demandCount; i++) {
    const w = demandWeight[i]!;
    totalWeight += w;
    if (alreadyCovered?.[i]) alreadyCoveredWeight += w;
    else if (w > 0 && coverCount[i]! > 0) live[i] = 1;
    else uncoverableWeight += w;
  }

  // Transpose the live part to demand-major; candidates come out ascending because j ascends.
  const start = new Int32Array(demandCount + 1);
  for (let i = 0; i < demandCount; i++) start[i + 1] = start[i]! + (live[i] ? coverCount[i]! : 0);
  const byDemand = new Int32Array(start[demandCount]!);
  const fill = start.slice(0, demandCount);
  for (let j = 0; j < candidates; j++) {
    for (let p = coverStart[j]!; p < coverStart[j + 1]!; p++) {
      const i = coverIndex[p]!;
      if (live[i]) byDemand[fill[i]!++] = j;
    }
  }

  // Group identical candidate lists: hash, then compare exactly within a hash bucket.
  const demandGroup = new Int32Array(demandCount).fill(-1);
  const groupFirst: number[] = []; // an original point standing for each group
  const groupWeight: number[] = [];
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < demandCount; i++) {
    if (!live[i]) continue;
    const from = start[i]!;
    const to = start[i + 1]!;
    let hash = 0x811c9dc5 ^ (to - from);
    for (let p = from; p < to; p++) hash = Math.imul(hash ^ byDemand[p]!, 0x01000193);
    let bucket = buckets.get(hash);
    let group = -1;
    if (bucket) {
      for (const g of bucket) {
        const other = groupFirst[g]!;
        const otherFrom = start[other]!;
        if (start[other + 1]! - otherFrom !== to - from) continue;
        let same = true;
        for (let p = 0; p < to - from && same; p++) same = byDemand[from + p] === byDemand[otherFrom + p];
        if (same) {
          group = g;
          break;
        }
      }
    } else {
      bucket = [];
      buckets.set(hash, bucket);
    }
    if (group === -1) {
      group = groupFirst.length;
      groupFirst.push(i);
      groupWeight.push(0);
      bucket.push(group);
    }
    groupWeight[group] = groupWeight[group]! + demandWeight[i]!;
    demandGroup[i] = group;
  }

  const groups = groupFirst.length;
  const demandCoverStart = new Int32Array(groups + 1);
  for (let g = 0; g < groups; g++) {
    const first = groupFirst[g]!;
    demandCoverStart[g + 1] = demandCoverStart[g]! + (start[first + 1]! - start[first]!);
  }
  const demandCoverIndex = new Int32Array(demandCoverStart[groups]!);
  const mergedCoverCount = new Int32Array(candidates);
  for (let g = 0; g < groups; g++) {
    const first = groupFirst[g]!;
    demandCoverIndex.set(byDemand.subarray(start[first]!, start[first + 1]!), demandCoverStart[g]!);
    for (let p = start[first]!; p < start[first + 1]!; p++) mergedCoverCount[byDemand[p]!]!++;
  }
  // And back to candidate-major for the merged problem.
  const mergedCoverStart = new Int32Array(candidates + 1);
  for (let j = 0; j < candidates; j++) mergedCoverStart[j + 1] = mergedCoverStart[j]! + mergedCoverCount[j]!;
  const mergedCoverIndex = new Int32Array(demandCoverIndex.length);
  const mergedFill = mergedCoverStart.slice(0, candidates);
  for (let g = 0; g < groups; g++) {
    for (let p = demandCoverStart[g]!; p < demandCoverStart[g + 1]!; p++) {
      mergedCoverIndex[mergedFill[demandCoverIndex[p]!]!++] = g;
    }
  }

  return {
    problem: {
      demandWeight: Float64Array.from(groupWeight),
      coverStart: mergedCoverStart,
      coverIndex: mergedCoverIndex,
    },
    demandCoverStart,
    demandCoverIndex,
    demandGroup,
    totalWeight,
    alreadyCoveredWeight,
    uncoverableWeight,
  };
}

export type ProblemTotals = {
  totalWeight: number;
  alreadyCoveredWeight: number;
  /** Weight that existing stations plus every candidate together cover. */
  reachableWeight: number;
};

/** The totals results report, computed on the original problem (no merging). */
export function problemTotals(problem: SitingProblem): ProblemTotals {
  const { demandWeight, coverStart, coverIndex, alreadyCovered } = problem;
  const reached = alreadyCovered ? Uint8Array.from(alreadyCovered) : new Uint8Array(demandWeight.length);
  let totalWeight = 0;
  let alreadyCoveredWeight = 0;
  for (let i = 0; i < demandWeight.length; i++) {
    totalWeight += demandWeight[i]!;
    if (reached[i]) alreadyCoveredWeight += demandWeight[i]!;
  }
  let reachableWeight = alreadyCoveredWeight;
  for (let p = 0; p < coverStart[coverStart.length - 1]!; p++) {
    const i = coverIndex[p]!;
    if (!reached[i]) {
      reached[i] = 1;
      reachableWeight += demandWeight[i]!;
    }
  }
  return { totalWeight, alreadyCoveredWeight, reachableWeight };
}
