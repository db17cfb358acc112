/**
 * Synthetic demand: residents as weighted points (like building entrances, 20–200 persons each)
 * and new-economy workers (riders, couriers: 5–30 per point) around the commercial centres.
 */
import { PolygonTester, round6, type Area, type XY } from './geo';
import type { Density } from './density';
import type { Random } from './random';

export type DemandPoint = { ll: XY; w: number };

export type DemandTargets = {
  /** total residents (≈ 6.0 × 10^5) */
  persons: number;
  /** share of residents living in the 7 街道 */
  urbanShare: number;
  /** total new-economy workers (≈ 2.2 × 10^4) */
  workers: number;
};

type Cell = { c: XY; w: number };

/**
 * A ~100 m lattice of dry cells inside the district. Sampling a cell by weight and then a point
 * uniformly inside it is much faster than rejection sampling from the density surface.
 */
export class DemandLattice {
  readonly step = 0.001; // degrees (~100 m)
  readonly cells: { c: XY; urban: boolean }[] = [];
  constructor(
    bbox: [number, number, number, number],
    readonly inside: (p: XY) => boolean,
    readonly inLake: (p: XY) => boolean,
    urban: (p: XY) => boolean,
  ) {
    for (let y = bbox[1] + this.step / 2; y < bbox[3]; y += this.step) {
      for (let x = bbox[0] + this.step / 2; x < bbox[2]; x += this.step) {
        const c: XY = [x, y];
        if (!inside(c) || inLake(c)) continue;
        this.cells.push({ c, urban: urban(c) });
      }
    }
  }

  /** Draw a point in a weighted cell; retry the jitter a few times if it lands outside or in water. */
  samplePoint(rng: Random, cells: Cell[], cdf: Float64Array): XY {
    const total = cdf[cdf.length - 1] as number;
    const r = rng.float() * total;
    let lo = 0;
    let hi = cdf.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((cdf[mid] as number) > r) hi = mid;
      else lo = mid + 1;
    }
    const cell = cells[lo] as Cell;
    for (let k = 0; k < 6; k++) {
      const p: XY = [cell.c[0] + rng.range(-0.5, 0.5) * this.step, cell.c[1] + rng.range(-0.5, 0.5) * this.step];
      if (this.inside(p) && !this.inLake(p)) return [round6(p[0]), round6(p[1])];
    }
    return [round6(cell.c[0]), round6(cell.c[1])];
  }
}

function cdfOf(cells: Cell[]): Float64Array {
  const cdf = new Float64Array(cells.length);
  let s = 0;
  cells.forEach((c, i) => {
    s += c.w;
    cdf[i] = s;
  });
  return cdf;
}

/** Draw points until their weights reach `budget` exactly; the last point takes the remainder. */
function fill(
  rng: Random,
  lattice: DemandLattice,
  cells: Cell[],
  budget: number,
  weight: (p: XY) => number,
  minW: number,
): DemandPoint[] {
  const cdf = cdfOf(cells);
  const out: DemandPoint[] = [];
  let left = budget;
  while (left > 0) {
    const ll = lattice.samplePoint(rng, cells, cdf);
    let w = Math.min(left, weight(ll));
    if (left - w > 0 && left - w < minW) w = left; // never leave a stub below the minimum
    out.push({ ll, w });
    left -= w;
  }
  return out;
}

export function buildHouseholdPoints(
  rng: Random,
  lattice: DemandLattice,
  density: Density,
  targets: DemandTargets,
): DemandPoint[] {
  const urbanCells: Cell[] = [];
  const ruralCells: Cell[] = [];
  for (const c of lattice.cells) (c.urban ? urbanCells : ruralCells).push({ c: c.c, w: density.at(c.c) });
  const urbanBudget = Math.round(targets.persons * targets.urbanShare);
  // urban points are apartment entrances: bigger where the city is denser
  const urban = fill(
    rng,
    lattice,
    urbanCells,
    urbanBudget,
    (p) => {
      const d = Math.min(1, density.at(p));
      return Math.round(20 + 180 * rng.float() ** 2 * (0.35 + 0.65 * d));
    },
    20,
  );
  // rural points are farm houses and small village clusters
  const rural = fill(rng, lattice, ruralCells, targets.persons - urbanBudget, () => rng.int(20, 60), 20);
  return [...urban, ...rural];
}

export function buildWorkerPoints(
  rng: Random,
  lattice: DemandLattice,
  density: Density,
  targets: DemandTargets,
): DemandPoint[] {
  const cells: Cell[] = lattice.cells.map((c) => ({ c: c.c, w: density.workersAt(c.c) }));
  return fill(rng, lattice, cells, targets.workers, () => rng.int(5, 30), 5);
}

/** Group points by the region containing them (first match), keyed by region code. */
export function groupByRegion<T extends { ll: XY }>(
  points: T[],
  regions: { code: string; geometry: Area }[],
): Map<string, T[]> {
  const testers = regions.map((r) => ({ code: r.code, t: new PolygonTester(r.geometry) }));
  const out = new Map<string, T[]>(regions.map((r) => [r.code, []]));
  for (const p of points) {
    const hit = testers.find(({ t }) => t.contains(p.ll[0], p.ll[1]));
    if (hit) (out.get(hit.code) as T[]).push(p);
  }
  return out;
}
