/**
 * Local moves: a block on a grid's boundary goes to a neighbouring grid when that lowers the cost,
 * as long as the grid it leaves stays connected (and not empty). The grid it joins stays connected
 * because the block touches it through an adjacent boundary.
 *
 * The cost of a grid is (W/T − 1)² + β·max(0, |W/T − 1| − τ)² + μ·(P/√(4πA) − 1): the squared
 * deviation from the target households T, a steep extra charge beyond ±τ, and a compactness penalty.
 * - The quadratic term is what moves households along a chain of grids: a move from grid a to b pays
 *   off whenever a is heavier than b by more than the block, so a surplus flows downhill through
 *   grids that are all too heavy.
 * - The charge beyond τ = 4 % makes balance come first (±4 % keeps the largest-to-smallest ratio
 *   under 1.09) and leaves compactness to decide among balanced moves.
 * - The compactness term is 1/√PP − 1 (0 for a disc, 0.13 for a square) rather than 1 − PP: it grows
 *   with the perimeter itself, so a long thin grid still gains from every metre of boundary it
 *   sheds, where 1 − PP is nearly flat for such a grid and moves would barely notice it. μ = 0.1 was
 *   chosen on the bench (bench/draft.ts): 0.02 left worst scores near 0.2, 0.3 and more cost balance.
 */
import type { BlockGraph } from './graph';
import { type Random, shuffle } from './random';

export type Objective = {
  /** Target households per grid. */
  target: number;
  /** μ: weight of (1/√Polsby-Popper − 1) per grid. */
  compactnessWeight: number;
  /** τ: the relative deviation beyond which the steep charge starts. */
  tolerance: number;
  /** β: the steep charge's weight. */
  tolerancePenalty: number;
};

export const DEFAULT_OBJECTIVE: Omit<Objective, 'target'> = {
  compactnessWeight: 0.1,
  tolerance: 0.04,
  tolerancePenalty: 50,
};

export function gridCost(weight: number, area_m2: number, perimeter_m: number, objective: Objective): number {
  const deviation = objective.target > 0 ? weight / objective.target - 1 : 0;
  const excess = Math.max(0, Math.abs(deviation) - objective.tolerance);
  return (
    deviation * deviation +
    objective.tolerancePenalty * excess * excess +
    objective.compactnessWeight * (area_m2 > 0 ? perimeter_m / Math.sqrt(4 * Math.PI * area_m2) - 1 : 0)
  );
}

/** The state the moves keep up to date: per grid totals, and the assignment (block → grid). */
export class PartitionState {
  readonly weight: number[];
  readonly area_m2: number[];
  readonly perimeter_m: number[];
  readonly count: number[];
  /** The blocks of each grid. */
  readonly members: Set<number>[];
  /** Scratch for the connectivity check: a visit stamp per block. */
  private readonly stamp: Uint32Array;
  private round = 0;

  constructor(
    readonly graph: BlockGraph,
    readonly assignment: number[],
    readonly grids: number,
  ) {
    this.weight = new Array<number>(grids).fill(0);
    this.area_m2 = new Array<number>(grids).fill(0);
    this.perimeter_m = new Array<number>(grids).fill(0);
    this.count = new Array<number>(grids).fill(0);
    this.members = Array.from({ length: grids }, () => new Set<number>());
    this.stamp = new Uint32Array(graph.size);
    for (let b = 0; b < graph.size; b++) {
      const g = assignment[b]!;
      if (g < 0) continue;
      this.weight[g]! += graph.weight[b]!;
      this.area_m2[g]! += graph.area_m2[b]!;
      this.count[g]! += 1;
      this.members[g]!.add(b);
      let perimeter = graph.perimeter_m[b]!;
      for (const c of graph.contacts[b]!) if (assignment[c.block] === g) perimeter -= c.shared_m;
      this.perimeter_m[g]! += perimeter;
    }
  }

  cost(objective: Objective): number {
    let sum = 0;
    for (let g = 0; g < this.grids; g++)
      sum += gridCost(this.weight[g]!, this.area_m2[g]!, this.perimeter_m[g]!, objective);
    return sum;
  }

  /** Boundary length block b shares with each grid (all contacts, for perimeters). */
  sharedByGrid(b: number): Map<number, number> {
    const shared = new Map<number, number>();
    for (const c of this.graph.contacts[b]!) {
      const h = this.assignment[c.block]!;
      if (h >= 0) shared.set(h, (shared.get(h) ?? 0) + c.shared_m);
    }
    return shared;
  }

  /**
   * Whether grid g stays connected without block b: every adjacent neighbour of b inside g must be
   * reachable from the first one through g's other blocks.
   */
  staysConnectedWithout(b: number): boolean {
    const g = this.assignment[b]!;
    const targets: number[] = [];
    for (const c of this.graph.contacts[b]!) if (c.adjacent && this.assignment[c.block] === g) targets.push(c.block);
    if (targets.length <= 1) return true;
    const stamp = ++this.round;
    this.stamp[b] = stamp;
    const queue = [targets[0]!];
    this.stamp[targets[0]!] = stamp;
    const left = new Set(targets.slice(1));
    for (let head = 0; head < queue.length && left.size; head++) {
      for (const c of this.graph.contacts[queue[head]!]!) {
        if (!c.adjacent || this.stamp[c.block] === stamp || this.assignment[c.block] !== g) continue;
        this.stamp[c.block] = stamp;
        if (left.has(c.block)) {
          left.delete(c.block);
          if (!left.size) break;
        }
        queue.push(c.block);
      }
    }
    return left.size === 0;
  }

  move(b: number, to: number, shared: Map<number, number>) {
    const from = this.assignment[b]!;
    const graph = this.graph;
    this.weight[from]! -= graph.weight[b]!;
    this.area_m2[from]! -= graph.area_m2[b]!;
    this.perimeter_m[from]! += -graph.perimeter_m[b]! + 2 * (shared.get(from) ?? 0);
    this.count[from]! -= 1;
    this.weight[to]! += graph.weight[b]!;
    this.area_m2[to]! += graph.area_m2[b]!;
    this.perimeter_m[to]! += graph.perimeter_m[b]! - 2 * (shared.get(to) ?? 0);
    this.count[to]! += 1;
    this.members[from]!.delete(b);
    this.members[to]!.add(b);
    this.assignment[b] = to;
  }

  /** The change in cost if block b moved to grid `to` (`shared` from sharedByGrid(b)). */
  delta(b: number, to: number, shared: Map<number, number>, objective: Objective): number {
    const from = this.assignment[b]!;
    const graph = this.graph;
    const w = graph.weight[b]!;
    const a = graph.area_m2[b]!;
    const p = graph.perimeter_m[b]!;
    return (
      gridCost(
        this.weight[from]! - w,
        this.area_m2[from]! - a,
        this.perimeter_m[from]! - p + 2 * (shared.get(from) ?? 0),
        objective,
      ) -
      gridCost(this.weight[from]!, this.area_m2[from]!, this.perimeter_m[from]!, objective) +
      gridCost(
        this.weight[to]! + w,
        this.area_m2[to]! + a,
        this.perimeter_m[to]! + p - 2 * (shared.get(to) ?? 0),
        objective,
      ) -
      gridCost(this.weight[to]!, this.area_m2[to]!, this.perimeter_m[to]!, objective)
    );
  }

  /** Grids other than its own that block b touches through an adjacent boundary. */
  neighbourGrids(b: number): Set<number> {
    const own = this.assignment[b]!;
    const out = new Set<number>();
    for (const c of this.graph.contacts[b]!) {
      const h = this.assignment[c.block]!;
      if (c.adjacent && h >= 0 && h !== own) out.add(h);
    }
    return out;
  }
}

export type ImproveResult = { moves: number; chains: number; passes: number };

/** One pass of single-block moves, each block's best improving move; returns how many were made. */
function movePass(state: PartitionState, order: number[], objective: Objective, random: Random): number {
  let moved = 0;
  for (const b of shuffle(order, random)) {
    const from = state.assignment[b]!;
    if (state.count[from]! <= 1) continue;
    const candidates = state.neighbourGrids(b);
    if (!candidates.size) continue;
    const shared = state.sharedByGrid(b);
    let best = -1;
    let bestDelta = -1e-12;
    for (const h of candidates) {
      const delta = state.delta(b, h, shared, objective);
      if (delta < bestDelta) {
        bestDelta = delta;
        best = h;
      }
    }
    if (best < 0 || !state.staysConnectedWithout(b)) continue;
    state.move(b, best, shared);
    moved++;
  }
  return moved;
}

/**
 * One pass of two-step chains: block b goes from grid x to a neighbour y, and another block c of y
 * goes on to a neighbour z of its own (z may be x: a swap). Either step alone may cost more, the
 * pair less: the way a surplus gets past a grid that is already full, or two grids trade blocks
 * of about the same size to straighten their common boundary. Returns how many chains were made.
 */
function chainPass(state: PartitionState, order: number[], objective: Objective, random: Random): number {
  let made = 0;
  for (const b of shuffle(order, random)) {
    const x = state.assignment[b]!;
    if (state.count[x]! <= 1) continue;
    const firsts = state.neighbourGrids(b);
    if (!firsts.size || !state.staysConnectedWithout(b)) continue;
    let best: { y: number; c: number; z: number; delta: number } | undefined;
    const sharedB = state.sharedByGrid(b);
    for (const y of firsts) {
      const first = state.delta(b, y, sharedB, objective);
      state.move(b, y, sharedB);
      for (const c of state.members[y]!) {
        if (c === b) continue;
        const seconds = state.neighbourGrids(c);
        if (!seconds.size) continue;
        const sharedC = state.sharedByGrid(c);
        for (const z of seconds) {
          const delta = first + state.delta(c, z, sharedC, objective);
          if (delta < (best?.delta ?? -1e-12) && state.staysConnectedWithout(c)) best = { y, c, z, delta };
        }
      }
      state.move(b, x, state.sharedByGrid(b));
    }
    if (!best) continue;
    state.move(b, best.y, state.sharedByGrid(b));
    state.move(best.c, best.z, state.sharedByGrid(best.c));
    made++;
  }
  return made;
}

/**
 * Descent: passes of single-block moves until none improves, then a pass of two-step chains, and
 * again, until neither finds anything (or `maxPasses`). Blocks are visited in a seeded random
 * order. Mutates `state`.
 */
export function improve(
  state: PartitionState,
  objective: Objective,
  random: Random,
  options: { maxPasses?: number; chains?: boolean } = {},
): ImproveResult {
  const maxPasses = options.maxPasses ?? 200;
  const order = Array.from({ length: state.graph.size }, (_, i) => i).filter((b) => state.assignment[b]! >= 0);
  let moves = 0;
  let chains = 0;
  let passes = 0;
  while (passes < maxPasses) {
    passes++;
    const moved = movePass(state, order, objective, random);
    moves += moved;
    if (moved) continue;
    if (options.chains === false) break;
    const chained = chainPass(state, order, objective, random);
    chains += chained;
    if (!chained) break;
  }
  return { moves, chains, passes };
}
