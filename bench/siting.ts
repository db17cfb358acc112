/**
 * `npm run bench:siting`: figures for the site-selection solvers (server/src/siting/) on seeded,
 * realistic instances: demand points scattered over a 20 km square, most of them in clusters
 * (towns and villages of different spread, people per point skewed), candidates half near demand
 * and half anywhere, 30 existing stations whose 1,000 m already count as covered, and coverage =
 * straight-line 1,000 m (coverSetsWithinRadius).
 * - MCLP 2,000 candidates × 100,000 demand points, k = 10, greedy. Target: ≤ 2 s.
 * - MCLP 200 × 5,000, k = 10: exact (HiGHS, 10 s limit) and greedy; greedy ≤ 1 % below exact.
 *   Three seeds, since one instance proves little.
 * - LSCP 200 × 5,000 to 95 % (or the reachable share if lower).
 * - The size ladder that sets `auto`'s thresholds (AUTO_EXACT_MAX_SIZE): exact MCLP and LSCP time
 *   by merged size, and whether the 10 s limit holds (HiGHS presolve off, wall-clock interrupt on).
 * - The worker pool: the same solve through a thread, to show what the hop costs.
 * `SITING_BENCH_QUICK=1` skips the ladder.
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { pathToFileURL } from 'node:url';
import { coverSetsWithinRadius, type LngLat } from '../server/src/siting/cover-sets';
import { lscpExact, loadHighs, mclpExact } from '../server/src/siting/exact';
import { lscpGreedy, mclpGreedy } from '../server/src/siting/greedy';
import { mergeDemand } from '../server/src/siting/merge';
import { sitingPool } from '../server/src/siting/pool';
import { AUTO_EXACT_MAX_SIZE } from '../server/src/siting/solve';
import type { SitingProblem, SitingResult } from '../server/src/siting/types';
import { localMetric } from '../server/src/routing/local-metric';
import { mulberry32 } from '../tests/support/random';
import { SYNTHETIC_ORIGIN } from './synthetic-network';

const SIDE_M = 20_000;
const RADIUS_M = 1_000;
const EXISTING_STATIONS = 30;

type Instance = { problem: SitingProblem; candidates: LngLat[]; demand: LngLat[]; cover_ms: number };

/** A seeded clustered city (see the file comment). */
export function instance(seed: number, candidateCount: number, demandCount: number): Instance {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const metric = localMetric(SYNTHETIC_ORIGIN.lng, SYNTHETIC_ORIGIN.lat);
  const toLngLat = (x: number, y: number): LngLat => [metric.lng0 + x / metric.kx, metric.lat0 + y / metric.ky];
  const clamp = (v: number) => Math.min(SIDE_M, Math.max(0, v));
  const clusters = Array.from({ length: 40 }, () => ({
    x: random() * SIDE_M,
    y: random() * SIDE_M,
    spread_m: 200 + random() * 1_500,
    share: 0.2 + random() ** 2 * 3,
  }));
  const shareSum = clusters.reduce((sum, c) => sum + c.share, 0);
  const point = (): [number, number] => {
    if (random() < 0.2) return [random() * SIDE_M, random() * SIDE_M];
    let pick = random() * shareSum;
    let cluster = clusters[0]!;
    for (const c of clusters) {
      cluster = c;
      if ((pick -= c.share) <= 0) break;
    }
    return [clamp(cluster.x + gaussian() * cluster.spread_m), clamp(cluster.y + gaussian() * cluster.spread_m)];
  };
  const demandXY = Array.from({ length: demandCount }, point);
  const demand = demandXY.map(([x, y]) => toLngLat(x, y));
  // People per point: mostly a few, some blocks of flats with hundreds.
  const demandWeight = Float64Array.from(demandXY, () => Math.round(1 + Math.exp(gaussian() * 1.2 + 2)));
  const candidates = Array.from({ length: candidateCount }, () => {
    if (random() < 0.5) return toLngLat(random() * SIDE_M, random() * SIDE_M);
    const [x, y] = demandXY[Math.floor(random() * demandCount)]!;
    return toLngLat(clamp(x + gaussian() * 300), clamp(y + gaussian() * 300));
  });
  const existing = Array.from({ length: EXISTING_STATIONS }, () => {
    const [x, y] = point();
    return toLngLat(x, y);
  });
  const started = performance.now();
  const { coverStart, coverIndex } = coverSetsWithinRadius(candidates, demand, RADIUS_M);
  const cover_ms = performance.now() - started;
  const existingCover = coverSetsWithinRadius(existing, demand, RADIUS_M);
  const alreadyCovered = new Uint8Array(demandCount);
  for (const i of existingCover.coverIndex) alreadyCovered[i] = 1;
  return { problem: { demandWeight, coverStart, coverIndex, alreadyCovered }, candidates, demand, cover_ms };
}

const ms = (v: number) => `${v.toFixed(0)} ms`;
const pct = (v: number) => `${(100 * v).toFixed(2)} %`;
const people = (v: number) => Math.round(v).toLocaleString('en-US');
const newly = (r: SitingResult) => r.coveredWeight - r.alreadyCoveredWeight;

function describe(label: string, inst: Instance) {
  const { problem } = inst;
  const merged = mergeDemand(problem);
  const nnz = problem.coverIndex.length;
  console.log(
    `${label}: ${problem.coverStart.length - 1} candidates × ${problem.demandWeight.length} demand points, ` +
      `${nnz.toLocaleString('en-US')} cover pairs (built in ${ms(inst.cover_ms)}), ` +
      `${people(merged.totalWeight)} people, ${pct(merged.alreadyCoveredWeight / merged.totalWeight)} already covered; ` +
      `merged: ${merged.problem.demandWeight.length} points, ${merged.problem.coverIndex.length.toLocaleString('en-US')} pairs`,
  );
}

async function main() {
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} × ${cpu[0]?.model ?? 'unknown'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ` +
      `load average ${loadavg()[0]!.toFixed(1)} (above ${cpu.length}, other work shares the cores and times grow)`,
  );
  const loadStarted = performance.now();
  await loadHighs();
  console.log(`HiGHS WASM load: ${ms(performance.now() - loadStarted)}`);

  // Large greedy.
  const large = instance(1, 2_000, 100_000);
  describe('large', large);
  mclpGreedy(large.problem, 10); // warm-up
  const times: number[] = [];
  let largeResult: SitingResult | null = null;
  for (let round = 0; round < 5; round++) {
    largeResult = mclpGreedy(large.problem, 10);
    times.push(largeResult.elapsed_ms);
  }
  times.sort((a, b) => a - b);
  console.log(
    `  MCLP k=10 greedy: median ${ms(times[2]!)} (max ${ms(times[4]!)}) of 5 [target ≤ 2000 ms]; ` +
      `newly covered ${people(newly(largeResult!))}, coverage ${pct(largeResult!.coveredShare)}`,
  );
  const mergeStarted = performance.now();
  mergeDemand(large.problem);
  console.log(`  mergeDemand: ${ms(performance.now() - mergeStarted)}`);

  // Small exact vs greedy.
  for (const seed of [2, 3, 4]) {
    const small = instance(seed, 200, 5_000);
    describe(`small seed ${seed}`, small);
    const greedy = mclpGreedy(small.problem, 10);
    const exact = await mclpExact(small.problem, 10, { timeLimit_s: 10 });
    console.log(
      `  MCLP k=10: exact ${people(newly(exact))} newly covered (${exact.status}, gap ${exact.mipGap?.toExponential(1)}, ${ms(exact.elapsed_ms)}); ` +
        `greedy ${people(newly(greedy))} (${ms(greedy.elapsed_ms)}); greedy below exact by ${pct(exact.greedy!.shortfallShare!)} [target ≤ 1 %]`,
    );
    const target = Math.min(0.95, Math.floor(exact.bestReachableShare * 100) / 100);
    const lscpG = lscpGreedy(small.problem, target);
    const lscpE = await lscpExact(small.problem, target, { timeLimit_s: 10 });
    console.log(
      `  LSCP to ${pct(target)} (reachable ${pct(lscpE.bestReachableShare)}): exact ${lscpE.chosen.length} sites ` +
        `(${lscpE.status}, gap ${lscpE.mipGap?.toExponential(1)}, ${ms(lscpE.elapsed_ms)}); greedy ${lscpG.chosen.length} sites (${ms(lscpG.elapsed_ms)})`,
    );
  }

  if (process.env.SITING_BENCH_QUICK !== '1') {
    console.log(
      `size ladder for auto (AUTO_EXACT_MAX_SIZE = ${JSON.stringify(AUTO_EXACT_MAX_SIZE)}), ` +
        'exact with a 10 s limit; size = merged points + merged cover pairs:',
    );
    const ladder: [number, number][] = [
      [200, 10_000],
      [300, 20_000],
      [500, 30_000],
      [600, 40_000],
      [700, 50_000],
      [800, 60_000],
      [1_000, 50_000],
      [1_000, 100_000],
      [2_000, 100_000],
    ];
    for (const [c, d] of ladder) {
      const inst = instance(10 + c + d, c, d);
      const merged = mergeDemand(inst.problem);
      const size = merged.problem.demandWeight.length + merged.problem.coverIndex.length;
      const exact = await mclpExact(inst.problem, 10, { timeLimit_s: 10 });
      const target = Math.min(0.95, Math.floor(exact.bestReachableShare * 100) / 100 - 0.01);
      const lscp = await lscpExact(inst.problem, target, { timeLimit_s: 10 });
      console.log(
        `  ${c} × ${d}: size ${size.toLocaleString('en-US')} | MCLP k=10 ${ms(exact.elapsed_ms)} (HiGHS ${ms(exact.highs_ms!)}) ` +
          `${exact.status} gap ${exact.mipGap?.toExponential(1)}, greedy below by ${pct(exact.greedy!.shortfallShare!)} | ` +
          `LSCP to ${pct(target)} ${ms(lscp.elapsed_ms)} (HiGHS ${ms(lscp.highs_ms ?? 0)}) ${lscp.status} gap ${lscp.mipGap?.toExponential(1)}, ` +
          `${lscp.chosen.length} sites, greedy ${lscp.greedy?.siteCount}`,
      );
    }
  }

  // The pool: the same exact solve through a worker thread.
  const small = instance(2, 200, 5_000);
  const pool = sitingPool({ threads: 1 });
  try {
    const first = performance.now();
    await pool.run({ problem: small.problem, request: { objective: 'mclp', k: 10 }, options: { solver: 'exact' } });
    const cold = performance.now() - first;
    const second = performance.now();
    await pool.run({ problem: small.problem, request: { objective: 'mclp', k: 10 }, options: { solver: 'exact' } });
    console.log(
      `worker pool, exact 200 × 5,000: first ${ms(cold)} (thread start + tsx + HiGHS load), then ${ms(performance.now() - second)}`,
    );
    const big = performance.now();
    await pool.run({ problem: large.problem, request: { objective: 'mclp', k: 10 }, options: { solver: 'greedy' } });
    console.log(`worker pool, greedy 2,000 × 100,000: ${ms(performance.now() - big)} (copying the arrays in included)`);
  } finally {
    await pool.close();
  }
}

// Run when executed (npm run bench:siting), not when a probe imports `instance`.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
