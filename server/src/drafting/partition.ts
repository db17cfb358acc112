/**
 * Drafting a partition of the block graph into k contiguous, balanced, compact grids.
 *
 * The algorithm: multi-start local search. Each start is a split of the block adjacency graph into
 * k connected pieces, either a recursive bisection or a spanning-tree split; each is then improved
 * by local moves of boundary blocks under contiguity (moves.ts); the draft of lowest cost wins.
 *
 * Why these starts:
 * - A spanning-tree split (cut a spanning tree at the edge whose subtree holds the share of
 *   households closest to a whole number of grids, then recurse on both sides) is contiguous by
 *   construction and balanced to about one block at once, for any k, with no seeds to place: the
 *   spanning-tree step of ReCom (DeFord, Duchin and Solomon 2021) without its Markov chain. Its
 *   pieces follow the tree, though, and a tree's subtrees are rarely compact.
 * - A recursive bisection cuts the blocks across their principal axis at the households' k₁/k
 *   point, hands any piece left cut off from its side to the other side (it touches it), and
 *   recurses. Its pieces are compact, rectangles on a street lattice, and nearly as well balanced.
 *   On the bench it usually wins; the tree starts win on irregular graphs, where the bisection's
 *   repairs unbalance it.
 * - Region growing from seeds (growRegions, kept for comparison and tests) can wall a grid in
 *   before it has its households, a trap the moves climb out of only slowly.
 * k-means of the demand points, the usual quick answer, balances nothing and ignores the streets and
 * contiguity; PySAL's max-p and SKATER don't target equal totals either (spopt#274, #463).
 */
import { largestToSmallest } from './compactness';
import { type BlockGraph, DisjointSets, components } from './graph';
import { DEFAULT_OBJECTIVE, type Objective, PartitionState, improve } from './moves';
import { type Random, seededRandom } from './random';

/** A request the block graph cannot meet; the service turns it into a 400 with this message. */
export class DraftingError extends Error {
  constructor(
    readonly code: 'too_few_grids' | 'too_many_grids',
    message: string,
  ) {
    super(message);
  }
}

/**
 * A minimum spanning tree (Kruskal) of `members` over adjacent boundaries, with each edge's length
 * (the distance between the two blocks' centres) stretched by up to `jitter` at random.
 * Returns tree neighbours per block (empty lists outside `members`).
 */
export function spanningTree(graph: BlockGraph, members: readonly number[], random: Random, jitter: number) {
  const inside = new Uint8Array(graph.size);
  for (const m of members) inside[m] = 1;
  const edges: { a: number; b: number; length: number }[] = [];
  for (const a of members)
    for (const c of graph.contacts[a]!) {
      if (!c.adjacent || c.block <= a || !inside[c.block]) continue;
      const length = Math.hypot(graph.x[a]! - graph.x[c.block]!, graph.y[a]! - graph.y[c.block]!);
      edges.push({ a, b: c.block, length: length * (1 + jitter * random()) });
    }
  edges.sort((p, q) => p.length - q.length);
  const sets = new DisjointSets(graph.size);
  const tree: number[][] = Array.from({ length: graph.size }, () => []);
  for (const e of edges)
    if (sets.union(e.a, e.b)) {
      tree[e.a]!.push(e.b);
      tree[e.b]!.push(e.a);
    }
  return tree;
}

/**
 * Cuts a tree over `members` into `parts` connected pieces: at each step the edge whose subtree
 * holds closest to k₁/k of the piece's households, for the best whole k₁, then again on each side
 * with k₁ and k − k₁ parts. Each side keeps at least as many blocks as it has parts. Without any
 * households the pieces are balanced by block count instead.
 */
export function splitTree(
  graph: BlockGraph,
  tree: readonly (readonly number[])[],
  members: readonly number[],
  parts: number,
) {
  const total = members.reduce((s, m) => s + graph.weight[m]!, 0);
  const weightOf = total > 0 ? (b: number) => graph.weight[b]! : () => 1;
  const mark = new Int32Array(graph.size).fill(-1);
  const out: number[][] = [];
  let stamp = 0;

  const split = (nodes: number[], k: number) => {
    if (k <= 1 || nodes.length <= 1) {
      out.push(nodes);
      return;
    }
    const mine = ++stamp;
    for (const v of nodes) mark[v] = mine;
    // Preorder from the first node: a subtree is a contiguous run of it.
    const preorder: number[] = [];
    const parent = new Map<number, number>();
    const stack = [nodes[0]!];
    parent.set(nodes[0]!, -1);
    while (stack.length) {
      const v = stack.pop()!;
      preorder.push(v);
      for (const u of tree[v]!) {
        if (mark[u] !== mine || parent.has(u)) continue;
        parent.set(u, v);
        stack.push(u);
      }
    }
    const position = new Map<number, number>(preorder.map((v, i) => [v, i]));
    const weight = new Float64Array(preorder.length);
    const count = new Int32Array(preorder.length);
    for (let i = preorder.length - 1; i >= 0; i--) {
      const v = preorder[i]!;
      weight[i]! += weightOf(v);
      count[i]! += 1;
      const up = parent.get(v)!;
      if (up >= 0) {
        const j = position.get(up)!;
        weight[j]! += weight[i]!;
        count[j]! += count[i]!;
      }
    }
    const W = weight[0]!;
    const n = preorder.length;
    const share = W / k;
    let best = { i: -1, k1: 0, error: Infinity };
    for (let i = 1; i < n; i++) {
      const s = weight[i]!;
      const c = count[i]!;
      // The parts this side may take: at least one, at most one per block, leaving the other side
      // as many; never empty when n ≥ k.
      const lo = Math.max(1, k - (n - c));
      const hi = Math.min(c, k - 1);
      if (lo > hi) continue;
      const ideal = Math.min(hi, Math.max(lo, share > 0 ? s / share : (c * k) / n));
      for (const k1 of [Math.floor(ideal), Math.ceil(ideal)]) {
        if (k1 < lo || k1 > hi) continue;
        const error = share > 0 ? Math.abs(s - k1 * share) / share : Math.abs(c - (k1 * n) / k);
        // Ties: the more even cut, so that the recursion stays shallow.
        if (
          error < best.error - 1e-12 ||
          (Math.abs(error - best.error) <= 1e-12 && Math.abs(2 * k1 - k) < Math.abs(2 * best.k1 - k))
        )
          best = { i, k1, error };
      }
    }
    if (best.i < 0) {
      // Too few blocks for the parts asked (the caller checks this); keep what there is.
      out.push(nodes);
      return;
    }
    const inner = preorder.slice(best.i, best.i + count[best.i]!);
    const innerSet = new Set(inner);
    const outer = preorder.filter((v) => !innerSet.has(v));
    split(inner, best.k1);
    split(outer, k - best.k1);
  };
  split([...members], parts);
  return out;
}

/**
 * Recursive coordinate bisection: cut the blocks across their principal axis where the households
 * on one side reach k₁/k, then move any piece left cut off from its side to the other side (it
 * touches it, since the whole was connected), and recurse. Compact, nearly balanced starts.
 */
export function bisectGeometric(graph: BlockGraph, members: readonly number[], parts: number, turn = 0): number[][] {
  const out: number[][] = [];
  const split = (nodes: number[], k: number) => {
    if (k <= 1 || nodes.length <= 1) {
      out.push(nodes);
      return;
    }
    const total = nodes.reduce((s, b) => s + graph.weight[b]!, 0);
    const weightOf = total > 0 ? (b: number) => graph.weight[b]! : () => 1;
    const W = total > 0 ? total : nodes.length;
    const n = nodes.length;
    const mx = nodes.reduce((s, b) => s + graph.x[b]!, 0) / n;
    const my = nodes.reduce((s, b) => s + graph.y[b]!, 0) / n;
    let sxx = 0;
    let sxy = 0;
    let syy = 0;
    for (const b of nodes) {
      sxx += (graph.x[b]! - mx) ** 2;
      sxy += (graph.x[b]! - mx) * (graph.y[b]! - my);
      syy += (graph.y[b]! - my) ** 2;
    }
    // Across the major axis: the cut runs along the minor one, the shortest way across.
    const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy) + turn;
    const [ex, ey] = [Math.cos(angle), Math.sin(angle)];
    const sorted = [...nodes].sort(
      (a, b) => graph.x[a]! * ex + graph.y[a]! * ey - (graph.x[b]! * ex + graph.y[b]! * ey),
    );
    const k1 = Math.floor(k / 2);
    const want = (W * k1) / k;
    let acc = 0;
    let cut = 0;
    while (cut < n - (k - k1) && (cut < k1 || acc + weightOf(sorted[cut]!) / 2 <= want))
      acc += weightOf(sorted[cut++]!);
    let first = sorted.slice(0, cut);
    let second = sorted.slice(cut);
    // Contiguity: pieces of one side cut off from its main piece go to the other side.
    for (let round = 0; round < 4; round++) {
      const a = components(graph, first).sort((p, q) => q.length - p.length);
      const b = components(graph, second).sort((p, q) => q.length - p.length);
      if (a.length === 1 && b.length === 1) break;
      first = [...a[0]!, ...b.slice(1).flat()];
      second = [...b[0]!, ...a.slice(1).flat()];
    }
    const whole = (side: number[]) => side.length > 0 && components(graph, side).length === 1;
    if (first.length < k1 || second.length < k - k1 || !whole(first) || !whole(second)) {
      // The repair left a side in pieces, or with fewer blocks than parts: split by a tree instead.
      out.push(...splitTree(graph, spanningTree(graph, nodes, seededRandom(nodes.length), 0), nodes, k));
      return;
    }
    split(first, k1);
    split(second, k - k1);
  };
  split([...members], parts);
  return out;
}

/**
 * Greedy region growing, for comparison and tests: each grid starts at a seed block, and the grid
 * with the fewest households so far takes the unassigned block nearest its seed among those it
 * touches, until every block is taken. A grid with nothing left to take stops growing, however
 * light it is: the trap of growth from seeds.
 */
export function growRegions(graph: BlockGraph, seeds: readonly number[]): number[] {
  const assignment = new Array<number>(graph.size).fill(-1);
  const weight = seeds.map(() => 0);
  seeds.forEach((s, g) => {
    assignment[s] = g;
    weight[g] = graph.weight[s]!;
  });
  const active = new Set(seeds.map((_, g) => g));
  const members: number[][] = seeds.map((s) => [s]);
  while (active.size) {
    let g = -1;
    for (const h of active) if (g < 0 || weight[h]! < weight[g]!) g = h;
    const seed = seeds[g]!;
    let pick = -1;
    let pickDistance = Infinity;
    for (const m of members[g]!)
      for (const c of graph.contacts[m]!) {
        if (!c.adjacent || assignment[c.block] !== -1) continue;
        const d = Math.hypot(graph.x[c.block]! - graph.x[seed]!, graph.y[c.block]! - graph.y[seed]!);
        if (d < pickDistance || (d === pickDistance && c.block < pick)) {
          pick = c.block;
          pickDistance = d;
        }
      }
    if (pick < 0) {
      active.delete(g);
      continue;
    }
    assignment[pick] = g;
    weight[g]! += graph.weight[pick]!;
    members[g]!.push(pick);
  }
  return assignment;
}

/**
 * How many grids each connected part of the community gets: in proportion to its households
 * (largest remainders), at least one each and at most one per block.
 */
export function allocateGrids(weights: readonly number[], sizes: readonly number[], grids: number): number[] {
  const parts = weights.length;
  if (grids < parts)
    throw new DraftingError(
      'too_few_grids',
      `The community falls into ${parts} separate parts that share no boundary, and each grid must be one polygon: ask for at least ${parts} grids.`,
    );
  const capacity = sizes.reduce((s, n) => s + n, 0);
  if (grids > capacity)
    throw new DraftingError(
      'too_many_grids',
      `The community has ${capacity} street blocks, and a grid is made of whole blocks: ask for at most ${capacity} grids.`,
    );
  const total = weights.reduce((s, w) => s + w, 0);
  const quota = weights.map((w, i) => (total > 0 ? (w / total) * grids : (sizes[i]! / capacity) * grids));
  const out = quota.map((q, i) => Math.min(sizes[i]!, Math.max(1, Math.floor(q))));
  let left = grids - out.reduce((s, n) => s + n, 0);
  // Hand out the rest by the largest remaining quota, then take back from the most over quota.
  while (left > 0) {
    let best = -1;
    for (let i = 0; i < parts; i++)
      if (out[i]! < sizes[i]! && (best < 0 || quota[i]! - out[i]! > quota[best]! - out[best]!)) best = i;
    out[best]! += 1;
    left--;
  }
  while (left < 0) {
    let best = -1;
    for (let i = 0; i < parts; i++)
      if (out[i]! > 1 && (best < 0 || out[i]! - quota[i]! > out[best]! - quota[best]!)) best = i;
    out[best]! -= 1;
    left++;
  }
  return out;
}

export type StartKind = 'bisection' | 'spanning_tree';

export type DraftOptions = {
  /**
   * Starts per connected part, each improved by local moves; the draft of lowest cost wins. Half are
   * geometric bisections (the first along the principal axes, the others with the axes turned at
   * random), half splits of seeded random spanning trees.
   */
  restarts?: number;
  seed?: number;
  /** How much each tree edge may be stretched at random. */
  jitter?: number;
  objective?: Partial<Omit<Objective, 'target'>>;
  maxPasses?: number;
};

export type DraftResult = {
  /** Block → grid (0…grids−1). */
  assignment: number[];
  grids: number;
  target: number;
  cost: number;
  /** Which start the best draft grew from (of the largest part). */
  start: StartKind;
  /** Largest over smallest households straight after the start, before any move. */
  initialRatio: number;
  moves: number;
  restarts: number;
};

/** One start: a partition of `members` into k connected pieces. */
function startPieces(
  graph: BlockGraph,
  members: readonly number[],
  k: number,
  kind: StartKind,
  random: Random,
  turn: number,
  jitter: number,
) {
  return kind === 'bisection'
    ? bisectGeometric(graph, members, k, turn)
    : splitTree(graph, spanningTree(graph, members, random, jitter), members, k);
}

/**
 * The draft: k grids over the whole graph. Each connected part of the graph (a community in several
 * pieces) gets its share of the grids and is drafted on its own; the target is the same everywhere
 * (all households over k).
 */
export function draftPartition(graph: BlockGraph, grids: number, options: DraftOptions = {}): DraftResult {
  const restarts = Math.max(2, options.restarts ?? 8);
  const jitter = options.jitter ?? 0.6;
  const parts = components(graph);
  const partWeights = parts.map((p) => p.reduce((s, b) => s + graph.weight[b]!, 0));
  const allocation = allocateGrids(
    partWeights,
    parts.map((p) => p.length),
    grids,
  );
  const total = partWeights.reduce((s, w) => s + w, 0);
  const objective: Objective = { ...DEFAULT_OBJECTIVE, ...options.objective, target: total / grids };
  const assignment = new Array<number>(graph.size).fill(-1);
  const initialWeights: number[] = [];
  let offset = 0;
  let cost = 0;
  let moves = 0;
  let start: StartKind = 'bisection';
  let largest = -1;
  parts.forEach((members, p) => {
    const k = allocation[p]!;
    let best: { assignment: number[]; cost: number; moves: number; initial: number[]; kind: StartKind } | undefined;
    for (let r = 0; r < restarts; r++) {
      const random = seededRandom((options.seed ?? 1) * 7919 + r * 104729 + p);
      const kind: StartKind = r % 2 === 0 ? 'bisection' : 'spanning_tree';
      // The first bisection along the principal axes; later ones turned by up to ±45°.
      const turn = r === 0 ? 0 : (random() - 0.5) * (Math.PI / 2);
      const local = new Array<number>(graph.size).fill(-1);
      startPieces(graph, members, k, kind, random, turn, jitter).forEach((piece, g) =>
        piece.forEach((b) => (local[b] = g)),
      );
      const state = new PartitionState(graph, local, k);
      const initial = [...state.weight];
      const result = improve(state, objective, random, { maxPasses: options.maxPasses });
      const c = state.cost(objective);
      if (!best || c < best.cost)
        best = { assignment: local, cost: c, moves: result.moves + result.chains, initial, kind };
    }
    for (const b of members) assignment[b] = best!.assignment[b]! + offset;
    cost += best!.cost;
    moves += best!.moves;
    initialWeights.push(...best!.initial);
    if (members.length > largest) {
      largest = members.length;
      start = best!.kind;
    }
    offset += k;
  });
  return {
    assignment,
    grids,
    target: objective.target,
    cost,
    start,
    initialRatio: largestToSmallest(initialWeights),
    moves,
    restarts,
  };
}
