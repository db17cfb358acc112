import { profileCosts } from './graph';
import { MinHeap } from './heap';
import type { Profile, RoadGraph, SearchResult, Snap } from './types';

/** One heap per graph, reused by every search (searches are synchronous, so never shared at once). */
const heaps = new WeakMap<RoadGraph, MinHeap>();

function heapFor(graph: RoadGraph): MinHeap {
  let heap = heaps.get(graph);
  if (!heap || heap.capacity < graph.nodeCount) {
    heap = new MinHeap(graph.nodeCount);
    heaps.set(graph, heap);
  }
  return heap;
}

/**
 * Seconds from a snap to the first (`toFrom`) and last (`toTo`) node of its edge; Infinity when
 * the direction is closed to the profile (oneway for cars, or a class the profile may not use).
 */
/** `fraction · seconds`, where zero distance costs nothing even on a closed direction (0 · ∞ = 0). */
export const partialCost = (fraction: number, seconds: number): number => (fraction > 0 ? fraction * seconds : 0);

export function snapCosts(graph: RoadGraph, profile: Profile, snap: Snap): { toFrom: number; toTo: number } {
  const costs = profileCosts(graph, profile);
  return {
    toFrom: partialCost(snap.fraction, costs.backward_s[snap.edge]!),
    toTo: partialCost(1 - snap.fraction, costs.forward_s[snap.edge]!),
  };
}

/**
 * Multi-source Dijkstra from `origins`, settling every node reachable within `limit_s` seconds
 * (pass Infinity for the whole network). Each origin enters the graph at its snap point: the
 * edge's first node costs `fraction ·` the backward edge time and its last node `(1 − fraction) ·`
 * the forward time, so oneways are respected from the very first metre. The clock starts at the
 * origin's `delay_s` (the walk from the query point to its snap point, when counted).
 *
 * `reuse` hands back an earlier result of the same graph to overwrite: only the nodes it reached
 * are reset, which at 100k nodes saves more time than the bounded search itself costs.
 */
export function search(
  graph: RoadGraph,
  profile: Profile,
  origins: readonly Snap[],
  limit_s: number,
  reuse?: SearchResult,
): SearchResult {
  const costs = profileCosts(graph, profile);
  let result: SearchResult;
  if (reuse && reuse.arrival_s.length === graph.nodeCount) {
    for (let i = 0; i < reuse.reachedCount; i++) {
      const node = reuse.reachedNodes[i]!;
      reuse.arrival_s[node] = Infinity;
      reuse.originIndex[node] = -1;
    }
    result = reuse;
    result.profile = profile;
    result.limit_s = limit_s;
    result.origins = [...origins];
    result.reachedCount = 0;
  } else {
    result = {
      profile,
      limit_s,
      origins: [...origins],
      arrival_s: new Float64Array(graph.nodeCount).fill(Infinity),
      originIndex: new Int32Array(graph.nodeCount).fill(-1),
      reachedNodes: new Int32Array(graph.nodeCount),
      reachedCount: 0,
    };
  }
  const arrival = result.arrival_s;
  const originIndex = result.originIndex;
  const reached = result.reachedNodes;
  const heap = heapFor(graph);
  heap.clear();

  const seed = (node: number, seconds: number, origin: number) => {
    if (seconds <= limit_s && seconds < arrival[node]!) {
      arrival[node] = seconds;
      originIndex[node] = origin;
      heap.push(node, seconds);
    }
  };
  for (let i = 0; i < origins.length; i++) {
    const snap = origins[i]!;
    const { toFrom, toTo } = snapCosts(graph, profile, snap);
    const delay = snap.delay_s ?? 0;
    seed(graph.edgeFrom[snap.edge]!, delay + toFrom, i);
    seed(graph.edgeTo[snap.edge]!, delay + toTo, i);
  }

  const start = graph.adjacencyStart;
  const neighbour = graph.adjacencyNode;
  const cost = costs.adjacency_s;
  let count = 0;
  // Nothing above limit_s is ever pushed, so the heap drains completely and every node popped is
  // settled within the limit.
  while (heap.size > 0) {
    const u = heap.pop();
    reached[count++] = u;
    const tu = arrival[u]!;
    const ou = originIndex[u]!;
    const end = start[u + 1]!;
    for (let slot = start[u]!; slot < end; slot++) {
      const t = tu + cost[slot]!;
      if (t > limit_s) continue;
      const v = neighbour[slot]!;
      if (t < arrival[v]!) {
        arrival[v] = t;
        originIndex[v] = ou;
        heap.push(v, t);
      }
    }
  }
  result.reachedCount = count;
  return result;
}
