/**
 * The floor to beat: plain k-means (Lloyd's algorithm, weighted, k-means++ seeding) of the demand
 * points. It makes compact clusters of people but balances nothing, knows no streets and promises
 * no contiguity; the issue asks the draft to beat the balance it reaches.
 */
import type { WeightedPoint } from './split';
import { type Random } from './random';

export type KMeansResult = {
  /** Point → cluster. */
  assignment: number[];
  centres: [number, number][];
  /** Summed weight per cluster. */
  weights: number[];
  iterations: number;
  /** Weighted sum of squared distances to the centres. */
  inertia: number;
};

function nearest(p: WeightedPoint, centres: readonly [number, number][]) {
  let best = 0;
  let bestD = Infinity;
  centres.forEach(([x, y], c) => {
    const d = (p.x - x) ** 2 + (p.y - y) ** 2;
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  });
  return { cluster: best, d2: bestD };
}

function seedCentres(points: readonly WeightedPoint[], k: number, random: Random): [number, number][] {
  const pick = (scores: readonly number[]) => {
    const total = scores.reduce((s, v) => s + v, 0);
    let r = random() * total;
    for (let i = 0; i < scores.length; i++) {
      r -= scores[i]!;
      if (r <= 0) return i;
    }
    return scores.length - 1;
  };
  const first = points[pick(points.map((p) => p.w))]!;
  const centres: [number, number][] = [[first.x, first.y]];
  while (centres.length < k) {
    const next = points[pick(points.map((p) => p.w * nearest(p, centres).d2 + 1e-12))]!;
    centres.push([next.x, next.y]);
  }
  return centres;
}

/** Best of `restarts` runs by inertia; k is capped at the number of points. */
export function kMeans(points: readonly WeightedPoint[], k: number, random: Random, restarts = 3, maxIterations = 100) {
  const clusters = Math.max(1, Math.min(k, points.length));
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const centres = seedCentres(points, clusters, random);
    let assignment = points.map(() => -1);
    let iterations = 0;
    for (; iterations < maxIterations; iterations++) {
      const next = points.map((p) => nearest(p, centres).cluster);
      const changed = next.some((c, i) => c !== assignment[i]);
      assignment = next;
      if (!changed) break;
      const sx = new Array<number>(clusters).fill(0);
      const sy = new Array<number>(clusters).fill(0);
      const sw = new Array<number>(clusters).fill(0);
      points.forEach((p, i) => {
        const c = assignment[i]!;
        sx[c]! += p.w * p.x;
        sy[c]! += p.w * p.y;
        sw[c]! += p.w;
      });
      for (let c = 0; c < clusters; c++) if (sw[c]! > 0) centres[c] = [sx[c]! / sw[c]!, sy[c]! / sw[c]!];
    }
    const weights = new Array<number>(clusters).fill(0);
    let inertia = 0;
    points.forEach((p, i) => {
      const c = assignment[i]!;
      weights[c]! += p.w;
      inertia += p.w * ((p.x - centres[c]![0]) ** 2 + (p.y - centres[c]![1]) ** 2);
    });
    if (!best || inertia < best.inertia) best = { assignment, centres, weights, iterations, inertia };
  }
  return best!;
}
