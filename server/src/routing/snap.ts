import { edgeUsable, profileCosts } from './graph';
import { metresPerDegreeLat, metresPerDegreeLng } from './local-metric';
import { WALK_KMH } from './profiles';
import type { Profile, RoadGraph, Snap } from './types';

/**
 * The nearest point, within `maxDistance_m`, on an edge that `profile` may use, found by exact
 * projection onto each candidate polyline in a local metric projection centred on the query point.
 * `fraction` is measured along the edge's length, so `fraction · length` is the distance from the
 * edge's first coordinate. Returns null when no usable edge is that close.
 */
export function snapPoint(
  graph: RoadGraph,
  lng: number,
  lat: number,
  profile: Profile,
  maxDistance_m = 500,
): Snap | null {
  const costs = profileCosts(graph, profile);
  const kx = metresPerDegreeLng(lat);
  const ky = metresPerDegreeLat(lat);
  const dLng = maxDistance_m / kx;
  const dLat = maxDistance_m / ky;
  const candidates = graph.edgeIndex.search(lng - dLng, lat - dLat, lng + dLng, lat + dLat, (e) =>
    e < graph.edgeCount ? edgeUsable(costs, e) : false,
  );
  const coords = graph.vertexLngLat;
  let bestDistance2 = maxDistance_m * maxDistance_m;
  let bestEdge = -1;
  let bestVertex = 0;
  let bestT = 0;
  for (const e of candidates) {
    const end = graph.edgeVertexStart[e + 1]! - 1;
    for (let v = graph.edgeVertexStart[e]!; v < end; v++) {
      const ax = (coords[v * 2]! - lng) * kx;
      const ay = (coords[v * 2 + 1]! - lat) * ky;
      const bx = (coords[v * 2 + 2]! - lng) * kx;
      const by = (coords[v * 2 + 3]! - lat) * ky;
      const dx = bx - ax;
      const dy = by - ay;
      const length2 = dx * dx + dy * dy;
      let t = length2 > 0 ? -(ax * dx + ay * dy) / length2 : 0;
      t = t < 0 ? 0 : t > 1 ? 1 : t;
      const px = ax + t * dx;
      const py = ay + t * dy;
      const distance2 = px * px + py * py;
      if (distance2 < bestDistance2 || (distance2 === bestDistance2 && bestEdge === -1)) {
        bestDistance2 = distance2;
        bestEdge = e;
        bestVertex = v;
        bestT = t;
      }
    }
  }
  if (bestEdge === -1) return null;
  const length = graph.edgeLength_m[bestEdge]!;
  const along =
    graph.vertexDistance_m[bestVertex]! +
    bestT * (graph.vertexDistance_m[bestVertex + 1]! - graph.vertexDistance_m[bestVertex]!);
  const v = bestVertex * 2;
  return {
    edge: bestEdge,
    fraction: length > 0 ? Math.min(1, along / length) : 0,
    point: [
      coords[v]! + bestT * (coords[v + 2]! - coords[v]!),
      coords[v + 1]! + bestT * (coords[v + 3]! - coords[v + 1]!),
    ],
    distance_m: Math.sqrt(bestDistance2),
  };
}

/**
 * The snap with the walk from the query point to the street counted: mapped streets stop at a
 * compound's gate, so that stretch is on foot (4.8 km/h) whatever the profile.
 */
export function withAccessWalk(snap: Snap): Snap {
  return { ...snap, delay_s: snap.distance_m / (WALK_KMH / 3.6) };
}
