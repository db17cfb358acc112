import { profileCosts } from './graph';
import { partialCost, search } from './search';
import type { Profile, RoadGraph, SearchResult, Snap } from './types';

/**
 * Seconds from each point of `origins` to each of `targets`, row-major (`origins.length` rows of
 * `targets.length`), `Infinity` when beyond `limit_s` or unreachable. One bounded Dijkstra per
 * origin; a target on edge e at fraction g is reached from e's first node (g · forward time) or its
 * last node ((1 − g) · backward time), or directly along e when the origin is on the same edge and
 * the profile may travel that way.
 */
export function travelTimes(
  graph: RoadGraph,
  profile: Profile,
  origins: readonly Snap[],
  targets: readonly Snap[],
  limit_s: number,
): Float64Array {
  const costs = profileCosts(graph, profile);
  const times = new Float64Array(origins.length * targets.length).fill(Infinity);
  let result: SearchResult | undefined;
  for (let o = 0; o < origins.length; o++) {
    const origin = origins[o]!;
    result = search(graph, profile, [origin], limit_s, result);
    const arrival = result.arrival_s;
    for (let t = 0; t < targets.length; t++) {
      const target = targets[t]!;
      const e = target.edge;
      const g = target.fraction;
      const cf = costs.forward_s[e]!;
      const cb = costs.backward_s[e]!;
      let best = Math.min(
        arrival[graph.edgeFrom[e]!]! + partialCost(g, cf),
        arrival[graph.edgeTo[e]!]! + partialCost(1 - g, cb),
      );
      if (origin.edge === e) {
        const f = origin.fraction;
        const direct = (origin.delay_s ?? 0) + (g >= f ? partialCost(g - f, cf) : partialCost(f - g, cb));
        if (direct < best) best = direct;
      }
      if (best <= limit_s) times[o * targets.length + t] = best;
    }
  }
  return times;
}
