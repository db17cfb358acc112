/**
 * The street-block graph the drafting works on. A block is a face the streets cut the community into
 * (or a piece of one cut by a straight line, see split.ts, or such a face with the crumbs that float
 * noise and close-running streets leave along it). Two blocks are neighbours when they share a
 * boundary of positive length; a grid may be contiguous through a shared boundary that is `adjacent`.
 *
 * Areas, perimeters and shared lengths are geodesic metres (PostGIS on geography), so a grid's
 * perimeter is exactly its blocks' perimeters less twice the boundaries they share inside it, and
 * its Polsby-Popper score can be kept up to date move by move without touching geometry.
 */

export type BlockContact = {
  readonly block: number;
  /** Length of the boundary the two blocks share, metres. */
  readonly shared_m: number;
  /** A grid holding both blocks is connected through this boundary. */
  readonly adjacent: boolean;
};

export type BlockGraph = {
  readonly size: number;
  /** Households in each block (the partition balances these). */
  readonly weight: readonly number[];
  readonly area_m2: readonly number[];
  readonly perimeter_m: readonly number[];
  /** A point of each block in a local metre frame (its area centroid), for distances and k-means. */
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** Every block sharing a boundary of positive length with block i. */
  readonly contacts: readonly (readonly BlockContact[])[];
};

export type BlockInput = { weight: number; area_m2: number; perimeter_m: number; x: number; y: number };
export type ContactInput = { a: number; b: number; shared_m: number };

/** Union–find over 0…n−1, with path halving. */
export class DisjointSets {
  private readonly parent: number[];
  constructor(size: number) {
    this.parent = Array.from({ length: size }, (_, i) => i);
  }
  find(i: number): number {
    let at = i;
    while (this.parent[at] !== at) {
      const up = this.parent[this.parent[at]!]!;
      this.parent[at] = up;
      at = up;
    }
    return at;
  }
  /** Joins the two sets; false when they were one already. */
  union(a: number, b: number): boolean {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra === rb) return false;
    this.parent[rb] = ra;
    return true;
  }
}

/**
 * Builds the graph. Blocks sharing at least `minShared_m` are adjacent. Then, so that a boundary
 * shorter than that never splits the community into pieces that must each get a grid of their own,
 * the longest shorter boundaries that join two such pieces are made adjacent too (a maximum spanning
 * forest over them): only parts that share no boundary at all stay apart.
 */
export function buildBlockGraph(blocks: readonly BlockInput[], contacts: readonly ContactInput[], minShared_m: number) {
  const size = blocks.length;
  const pairs = new Map<string, { a: number; b: number; shared_m: number }>();
  for (const c of contacts) {
    if (c.a === c.b || !(c.shared_m > 0)) continue;
    const [a, b] = c.a < c.b ? [c.a, c.b] : [c.b, c.a];
    const key = `${a},${b}`;
    const found = pairs.get(key);
    if (found) found.shared_m += c.shared_m;
    else pairs.set(key, { a, b, shared_m: c.shared_m });
  }
  const sets = new DisjointSets(size);
  const adjacent = new Set<string>();
  for (const [key, p] of pairs)
    if (p.shared_m >= minShared_m) {
      adjacent.add(key);
      sets.union(p.a, p.b);
    }
  const short = [...pairs.entries()]
    .filter(([key]) => !adjacent.has(key))
    .sort((x, y) => y[1].shared_m - x[1].shared_m);
  for (const [key, p] of short) if (sets.union(p.a, p.b)) adjacent.add(key);

  const lists: BlockContact[][] = Array.from({ length: size }, () => []);
  for (const [key, p] of pairs) {
    const isAdjacent = adjacent.has(key);
    lists[p.a]!.push({ block: p.b, shared_m: p.shared_m, adjacent: isAdjacent });
    lists[p.b]!.push({ block: p.a, shared_m: p.shared_m, adjacent: isAdjacent });
  }
  for (const list of lists) list.sort((x, y) => x.block - y.block);
  const graph: BlockGraph = {
    size,
    weight: blocks.map((b) => b.weight),
    area_m2: blocks.map((b) => b.area_m2),
    perimeter_m: blocks.map((b) => b.perimeter_m),
    x: blocks.map((b) => b.x),
    y: blocks.map((b) => b.y),
    contacts: lists,
  };
  return graph;
}

/**
 * Folds crumbs (faces under the planner's minimum part size or narrower than its minimum width:
 * what two streets running a metre apart, or a street along the community's edge, leave behind)
 * into the neighbour they share the longest boundary with, so that no grid is made of a crumb and
 * the graph is not cluttered with them. Returns the merged blocks, their contacts, and for each face
 * the block it went into.
 */
export function mergeCrumbs(
  faces: readonly BlockInput[],
  contacts: readonly ContactInput[],
  crumb: readonly boolean[],
) {
  const sets = new DisjointSets(faces.length);
  const longest = new Map<number, { other: number; shared_m: number }>();
  for (const c of contacts) {
    if (c.a === c.b || !(c.shared_m > 0)) continue;
    for (const [self, other] of [
      [c.a, c.b],
      [c.b, c.a],
    ] as const) {
      if (!crumb[self]) continue;
      const best = longest.get(self);
      if (!best || c.shared_m > best.shared_m) longest.set(self, { other, shared_m: c.shared_m });
    }
  }
  // Smallest first, so a crumb next to a crumb ends up with whatever the larger one joins.
  const order = faces.map((_, i) => i).filter((i) => crumb[i]);
  order.sort((a, b) => faces[a]!.area_m2 - faces[b]!.area_m2);
  for (const i of order) {
    const best = longest.get(i);
    if (best) sets.union(best.other, i);
  }

  const blockOfRoot = new Map<number, number>();
  const faceBlock = faces.map((_, i) => {
    const root = sets.find(i);
    let block = blockOfRoot.get(root);
    if (block === undefined) {
      block = blockOfRoot.size;
      blockOfRoot.set(root, block);
    }
    return block;
  });
  const blocks: BlockInput[] = Array.from({ length: blockOfRoot.size }, () => ({
    weight: 0,
    area_m2: 0,
    perimeter_m: 0,
    x: 0,
    y: 0,
  }));
  faces.forEach((face, i) => {
    const block = blocks[faceBlock[i]!]!;
    block.weight += face.weight;
    block.area_m2 += face.area_m2;
    block.perimeter_m += face.perimeter_m;
    block.x += face.x * face.area_m2;
    block.y += face.y * face.area_m2;
  });
  const blockContacts: ContactInput[] = [];
  for (const c of contacts) {
    const a = faceBlock[c.a]!;
    const b = faceBlock[c.b]!;
    if (a === b) blocks[a]!.perimeter_m -= 2 * c.shared_m;
    else blockContacts.push({ a, b, shared_m: c.shared_m });
  }
  blocks.forEach((block, i) => {
    if (block.area_m2 > 0) {
      block.x /= block.area_m2;
      block.y /= block.area_m2;
    } else {
      // Degenerate (zero-area) faces: keep the first face's point.
      const first = faceBlock.indexOf(i);
      block.x = faces[first]!.x;
      block.y = faces[first]!.y;
    }
  });
  return { blocks, contacts: blockContacts, faceBlock };
}

/** The connected pieces of `members` (all blocks when omitted) through adjacent boundaries. */
export function components(graph: BlockGraph, members?: readonly number[]): number[][] {
  const inside = new Uint8Array(graph.size);
  const list = members ?? Array.from({ length: graph.size }, (_, i) => i);
  for (const m of list) inside[m] = 1;
  const seen = new Uint8Array(graph.size);
  const out: number[][] = [];
  for (const start of list) {
    if (seen[start]) continue;
    const piece = [start];
    seen[start] = 1;
    for (let head = 0; head < piece.length; head++) {
      for (const c of graph.contacts[piece[head]!]!) {
        if (!c.adjacent || !inside[c.block] || seen[c.block]) continue;
        seen[c.block] = 1;
        piece.push(c.block);
      }
    }
    out.push(piece);
  }
  return out;
}

/** Whether each grid of `assignment` (block → grid, −1 for none) is one connected piece. */
export function everyGridConnected(graph: BlockGraph, assignment: readonly number[], grids: number): boolean {
  const members: number[][] = Array.from({ length: grids }, () => []);
  assignment.forEach((g, block) => {
    if (g >= 0) members[g]!.push(block);
  });
  return members.every((m) => m.length > 0 && components(graph, m).length === 1);
}
