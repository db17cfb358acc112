import { pointAlongEdge, profileCosts, vertexBefore } from './graph';
import { partialCost, search } from './search';
import type { Profile, RoadGraph, SearchResult, Snap } from './types';

type LngLat = [number, number];

/** A path along the streets: from the origin's snap point to the target's, with its length and time. */
export type Route = {
  coordinates: LngLat[];
  /** Metres along the streets (the walks to and from them not included). */
  distance_m: number;
  /** Seconds along the streets, the origin's `delay_s` included (as the search counts it). */
  network_s: number;
};

/** The coordinates of edge `e` from `from_m` to `to_m` along it, in that direction (either way). */
export function edgeStretch(graph: RoadGraph, e: number, from_m: number, to_m: number): LngLat[] {
  const lo = Math.min(from_m, to_m);
  const hi = Math.max(from_m, to_m);
  const out: LngLat[] = [pointAlongEdge(graph, e, lo)];
  const last = vertexBefore(graph, e, hi);
  for (let v = vertexBefore(graph, e, lo) + 1; v <= last; v++) {
    if (graph.vertexDistance_m[v]! >= hi) break;
    out.push([graph.vertexLngLat[v * 2]!, graph.vertexLngLat[v * 2 + 1]!]);
  }
  out.push(pointAlongEdge(graph, e, hi));
  return from_m <= to_m ? out : out.reverse();
}

/** Appends, dropping a repeated joint. */
function extend(path: LngLat[], more: LngLat[]) {
  for (const p of more) {
    const q = path.at(-1);
    if (!q || q[0] !== p[0] || q[1] !== p[1]) path.push(p);
  }
}

/**
 * The fastest way from `result`'s single origin to `target`, read back from the search's arrival
 * times: a node's predecessor is the neighbour whose arrival plus the edge's cost equals its own
 * arrival exactly (the search stored those very sums, so the test is exact in floating point).
 * Null when the target is beyond the search's limit.
 */
export function routeTo(graph: RoadGraph, profile: Profile, result: SearchResult, target: Snap): Route | null {
  const origin = result.origins[0];
  if (!origin) return null;
  const costs = profileCosts(graph, profile);
  const arrival = result.arrival_s;
  const te = target.edge;
  const tg = target.fraction;
  const tLength = graph.edgeLength_m[te]!;
  const oe = origin.edge;
  const oLength = graph.edgeLength_m[oe]!;
  const delay = origin.delay_s ?? 0;

  const viaFrom = arrival[graph.edgeFrom[te]!]! + partialCost(tg, costs.forward_s[te]!);
  const viaTo = arrival[graph.edgeTo[te]!]! + partialCost(1 - tg, costs.backward_s[te]!);
  let direct = Infinity;
  if (oe === te) {
    const f = origin.fraction;
    direct = delay + (tg >= f ? partialCost(tg - f, costs.forward_s[te]!) : partialCost(f - tg, costs.backward_s[te]!));
  }
  const best = Math.min(viaFrom, viaTo, direct);
  if (!(best <= result.limit_s)) return null;
  if (direct === best) {
    return {
      coordinates: edgeStretch(graph, te, origin.fraction * oLength, tg * tLength),
      distance_m: Math.abs(tg - origin.fraction) * tLength,
      network_s: best,
    };
  }

  // Walk back from the node the target's edge is entered at, to a node the origin seeded.
  const lastNode = viaFrom <= viaTo ? graph.edgeFrom[te]! : graph.edgeTo[te]!;
  const nodes: number[] = [lastNode];
  const slots: number[] = [];
  const seededFrom = delay + partialCost(origin.fraction, costs.backward_s[oe]!);
  const seededTo = delay + partialCost(1 - origin.fraction, costs.forward_s[oe]!);
  const isSeed = (n: number) =>
    (n === graph.edgeFrom[oe] && arrival[n] === seededFrom) || (n === graph.edgeTo[oe] && arrival[n] === seededTo);
  let n = lastNode;
  for (let steps = 0; !isSeed(n); steps++) {
    if (steps > graph.nodeCount) throw new Error('route: no predecessor chain (corrupt search result)');
    let found = -1;
    for (let slot = graph.adjacencyStart[n]!; slot < graph.adjacencyStart[n + 1]!; slot++) {
      const u = graph.adjacencyNode[slot]!;
      const e = graph.adjacencyEdge[slot]!;
      // This slot walks n → u; the search went u → n, the other way along e.
      const uToN = graph.adjacencyBackward[slot] ? costs.forward_s[e]! : costs.backward_s[e]!;
      if (arrival[u]! + uToN === arrival[n]! && arrival[u]! <= arrival[n]! && u !== n) {
        found = slot;
        break;
      }
    }
    if (found === -1) throw new Error('route: no predecessor chain (corrupt search result)');
    slots.push(found);
    n = graph.adjacencyNode[found]!;
    nodes.push(n);
  }

  const coordinates: LngLat[] = [];
  let distance_m = 0;
  // The first stretch: along the origin's edge to the seed node.
  const seed = nodes.at(-1)!;
  const toSeedEnd = seed === graph.edgeTo[oe] && arrival[seed] === seededTo ? oLength : 0;
  extend(coordinates, edgeStretch(graph, oe, origin.fraction * oLength, toSeedEnd));
  distance_m += Math.abs(toSeedEnd - origin.fraction * oLength);
  // Then node to node, in travel order (the slots were collected walking backwards).
  for (let i = slots.length - 1; i >= 0; i--) {
    const slot = slots[i]!;
    const e = graph.adjacencyEdge[slot]!;
    const length = graph.edgeLength_m[e]!;
    // The slot walks from nodes[i] back to nodes[i + 1]; travel goes nodes[i + 1] → nodes[i].
    const travelForward = graph.adjacencyBackward[slot] === 1;
    extend(coordinates, travelForward ? edgeStretch(graph, e, 0, length) : edgeStretch(graph, e, length, 0));
    distance_m += length;
  }
  // The last stretch: along the target's edge to the target.
  const entered_m = lastNode === graph.edgeFrom[te] && viaFrom <= viaTo ? 0 : tLength;
  extend(coordinates, edgeStretch(graph, te, entered_m, tg * tLength));
  distance_m += Math.abs(tg * tLength - entered_m);
  if (coordinates.length === 1) coordinates.push(coordinates[0]!);
  return { coordinates, distance_m, network_s: best };
}

/**
 * One search from `origin` (bounded by `limit_s`): every target's time along the streets plus its
 * `extra_s` (`Infinity` beyond the limit), and the routes to the `routeCount` fastest, fastest first
 * (ties in target order).
 */
export function timesAndRoutes(
  graph: RoadGraph,
  profile: Profile,
  origin: Snap,
  targets: readonly Snap[],
  extra_s: readonly number[],
  limit_s: number,
  routeCount: number,
): { times: Float64Array; best: { target: number; route: Route }[] } {
  const result = search(graph, profile, [origin], limit_s);
  const times = new Float64Array(targets.length).fill(Infinity);
  const costs = profileCosts(graph, profile);
  for (let t = 0; t < targets.length; t++) {
    const target = targets[t]!;
    const e = target.edge;
    const g = target.fraction;
    let best = Math.min(
      result.arrival_s[graph.edgeFrom[e]!]! + partialCost(g, costs.forward_s[e]!),
      result.arrival_s[graph.edgeTo[e]!]! + partialCost(1 - g, costs.backward_s[e]!),
    );
    if (origin.edge === e) {
      const f = origin.fraction;
      const direct =
        (origin.delay_s ?? 0) +
        (g >= f ? partialCost(g - f, costs.forward_s[e]!) : partialCost(f - g, costs.backward_s[e]!));
      if (direct < best) best = direct;
    }
    const total = best + (extra_s[t] ?? 0);
    if (total <= limit_s) times[t] = total;
  }
  const order = Array.from(times.keys())
    .filter((t) => Number.isFinite(times[t]))
    .sort((a, b) => times[a]! - times[b]! || a - b)
    .slice(0, routeCount);
  const best = order.flatMap((t) => {
    const route = routeTo(graph, profile, result, targets[t]!);
    return route ? [{ target: t, route }] : [];
  });
  return { times, best };
}
