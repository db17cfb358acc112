/**
 * Drafting grids from street blocks (server/src/drafting/). Hand-made block graphs whose best split
 * is known: lattices of square blocks (areas, perimeters and shared edges worked out by hand), paths
 * whose balanced cuts are found by trying every cut, and a walled-in seed that region growing can't
 * get out of. Contiguity is checked by a breadth-first search written here, not the module's own.
 */
import { describe, expect, it } from 'vitest';
import { gridTotals, largestToSmallest, polsbyPopper } from '../../server/src/drafting/compactness';
import {
  type BlockGraph,
  type BlockInput,
  type ContactInput,
  buildBlockGraph,
  mergeCrumbs,
} from '../../server/src/drafting/graph';
import { kMeans } from '../../server/src/drafting/kmeans';
import { DEFAULT_OBJECTIVE, PartitionState, improve } from '../../server/src/drafting/moves';
import {
  DraftingError,
  allocateGrids,
  bisectGeometric,
  draftPartition,
  growRegions,
  spanningTree,
  splitTree,
} from '../../server/src/drafting/partition';
import { seededRandom } from '../../server/src/drafting/random';
import { medianCut } from '../../server/src/drafting/split';
import { mulberry32 } from '../support/random';

const deepFreeze = <T>(value: T): T => {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
};

const CELL_M = 100;

/**
 * An nx × ny lattice of 100 m square blocks, block (i, j) at index j·nx + i. Blocks meeting at a
 * corner share no boundary (no contact), as street blocks do. `missing` leaves blocks out (holes).
 */
function lattice(nx: number, ny: number, weight: (i: number, j: number) => number, missing = new Set<string>()) {
  const index = new Map<string, number>();
  const blocks: BlockInput[] = [];
  const cells: [number, number][] = [];
  for (let j = 0; j < ny; j++)
    for (let i = 0; i < nx; i++) {
      if (missing.has(`${i},${j}`)) continue;
      index.set(`${i},${j}`, blocks.length);
      cells.push([i, j]);
      blocks.push({
        weight: weight(i, j),
        area_m2: CELL_M * CELL_M,
        perimeter_m: 4 * CELL_M,
        x: (i + 0.5) * CELL_M,
        y: (j + 0.5) * CELL_M,
      });
    }
  const contacts: ContactInput[] = [];
  for (const [key, a] of index) {
    const [i, j] = key.split(',').map(Number) as [number, number];
    for (const [di, dj] of [
      [1, 0],
      [0, 1],
    ] as const) {
      const b = index.get(`${i + di},${j + dj}`);
      if (b !== undefined) contacts.push({ a, b, shared_m: CELL_M });
    }
  }
  return { graph: deepFreeze(buildBlockGraph(blocks, contacts, 1)), cells, index };
}

/** A row of n square blocks with these weights (a path graph). */
const path = (weights: number[]) => lattice(weights.length, 1, (i) => weights[i]!);

/** Grids of `assignment` that are one connected piece, by a BFS over shared edges of at least 1 m. */
function connectedGrids(graph: BlockGraph, assignment: readonly number[], grids: number) {
  return Array.from({ length: grids }, (_, g) => {
    const members = assignment.flatMap((h, b) => (h === g ? [b] : []));
    if (!members.length) return false;
    const seen = new Set([members[0]!]);
    const queue = [members[0]!];
    while (queue.length) {
      const b = queue.shift()!;
      for (const c of graph.contacts[b]!)
        if (c.shared_m >= 1 && assignment[c.block] === g && !seen.has(c.block)) {
          seen.add(c.block);
          queue.push(c.block);
        }
    }
    return seen.size === members.length;
  });
}

const weightsOf = (graph: BlockGraph, assignment: readonly number[], grids: number) =>
  Array.from({ length: grids }, (_, g) => assignment.reduce((s, h, b) => (h === g ? s + graph.weight[b]! : s), 0));

/** Every way to cut a path of these weights into k intervals: the smallest largest/smallest ratio. */
function bestPathRatio(weights: number[], k: number): number {
  let best = Infinity;
  const n = weights.length;
  const walk = (start: number, left: number, sums: number[]) => {
    if (left === 1) {
      const all = [...sums, weights.slice(start).reduce((s, w) => s + w, 0)];
      best = Math.min(best, Math.max(...all) / Math.min(...all));
      return;
    }
    for (let end = start + 1; end <= n - (left - 1); end++)
      walk(end, left - 1, [...sums, weights.slice(start, end).reduce((s, w) => s + w, 0)]);
  };
  walk(0, k, []);
  return best;
}

describe('the block graph', () => {
  it('makes blocks sharing at least the minimum adjacent, and joins pieces only a short boundary links', () => {
    // Three squares in a row, and a fourth touching the third along 0.4 m only; 0–1 also share a
    // 0.3 m stretch elsewhere (0.3 + 100 m in all), and 0–2 share 0.5 m (both already connected).
    const blocks: BlockInput[] = [0, 1, 2, 3].map((i) => ({
      weight: 1,
      area_m2: 1e4,
      perimeter_m: 400,
      x: i * 100,
      y: 0,
    }));
    const graph = buildBlockGraph(
      blocks,
      [
        { a: 0, b: 1, shared_m: 100 },
        { a: 1, b: 0, shared_m: 0.3 },
        { a: 1, b: 2, shared_m: 100 },
        { a: 0, b: 2, shared_m: 0.5 },
        { a: 2, b: 3, shared_m: 0.4 },
      ],
      1,
    );
    const contact = (a: number, b: number) => graph.contacts[a]!.find((c) => c.block === b)!;
    expect(contact(0, 1)).toEqual({ block: 1, shared_m: 100.3, adjacent: true });
    expect(contact(0, 2).adjacent).toBe(false);
    // The only link of block 3 to the rest: made adjacent, or block 3 would need a grid of its own.
    expect(contact(3, 2)).toEqual({ block: 2, shared_m: 0.4, adjacent: true });
  });

  it('folds crumbs into the neighbour they share the most boundary with, perimeters and weights added up', () => {
    // A 100 × 100 block, a 100 × 1 strip along its top (a crumb), and a second 100 × 100 block to
    // the right of the first, touching the strip's end for 1 m.
    const faces: BlockInput[] = [
      { weight: 10, area_m2: 10_000, perimeter_m: 400, x: 50, y: 50 },
      { weight: 0, area_m2: 100, perimeter_m: 202, x: 50, y: 100.5 },
      { weight: 5, area_m2: 10_000, perimeter_m: 400, x: 150, y: 50 },
    ];
    const contacts = [
      { a: 0, b: 1, shared_m: 100 },
      { a: 1, b: 2, shared_m: 1 },
      { a: 0, b: 2, shared_m: 100 },
    ];
    const merged = mergeCrumbs(faces, contacts, [false, true, false]);
    expect(merged.faceBlock).toEqual([0, 0, 1]);
    expect(merged.blocks[0]!.weight).toBe(10);
    expect(merged.blocks[0]!.area_m2).toBe(10_100);
    // 400 + 202 − 2 × 100: the 100 × 101 rectangle's perimeter.
    expect(merged.blocks[0]!.perimeter_m).toBe(402);
    expect(merged.blocks[0]!.y).toBeCloseTo((50 * 10_000 + 100.5 * 100) / 10_100, 9);
    // The strip's metre against block 2 is now block 0's, besides the 100 m it had.
    expect(merged.contacts.filter((c) => c.a !== c.b).map((c) => [c.a, c.b, c.shared_m])).toEqual([
      [0, 1, 1],
      [0, 1, 100],
    ]);
  });

  it('measures a grid of four blocks in a 2 × 2 square as one 200 m square (Polsby-Popper π/4)', () => {
    const { graph } = lattice(2, 2, () => 1);
    const totals = gridTotals(graph, [0, 0, 0, 0], 1);
    expect(totals.area_m2[0]).toBe(40_000);
    expect(totals.perimeter_m[0]).toBe(800);
    expect(polsbyPopper(40_000, 800)).toBeCloseTo(Math.PI / 4, 12);
    // Two in a row and two apart: 2 × 300 m of boundary, four blocks' worth of area.
    expect(gridTotals(graph, [0, 0, 1, 1], 2).perimeter_m).toEqual([600, 600]);
  });
});

describe('drafting a partition', () => {
  it('splits a 4 × 4 lattice of equal blocks into four 2 × 2 squares', () => {
    const { graph, cells } = lattice(4, 4, () => 10);
    const draft = draftPartition(graph, 4);
    expect(connectedGrids(graph, draft.assignment, 4)).toEqual([true, true, true, true]);
    expect(weightsOf(graph, draft.assignment, 4)).toEqual([40, 40, 40, 40]);
    // The most compact split into equal parts: the four quadrants.
    const quadrants = new Set(
      Array.from({ length: 4 }, (_, g) =>
        cells
          .filter((_, b) => draft.assignment[b] === g)
          .map(([i, j]) => `${Math.floor(i / 2)},${Math.floor(j / 2)}`)
          .join(' '),
      ),
    );
    expect(quadrants).toEqual(new Set(['0,0 0,0 0,0 0,0', '1,0 1,0 1,0 1,0', '0,1 0,1 0,1 0,1', '1,1 1,1 1,1 1,1']));
  });

  it('cuts a path where the households balance exactly', () => {
    // Prefix sums 3 4 6 8 9 12 14 16 18: the only cuts into three sixes are after blocks 2 and 5.
    const weights = [3, 1, 2, 2, 1, 3, 2, 2, 2];
    const { graph } = path(weights);
    const draft = draftPartition(graph, 3);
    const grids = draft.assignment;
    expect(grids.slice(0, 3).every((g) => g === grids[0])).toBe(true);
    expect(grids.slice(3, 6).every((g) => g === grids[3])).toBe(true);
    expect(grids.slice(6).every((g) => g === grids[6])).toBe(true);
    expect(new Set([grids[0], grids[3], grids[6]]).size).toBe(3);
    expect(weightsOf(graph, grids, 3)).toEqual([6, 6, 6]);
  });

  it('reaches the best balance on random paths, found by trying every cut, when that is under 1.1', () => {
    const random = mulberry32(5);
    let checked = 0;
    for (let trial = 0; trial < 40; trial++) {
      const n = 8 + Math.floor(random() * 8);
      const k = 2 + Math.floor(random() * 3);
      const weights = Array.from({ length: n }, () => 1 + Math.floor(random() * 9));
      const best = bestPathRatio(weights, k);
      if (best > 1.1) continue;
      const { graph } = path(weights);
      const draft = draftPartition(graph, k);
      expect(connectedGrids(graph, draft.assignment, k).every(Boolean), `${weights} into ${k}`).toBe(true);
      const ratio = largestToSmallest(weightsOf(graph, draft.assignment, k));
      // Within the ±4 % band balance stops paying: at most the best, or under 1.09 (the band's bound).
      expect(ratio, `${weights} into ${k}: best ${best}`).toBeLessThanOrEqual(Math.max(best, 1.04 / 0.96) + 1e-9);
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('climbs out of the trap region growing falls into: a seed walled in at a corner', () => {
    // 4 × 4 equal blocks, three seeds: the corner and its two neighbours. The corner grid has
    // nowhere to grow, and the other two share the rest.
    const { graph, index } = lattice(4, 4, () => 1);
    const seeds = ['0,0', '1,0', '0,1'].map((k) => index.get(k)!);
    const grown = growRegions(graph, seeds);
    const grownWeights = weightsOf(graph, grown, 3);
    expect(grownWeights[0]).toBe(1);
    expect(largestToSmallest(grownWeights)).toBeGreaterThan(5);

    const state = new PartitionState(graph, [...grown], 3);
    const objective = { ...DEFAULT_OBJECTIVE, target: 16 / 3 };
    improve(state, objective, seededRandom(3));
    expect(connectedGrids(graph, state.assignment, 3)).toEqual([true, true, true]);
    // 16 equal blocks into 3: 5, 5 and 6 is the best there is.
    expect(weightsOf(graph, state.assignment, 3).sort()).toEqual([5, 5, 6]);
  });

  it('needs the two-step chains where no single move pays: a surplus two grids away', () => {
    // Nine equal blocks in a row, started as 2 | 3 | 4. Any single move leaves the deviations at
    // −1, 0, +1 in some order (no better), but block 5 moving to the middle grid while block 2
    // moves on to the first gives 3 | 3 | 3.
    const { graph } = path([1, 1, 1, 1, 1, 1, 1, 1, 1]);
    const objective = { ...DEFAULT_OBJECTIVE, target: 3, compactnessWeight: 0 };
    const start = [0, 0, 1, 1, 1, 2, 2, 2, 2];
    const singles = new PartitionState(graph, [...start], 3);
    improve(singles, objective, seededRandom(1), { chains: false });
    expect(weightsOf(graph, singles.assignment, 3)).toEqual([2, 3, 4]);
    const chained = new PartitionState(graph, [...start], 3);
    const result = improve(chained, objective, seededRandom(1));
    expect(weightsOf(graph, chained.assignment, 3)).toEqual([3, 3, 3]);
    expect(result.chains).toBeGreaterThan(0);
  });

  it('keeps every grid connected, on random lattices with holes and uneven weights', () => {
    const random = mulberry32(21);
    for (let trial = 0; trial < 12; trial++) {
      const nx = 5 + Math.floor(random() * 8);
      const ny = 5 + Math.floor(random() * 8);
      const missing = new Set<string>();
      // Holes inside, never on the outer ring, so the lattice stays in one piece.
      for (let h = 0; h < (nx * ny) / 8; h++)
        missing.add(`${1 + Math.floor(random() * (nx - 2))},${1 + Math.floor(random() * (ny - 2))}`);
      const { graph } = lattice(nx, ny, () => Math.floor(random() * 20), missing);
      const k = 2 + Math.floor(random() * Math.min(12, graph.size / 4));
      const draft = draftPartition(graph, k, { seed: trial });
      expect(draft.assignment.every((g) => g >= 0 && g < k)).toBe(true);
      expect(connectedGrids(graph, draft.assignment, k).every(Boolean), `${nx}×${ny} into ${k}`).toBe(true);
    }
  });

  it('keeps grids connected in a U, where a straight cut leaves pieces on both arms', () => {
    // 9 × 6 blocks without the middle three columns above the bottom row: two arms joined at the foot.
    const missing = new Set<string>();
    for (let i = 3; i < 6; i++) for (let j = 1; j < 6; j++) missing.add(`${i},${j}`);
    const { graph } = lattice(9, 6, (i, j) => 1 + ((i * 3 + j) % 4), missing);
    for (const k of [2, 3, 4, 5, 7]) {
      const draft = draftPartition(graph, k);
      expect(connectedGrids(graph, draft.assignment, k).every(Boolean), `into ${k}`).toBe(true);
      const pieces = bisectGeometric(
        graph,
        Array.from({ length: graph.size }, (_, b) => b),
        k,
        0.3,
      );
      expect(pieces).toHaveLength(k);
      const assignment = new Array<number>(graph.size).fill(-1);
      pieces.forEach((p, g) => p.forEach((b) => (assignment[b] = g)));
      expect(connectedGrids(graph, assignment, k).every(Boolean), `bisection into ${k}`).toBe(true);
    }
  });

  it('gives each separate part of a community its share of the grids, and refuses what cannot be', () => {
    // Two 3 × 2 lattices 1 km apart, sharing no boundary, one with three times the households.
    const left = lattice(3, 2, () => 3);
    const right = lattice(3, 2, () => 1);
    const blocks: BlockInput[] = [
      ...Array.from({ length: 6 }, (_, b) => ({
        weight: 3,
        area_m2: 1e4,
        perimeter_m: 400,
        x: left.graph.x[b]!,
        y: 0,
      })),
      ...Array.from({ length: 6 }, (_, b) => ({
        weight: 1,
        area_m2: 1e4,
        perimeter_m: 400,
        x: 1000 + right.graph.x[b]!,
        y: 0,
      })),
    ];
    const contacts: ContactInput[] = [];
    for (const [offset, part] of [
      [0, left.graph],
      [6, right.graph],
    ] as const)
      part.contacts.forEach((list, a) =>
        list.forEach((c) => c.block > a && contacts.push({ a: a + offset, b: c.block + offset, shared_m: c.shared_m })),
      );
    const graph = deepFreeze(buildBlockGraph(blocks, contacts, 1));
    const draft = draftPartition(graph, 4);
    expect(new Set(draft.assignment.slice(0, 6)).size).toBe(3);
    expect(new Set(draft.assignment.slice(6)).size).toBe(1);
    expect(() => draftPartition(graph, 1)).toThrow(DraftingError);
    expect(() => draftPartition(graph, 1)).toThrow(/2 separate parts.*at least 2 grids/);
    expect(() => draftPartition(graph, 13)).toThrow(/12 street blocks.*at most 12 grids/);
  });

  it('shares grids between parts in proportion, at least one each', () => {
    expect(allocateGrids([300, 100], [10, 10], 4)).toEqual([3, 1]);
    expect(allocateGrids([1000, 1], [10, 10], 4)).toEqual([3, 1]);
    // A part of two blocks takes at most two grids.
    expect(allocateGrids([100, 900], [20, 2], 10)).toEqual([8, 2]);
  });
});

describe('the starts', () => {
  it('split a spanning tree of a path at the balanced cut, and bisect a lattice into rectangles', () => {
    // 18 households, 9 a side; the prefix sums are 1 3 6 10 12, so the closest cut is 10 | 8.
    const { graph } = path([1, 2, 3, 4, 2, 6]);
    const members = Array.from({ length: graph.size }, (_, i) => i);
    const tree = spanningTree(graph, members, seededRandom(1), 0);
    const pieces = splitTree(graph, tree, members, 2);
    const sums = pieces.map((p) => p.reduce((s, b) => s + graph.weight[b]!, 0)).sort((a, b) => a - b);
    expect(sums).toEqual([8, 10]);

    const grid = lattice(6, 4, () => 1);
    const rectangles = bisectGeometric(
      grid.graph,
      Array.from({ length: 24 }, (_, i) => i),
      4,
    );
    expect(rectangles.map((p) => p.length)).toEqual([6, 6, 6, 6]);
    for (const piece of rectangles) {
      const cells = piece.map((b) => grid.cells[b]!);
      const width = Math.max(...cells.map((c) => c[0])) - Math.min(...cells.map((c) => c[0])) + 1;
      const height = Math.max(...cells.map((c) => c[1])) - Math.min(...cells.map((c) => c[1])) + 1;
      expect(width * height).toBe(6);
    }
  });
});

describe('cutting a block through its demand', () => {
  it('cuts across the long axis between the two middle points, halving the weight', () => {
    const points = Array.from({ length: 10 }, (_, i) => ({ x: i * 10, y: i % 2, w: 1 }));
    const cut = medianCut(points)!;
    // The points spread along x: the cut is (nearly) vertical, between x = 40 and x = 50.
    expect(Math.abs(cut.dx)).toBeLessThan(0.05);
    const side = (p: { x: number; y: number }) => Math.sign((p.x - cut.x) * cut.dy - (p.y - cut.y) * cut.dx);
    const weights = [-1, 1].map((s) => points.filter((p) => side(p) === s).length);
    expect(weights).toEqual([5, 5]);
    expect(points.every((p) => side(p) !== 0)).toBe(true);
  });

  it('weighs the points: one heavy point against many light ones', () => {
    const points = [{ x: 0, y: 0, w: 9 }, ...Array.from({ length: 9 }, (_, i) => ({ x: 10 + i, y: 0, w: 1 }))];
    const cut = medianCut(points)!;
    expect(cut.x).toBeCloseTo(5, 9);
  });

  it('has nothing to cut between when all the demand stands at one place', () => {
    expect(medianCut([{ x: 1, y: 1, w: 5 }])).toBeNull();
    expect(
      medianCut([
        { x: 1, y: 1, w: 5 },
        { x: 1, y: 1, w: 2 },
      ]),
    ).toBeNull();
  });
});

describe('the k-means floor', () => {
  it('finds two far-apart clusters, however unequal', () => {
    const random = mulberry32(2);
    const points = [
      ...Array.from({ length: 30 }, () => ({ x: random() * 10, y: random() * 10, w: 1 })),
      ...Array.from({ length: 5 }, () => ({ x: 1000 + random() * 10, y: random() * 10, w: 1 })),
    ];
    const result = kMeans(points, 2, seededRandom(4));
    expect(new Set(result.assignment.slice(0, 30)).size).toBe(1);
    expect(new Set(result.assignment.slice(30)).size).toBe(1);
    expect(result.weights.sort((a, b) => a - b)).toEqual([5, 30]);
  });
});
