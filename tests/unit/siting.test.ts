/**
 * Site selection solvers (server/src/siting/). Oracles that share no code with the solvers:
 * optima worked out by hand (the golden cases' `expected`, and the tiny inline cases), exhaustive
 * search over every set of sites on small random problems, and a naive greedy that recomputes every
 * gain every round.
 */
import type { FeatureCollection, Point } from 'geojson';
import { describe, expect, it } from 'vitest';
import { coverSetsWithinRadius, type LngLat } from '../../server/src/siting/cover-sets';
import { lscpExact, mclpExact, withoutRedundantSites } from '../../server/src/siting/exact';
import { lazyGreedy, lscpGreedy, mclpGreedy } from '../../server/src/siting/greedy';
import { mergeDemand, problemTotals, validateProblem } from '../../server/src/siting/merge';
import { solveSiting } from '../../server/src/siting/solve';
import type { SitingProblem, SitingRequest, SitingResult } from '../../server/src/siting/types';
import { golden, goldenCases, readGoldenInput } from '../support/golden';
import { mulberry32 } from '../support/random';

/** Builds a problem from candidate cover lists written out by hand. */
function problemOf(weights: number[], covers: number[][], alreadyCovered?: number[]): SitingProblem {
  const coverStart = new Int32Array(covers.length + 1);
  covers.forEach((list, j) => (coverStart[j + 1] = coverStart[j]! + list.length));
  return {
    demandWeight: Float64Array.from(weights),
    coverStart,
    coverIndex: Int32Array.from(covers.flat()),
    ...(alreadyCovered ? { alreadyCovered: Uint8Array.from(alreadyCovered) } : {}),
  };
}

/** A random problem: `candidates` sites each covering a random handful of `demand` points. */
function randomProblem(seed: number, candidates: number, demand: number, withExisting = true): SitingProblem {
  const random = mulberry32(seed);
  const covers = Array.from({ length: candidates }, () => {
    const size = 1 + Math.floor(random() * Math.min(8, demand));
    const set = new Set<number>();
    // Clustered: a site covers points around a random centre, so identical cover sets (mergeable) occur.
    const centre = Math.floor(random() * demand);
    while (set.size < size) set.add((centre + Math.floor(random() * 12)) % demand);
    return [...set].sort((a, b) => a - b);
  });
  const weights = Array.from({ length: demand }, () => (random() < 0.1 ? 0 : 1 + Math.floor(random() * 50)));
  const existing = withExisting ? Array.from({ length: demand }, () => (random() < 0.15 ? 1 : 0)) : undefined;
  return problemOf(weights, covers, existing);
}

/** Weight covered by a set of sites, existing coverage included, counted directly. */
function coveredBy(problem: SitingProblem, sites: readonly number[]): number {
  const covered = new Set<number>();
  problem.demandWeight.forEach((_, i) => problem.alreadyCovered?.[i] && covered.add(i));
  for (const j of sites) {
    for (let p = problem.coverStart[j]!; p < problem.coverStart[j + 1]!; p++) covered.add(problem.coverIndex[p]!);
  }
  let weight = 0;
  for (const i of covered) weight += problem.demandWeight[i]!;
  return weight;
}

/** Every subset of {0..n-1} of size ≤ k. */
function* subsets(n: number, k: number, from = 0, picked: number[] = []): Generator<number[]> {
  yield picked;
  if (picked.length === k) return;
  for (let j = from; j < n; j++) yield* subsets(n, k, j + 1, [...picked, j]);
}

/** Exhaustive MCLP: the best covered weight with at most k sites. */
function bruteMclp(problem: SitingProblem, k: number): number {
  let best = 0;
  for (const set of subsets(problem.coverStart.length - 1, k)) best = Math.max(best, coveredBy(problem, set));
  return best;
}

/** Exhaustive LSCP: the fewest sites reaching `target` weight, or null. */
function bruteLscp(problem: SitingProblem, target: number): number | null {
  let best: number | null = null;
  for (const set of subsets(problem.coverStart.length - 1, problem.coverStart.length - 1)) {
    if (coveredBy(problem, set) >= target - 1e-9 && (best === null || set.length < best)) best = set.length;
  }
  return best;
}

/** The naive greedy: recompute every site's gain every round, take the first maximum. */
function naiveGreedy(problem: SitingProblem, k: number) {
  const chosen: number[] = [];
  const gain: number[] = [];
  const covered = Uint8Array.from(problem.alreadyCovered ?? new Uint8Array(problem.demandWeight.length));
  for (let round = 0; round < k; round++) {
    let bestSite = -1;
    let bestGain = 0;
    for (let j = 0; j < problem.coverStart.length - 1; j++) {
      let g = 0;
      for (let p = problem.coverStart[j]!; p < problem.coverStart[j + 1]!; p++) {
        if (!covered[problem.coverIndex[p]!]) g += problem.demandWeight[problem.coverIndex[p]!]!;
      }
      if (g > bestGain) {
        bestGain = g;
        bestSite = j;
      }
    }
    if (bestSite === -1) break;
    chosen.push(bestSite);
    gain.push(bestGain);
    for (let p = problem.coverStart[bestSite]!; p < problem.coverStart[bestSite + 1]!; p++) {
      covered[problem.coverIndex[p]!] = 1;
    }
  }
  return { chosen, gain };
}

type GoldenInput = FeatureCollection<
  Point,
  { role: 'demand' | 'candidate' | 'existing'; name: string; weight?: number; along_m: number }
> & {
  radius_m: number;
  request: SitingRequest;
  expected: {
    totalWeight: number;
    alreadyCoveredWeight: number;
    bestReachableShare: number;
    exact: { sites: string[]; gain: number[]; coveredWeight: number };
    greedy: { sites: string[]; gain: number[]; coveredWeight: number };
  };
};

/** The fixture's points as a SitingProblem, through the radius helper the audit service may use. */
function goldenProblem(input: GoldenInput) {
  const of = (role: string) => input.features.filter((f) => f.properties.role === role);
  const position = (f: GoldenInput['features'][number]) => f.geometry.coordinates as unknown as LngLat;
  const demand = of('demand');
  const candidates = of('candidate');
  const cover = coverSetsWithinRadius(candidates.map(position), demand.map(position), input.radius_m);
  const existing = coverSetsWithinRadius(of('existing').map(position), demand.map(position), input.radius_m);
  const alreadyCovered = new Uint8Array(demand.length);
  for (const i of existing.coverIndex) alreadyCovered[i] = 1;
  const problem: SitingProblem = {
    demandWeight: Float64Array.from(demand, (f) => f.properties.weight!),
    ...cover,
    alreadyCovered,
  };
  return { problem, candidates };
}

/** A result as the audit's response shows it: the sites as points, the figures, no timings. */
function asSites(result: SitingResult, candidates: GoldenInput['features']) {
  const { elapsed_ms: _elapsed, highs_ms: _highs, chosen, gain, ...figures } = result;
  return {
    type: 'FeatureCollection',
    properties: figures,
    features: chosen.map((j, rank) => ({
      type: 'Feature',
      geometry: candidates[j]!.geometry,
      properties: { rank: rank + 1, candidate: j, name: candidates[j]!.properties.name, gain_population: gain[rank] },
    })),
  };
}

describe('siting golden cases (optimum known by hand)', () => {
  const cases = goldenCases('siting');
  it('has the hand-computed cases', () => {
    expect(cases).toEqual(['line-pair', 'lscp-minimum']);
  });

  for (const name of cases) {
    it(name, async () => {
      const input = readGoldenInput<GoldenInput>('siting', name);
      const { problem, candidates } = goldenProblem(input);
      const names = (result: SitingResult) => result.chosen.map((j) => candidates[j]!.properties.name);
      const { request, expected } = input;
      const [exact, greedy] =
        request.objective === 'mclp'
          ? [await mclpExact(problem, request.k), mclpGreedy(problem, request.k)]
          : [await lscpExact(problem, request.targetShare), lscpGreedy(problem, request.targetShare)];

      for (const result of [exact, greedy]) {
        expect(result.totalWeight).toBe(expected.totalWeight);
        expect(result.alreadyCoveredWeight).toBe(expected.alreadyCoveredWeight);
        expect(result.bestReachableShare).toBeCloseTo(expected.bestReachableShare, 12);
      }
      expect(exact.status).toBe('optimal');
      expect(exact.mipGap).toBeLessThanOrEqual(1e-6);
      expect(names(exact)).toEqual(expected.exact.sites);
      expect(exact.gain).toEqual(expected.exact.gain);
      expect(exact.coveredWeight).toBe(expected.exact.coveredWeight);
      expect(greedy.status).toBe('greedy');
      expect(greedy.mipGap).toBeNull();
      expect(names(greedy)).toEqual(expected.greedy.sites);
      expect(greedy.gain).toEqual(expected.greedy.gain);
      expect(greedy.coveredWeight).toBe(expected.greedy.coveredWeight);
      // The greedy comparison the exact result carries agrees with the greedy run itself.
      expect(exact.greedy).toMatchObject({ coveredWeight: greedy.coveredWeight, siteCount: greedy.chosen.length });
      if (request.objective === 'mclp') expect(greedy.coveredWeight).toBeLessThan(exact.coveredWeight);
      else expect(greedy.chosen.length).toBeGreaterThan(exact.chosen.length);

      const actual = { exact: asSites(exact, candidates), greedy: asSites(greedy, candidates) };
      expect(actual).toEqual(golden('siting', name, actual));
    });
  }
});

describe('MCLP', () => {
  // The line case inline: L, M, R over five points weighted 3, 4, 2, 4, 3.
  const line = problemOf(
    [3, 4, 2, 4, 3],
    [
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
    ],
  );

  it('exact finds the best pair that is not the two best singles; greedy falls short', async () => {
    const exact = await mclpExact(line, 2);
    expect(exact).toMatchObject({
      status: 'optimal',
      chosen: [0, 2],
      gain: [9, 7],
      coveredWeight: 16,
      solver: 'exact',
    });
    expect(exact.greedy).toEqual({ coveredWeight: 13, siteCount: 2, shortfallShare: 3 / 16, extraSites: 0 });
    const greedy = mclpGreedy(line, 2);
    expect(greedy).toMatchObject({ status: 'greedy', chosen: [1, 0], gain: [10, 3], coveredWeight: 13 });
    expect(greedy.coveredShare).toBe(13 / 16);
  });

  it('drops chosen sites that add nothing, or that the target can spare', () => {
    // M covers nothing that L and R don't.
    expect(withoutRedundantSites(line, [0, 1, 2], 0)).toEqual([0, 2]);
    expect(withoutRedundantSites(line, [0, 2], 0)).toEqual([0, 2]);
    // With 12 of 16 to keep: L+M+R → drop M (own 0) → L or R alone covers 9 < 12, so stop at two.
    expect(withoutRedundantSites(line, [0, 1, 2], 0, 12)).toEqual([0, 2]);
    // With 9 to keep, one of L and R can go too (the lower index goes first on a tie).
    expect(withoutRedundantSites(line, [0, 1, 2], 0, 9)).toEqual([2]);
  });

  it('returns fewer than k sites when the rest add nothing, and k = 0 chooses none', async () => {
    const exact = await mclpExact(line, 3);
    expect(exact.chosen).toEqual([0, 2]);
    expect(exact.coveredWeight).toBe(16);
    expect(mclpGreedy(line, 5)).toMatchObject({ chosen: [1, 0, 2], gain: [10, 3, 3] });
    expect(await mclpExact(line, 0)).toMatchObject({ chosen: [], coveredWeight: 0, status: 'optimal' });
  });

  it('gains nothing from points existing stations already cover', async () => {
    const covered = problemOf(
      [3, 4, 2, 4, 3],
      [
        [0, 1, 2],
        [1, 2, 3],
        [2, 3, 4],
      ],
      [1, 1, 0, 0, 0],
    );
    const exact = await mclpExact(covered, 1);
    // R adds 2 + 4 + 3 = 9 to the 7 already covered; L would add only 2.
    expect(exact).toMatchObject({ chosen: [2], gain: [9], coveredWeight: 16, alreadyCoveredWeight: 7 });
  });

  it('exact equals exhaustive search on random small problems, and is never below greedy', async () => {
    for (let seed = 1; seed <= 25; seed++) {
      const problem = randomProblem(seed, 9, 20);
      const k = 1 + (seed % 4);
      const exact = await mclpExact(problem, k, { mipRelGap: 0 });
      expect(exact.status).toBe('optimal');
      expect(exact.coveredWeight).toBe(bruteMclp(problem, k));
      expect(exact.coveredWeight).toBe(coveredBy(problem, exact.chosen));
      expect(exact.gain.reduce((a, b) => a + b, 0)).toBe(exact.coveredWeight - exact.alreadyCoveredWeight);
      expect(exact.coveredWeight).toBeGreaterThanOrEqual(mclpGreedy(problem, k).coveredWeight);
    }
  });

  it('at the time limit keeps the best incumbent (never below greedy) and reports the gap', async () => {
    const problem = randomProblem(500, 300, 3_000);
    const stopped = await mclpExact(problem, 12, { timeLimit_s: 1e-3 });
    expect(stopped.status).toBe('time_limit');
    expect(stopped.mipGap).toBeGreaterThan(0);
    expect(stopped.chosen.length).toBeLessThanOrEqual(12);
    expect(stopped.coveredWeight).toBe(coveredBy(problem, stopped.chosen));
    expect(stopped.coveredWeight).toBeGreaterThanOrEqual(mclpGreedy(problem, 12).coveredWeight);
  });

  it('lazy greedy chooses exactly what naive greedy chooses, gains included', () => {
    for (let seed = 100; seed < 160; seed++) {
      const problem = randomProblem(seed, 40, 120, seed % 2 === 0);
      const k = 1 + (seed % 12);
      const lazy = mclpGreedy(problem, k);
      expect({ chosen: lazy.chosen, gain: lazy.gain }).toEqual(naiveGreedy(problem, k));
    }
  });

  it('lazy greedy breaks ties towards the lower index, as naive greedy does', () => {
    const ties = problemOf([1, 1, 1, 1], [[3], [0, 1], [2, 3], [0, 1]]);
    expect(lazyGreedy(ties, { maxSites: 3 }).chosen).toEqual([1, 2]);
    expect(naiveGreedy(ties, 3).chosen).toEqual([1, 2]);
  });
});

describe('LSCP', () => {
  // The golden lscp-minimum case inline: G covers the middle four, T1 the first three, T2 the last three.
  const six = problemOf(
    [1, 1, 1, 1, 1, 1],
    [
      [1, 2, 3, 4],
      [0, 1, 2],
      [3, 4, 5],
    ],
  );

  it('exact finds the known minimum, greedy uses one site more', async () => {
    expect(await lscpExact(six, 1)).toMatchObject({
      status: 'optimal',
      chosen: [1, 2],
      coveredWeight: 6,
      targetShare: 1,
    });
    expect(lscpGreedy(six, 1)).toMatchObject({ status: 'greedy', chosen: [0, 1, 2], gain: [4, 1, 1] });
    // Four of six is G alone, for both.
    expect((await lscpExact(six, 4 / 6)).chosen).toEqual([0]);
    expect(lscpGreedy(six, 4 / 6).chosen).toEqual([0]);
  });

  it('says when the target is unreachable, and how far coverage can go', async () => {
    const withVillage = problemOf(
      [1, 1, 1, 1, 1, 1, 2],
      [
        [1, 2, 3, 4],
        [0, 1, 2],
        [3, 4, 5],
      ],
    );
    for (const result of [await lscpExact(withVillage, 0.95), lscpGreedy(withVillage, 0.95)]) {
      expect(result).toMatchObject({ status: 'infeasible', chosen: [], gain: [], targetShare: 0.95 });
      expect(result.bestReachableShare).toBe(6 / 8);
    }
    // Exactly the reachable share is reachable.
    expect((await lscpExact(withVillage, 6 / 8)).chosen).toEqual([1, 2]);
  });

  it('counts existing coverage towards the target and needs no site when it is already met', async () => {
    const covered = problemOf(
      [1, 1, 1, 1, 1, 1],
      [
        [1, 2, 3, 4],
        [0, 1, 2],
        [3, 4, 5],
      ],
      [1, 0, 0, 0, 0, 1],
    );
    // d0 and d5 already covered: G alone reaches 100 %.
    expect(await lscpExact(covered, 1)).toMatchObject({ status: 'optimal', chosen: [0], coveredWeight: 6 });
    expect(await lscpExact(covered, 2 / 6)).toMatchObject({ status: 'optimal', chosen: [], coveredWeight: 2 });
    expect(lscpGreedy(covered, 0.3).chosen).toEqual([]);
  });

  it('a target of 95 % of a weight total that floats cannot hold exactly is met, not missed by 1e-12', async () => {
    const tenths = problemOf(
      Array(20).fill(0.1),
      Array.from({ length: 20 }, (_, i) => [i]),
    );
    const exact = await lscpExact(tenths, 0.95);
    expect(exact.chosen).toHaveLength(19);
    expect(lscpGreedy(tenths, 0.95).chosen).toHaveLength(19);
  });

  it('exact equals exhaustive search on random small problems', async () => {
    for (let seed = 200; seed < 220; seed++) {
      const problem = randomProblem(seed, 8, 16);
      const totals = problemTotals(problem);
      const share = 0.5 + 0.5 * mulberry32(seed)();
      const exact = await lscpExact(problem, share, { mipRelGap: 0 });
      const brute = bruteLscp(problem, share * totals.totalWeight);
      if (brute === null) {
        expect(exact.status).toBe('infeasible');
      } else {
        expect(exact.status).toBe('optimal');
        expect(exact.chosen).toHaveLength(brute);
        expect(exact.coveredShare).toBeGreaterThanOrEqual(share - 1e-9);
        expect(lscpGreedy(problem, share).chosen.length).toBeGreaterThanOrEqual(brute);
      }
    }
  });
});

describe('mergeDemand', () => {
  it('merges points with the same candidates, drops covered, uncoverable and weightless ones', () => {
    // Points 0 and 1: {0}; 2 and 4: {0, 1}; 3: {1}; 5: nobody; 6: already covered; 7: weight 0.
    const problem = problemOf(
      [5, 6, 1, 2, 3, 7, 4, 0],
      [
        [0, 1, 2, 4, 6, 7],
        [2, 3, 4],
      ],
      [0, 0, 0, 0, 0, 0, 1, 0],
    );
    const merged = mergeDemand(problem);
    expect(Array.from(merged.problem.demandWeight)).toEqual([11, 4, 2]);
    expect(Array.from(merged.demandGroup)).toEqual([0, 0, 1, 2, 1, -1, -1, -1]);
    expect(Array.from(merged.problem.coverStart)).toEqual([0, 2, 4]);
    expect(Array.from(merged.problem.coverIndex)).toEqual([0, 1, 1, 2]);
    expect(Array.from(merged.demandCoverStart)).toEqual([0, 1, 3, 4]);
    expect(Array.from(merged.demandCoverIndex)).toEqual([0, 0, 1, 1]);
    expect(merged).toMatchObject({ totalWeight: 28, alreadyCoveredWeight: 4, uncoverableWeight: 7 });
    expect(merged.problem.alreadyCovered).toBeUndefined();
  });

  it('keeps every objective: exact and greedy on the merged problem equal the unmerged ones', async () => {
    for (let seed = 300; seed < 320; seed++) {
      const problem = randomProblem(seed, 12, 60);
      const merged = mergeDemand(problem);
      expect(merged.problem.demandWeight.length).toBeLessThan(60);
      const k = 1 + (seed % 5);
      const onOriginal = await mclpExact(problem, k, { mipRelGap: 0 });
      const onMerged = await mclpExact(merged.problem, k, { mipRelGap: 0 });
      // Merged figures leave out the existing coverage: add it back.
      expect(onMerged.coveredWeight + merged.alreadyCoveredWeight).toBe(onOriginal.coveredWeight);
      expect(onOriginal.coveredWeight).toBe(bruteMclp(problem, k));
      const greedyMerged = mclpGreedy(merged.problem, k);
      expect(greedyMerged.coveredWeight + merged.alreadyCoveredWeight).toBe(mclpGreedy(problem, k).coveredWeight);
      // And the totals match the original problem's.
      const totals = problemTotals(problem);
      expect(merged.totalWeight).toBe(totals.totalWeight);
      expect(merged.alreadyCoveredWeight).toBe(totals.alreadyCoveredWeight);
      expect(merged.totalWeight - merged.uncoverableWeight).toBe(totals.reachableWeight);
    }
  });

  it('rejects malformed problems', () => {
    const bad = (problem: SitingProblem) => () => validateProblem(problem);
    expect(bad(problemOf([1, 1], [[0, 0]]))).toThrow('lists demand 0 twice');
    expect(bad(problemOf([1, 1], [[2]]))).toThrow('out of range');
    expect(bad(problemOf([1, -1], [[0]]))).toThrow('demand weight 1 is -1');
    expect(bad({ ...problemOf([1], [[0]]), coverStart: Int32Array.from([0, 2]) })).toThrow('coverStart');
    expect(bad({ ...problemOf([1], [[0]]), alreadyCovered: new Uint8Array(2) })).toThrow('alreadyCovered');
    expect(() => mclpGreedy(problemOf([1], [[0]]), 1.5)).toThrow('k must be');
    expect(() => lscpGreedy(problemOf([1], [[0]]), 1.5)).toThrow('targetShare');
  });
});

describe('solveSiting (auto)', () => {
  const problem = randomProblem(400, 30, 200);
  it('solves exactly when the merged model is small, and reports greedy against it', async () => {
    const result = await solveSiting(problem, { objective: 'mclp', k: 4 });
    expect(result.solver).toBe('exact');
    expect(result.status).toBe('optimal');
    expect(result.greedy!.coveredWeight).toBeLessThanOrEqual(result.coveredWeight);
    expect(result.merged!.demandCount).toBe(mergeDemand(problem).problem.demandWeight.length);
  });

  it('falls back to greedy above the size threshold, with the same answer as mclpGreedy', async () => {
    const result = await solveSiting(problem, { objective: 'mclp', k: 4 }, { autoExactMaxSize: 10 });
    const greedy = mclpGreedy(problem, 4);
    expect(result).toMatchObject({
      solver: 'greedy',
      status: 'greedy',
      mipGap: null,
      chosen: greedy.chosen,
      gain: greedy.gain,
    });
    expect(result.greedy).toBeUndefined();
  });

  it('runs the solver it is told to', async () => {
    const lscp = { objective: 'lscp', targetShare: 0.5 } as const;
    expect((await solveSiting(problem, lscp, { solver: 'greedy' })).solver).toBe('greedy');
    expect((await solveSiting(problem, lscp, { solver: 'exact', autoExactMaxSize: 0 })).solver).toBe('exact');
  });
});
