import { type Route, WALK_KMH, profileCosts, snapPoint, withAccessWalk } from '../routing';
import type { Profile, RoadGraph, Snap } from '../routing/types';
import { MAX_SNAP_M, type routingService } from './routing.service';
import {
  type IndexedStations,
  SPHERE_ERROR,
  type StationPredicate,
  type StationRow,
  byStraightLine,
  sphereMetres,
} from './station-index';

type Routing = ReturnType<typeof routingService>;
type LngLat = [number, number];

/**
 * The longest trip ranked: beyond two hours (30 km by e-bike, 10 km on foot) a rest station is not
 * "nearest" in any useful sense, and searching further would cost a whole-network search.
 */
export const MAX_TRAVEL_S = 2 * 3600;
/** Graph lengths come from a local projection; allow them to run this much short of the geodesic. */
const LENGTH_TOLERANCE = 0.99;
const WALK_MPS = WALK_KMH / 3.6;

export type TimedStation = {
  row: StationRow;
  straight_m: number;
  /** Along the route, the walks to and from the streets included. */
  distance_m: number;
  duration_s: number;
  walk_s: number | null;
  ebike_s: number | null;
  /** From the query point to the station, along the streets. */
  route: LngLat[];
};

/** The fastest speed anywhere on the graph for the profile: the lower bound on any trip's time. */
function topSpeed_mps(graph: RoadGraph, profile: Profile): number {
  const speeds = profileCosts(graph, profile).speed_mps;
  let top = WALK_MPS;
  for (let e = 0; e < speeds.length; e++) if (speeds[e]! > top) top = speeds[e]!;
  return top;
}

/** Each station's snap for a profile on a graph, computed once per index and graph. */
function snapsOf(index: IndexedStations, graph: RoadGraph, profile: Profile): (Snap | null | undefined)[] {
  let byGraph = index.memo.get(snapsOf) as WeakMap<RoadGraph, Map<Profile, (Snap | null | undefined)[]>> | undefined;
  if (!byGraph) index.memo.set(snapsOf, (byGraph = new WeakMap()));
  let byProfile = byGraph.get(graph);
  if (!byProfile) byGraph.set(graph, (byProfile = new Map()));
  let snaps = byProfile.get(profile);
  if (!snaps) byProfile.set(profile, (snaps = new Array<Snap | null | undefined>(index.rows.length)));
  return snaps;
}

function stationSnap(index: IndexedStations, graph: RoadGraph, profile: Profile, i: number): Snap | null {
  const snaps = snapsOf(index, graph, profile);
  let snap = snaps[i];
  if (snap === undefined) {
    snap = snapPoint(graph, index.lng[i]!, index.lat[i]!, profile, MAX_SNAP_M);
    snaps[i] = snap;
  }
  return snap;
}

type Candidate = { i: number; row: StationRow; straight_m: number; snap: Snap };

/**
 * The `limit` stations passing `predicate` that are fastest to reach from the point by `mode`, exactly:
 *
 * A trip's time is at least its straight-line length at the profile's top speed, so with a search
 * bounded by L seconds, every station whose lower bound is within L is timed, and any other takes
 * longer than L. Once `limit` stations arrive within L, nothing left out can beat them; until then
 * L doubles (up to MAX_TRAVEL_S). The trip is: walk from the point to its street, ride the streets,
 * walk from the street to the station's door (compounds are gated; the map's streets stop there).
 *
 * Each chosen station also gets its time by the other profile (walk ↔ e-bike), along that
 * profile's own best route, so a card can say both.
 */
export async function byTravelTime(
  routing: Routing,
  index: IndexedStations,
  query: { lng: number; lat: number; limit: number; mode: 'walk' | 'ebike' },
  predicate: StationPredicate,
): Promise<{ stations: TimedStation[]; offNetwork: number }> {
  const { lng, lat, limit, mode } = query;
  const { graph, snap } = await routing.snap(lng, lat, mode);
  const origin = withAccessWalk(snap);
  const top_mps = topSpeed_mps(graph, mode);
  const lowerBound_s = (sphere_m: number) => (sphere_m * (1 - SPHERE_ERROR) * LENGTH_TOLERANCE) / top_mps;

  const walk = byStraightLine(index, lng, lat, predicate);
  let pending = walk.next();
  const candidates: Candidate[] = [];
  let offNetwork = 0;
  let lastSphere_m = 0;
  /** Takes the next station in straight-line order, if any. */
  const take = () => {
    const hit = pending.value!;
    lastSphere_m = sphereMetres(lng, lat, index.lng[hit.index]!, index.lat[hit.index]!);
    const s = stationSnap(index, graph, mode, hit.index);
    if (s) candidates.push({ i: hit.index, row: hit.row, straight_m: hit.distance_m, snap: s });
    else offNetwork++;
    pending = walk.next();
  };
  /** Takes every station whose lower bound is within `limit_s`. */
  const takeWithin = (limit_s: number) => {
    while (!pending.done) {
      const hit = pending.value;
      if (lowerBound_s(sphereMetres(lng, lat, index.lng[hit.index]!, index.lat[hit.index]!)) > limit_s) return;
      take();
    }
  };

  // A first bound that usually holds `limit` stations: 2.5 times the straight-line time to the
  // limit-th nearest at top speed (streets detour, and few are ridden at top speed), at least 5 min.
  while (!pending.done && candidates.length < limit) take();
  let limit_s = Math.min(MAX_TRAVEL_S, Math.max(300, 2.5 * lowerBound_s(lastSphere_m)));
  let found: Timed[] = [];
  for (;;) {
    takeWithin(limit_s);
    const timed = await timeCandidates(routing, graph, mode, origin, candidates, limit_s, limit);
    found = timed.chosen;
    if (found.length >= limit || limit_s >= MAX_TRAVEL_S || (pending.done && timed.beyond === 0)) break;
    limit_s = Math.min(MAX_TRAVEL_S, limit_s * 2);
  }

  const other: Profile = mode === 'walk' ? 'ebike' : 'walk';
  const otherTimes = await otherProfileTimes(routing, graph, other, lng, lat, index, found, MAX_TRAVEL_S);
  return {
    offNetwork,
    stations: found.map((c, k) => ({
      row: c.candidate.row,
      straight_m: c.candidate.straight_m,
      distance_m: snap.distance_m + c.route.distance_m + c.candidate.snap.distance_m,
      duration_s: c.duration_s,
      walk_s: mode === 'walk' ? c.duration_s : otherTimes[k]!,
      ebike_s: mode === 'ebike' ? c.duration_s : otherTimes[k]!,
      route: [[lng, lat], ...c.route.coordinates, [index.lng[c.candidate.i]!, index.lat[c.candidate.i]!]],
    })),
  };
}

type Timed = { candidate: Candidate; duration_s: number; route: Route };

/**
 * Times every candidate within `limit_s` in one search (in a worker thread, behind the heavy-work
 * limiter), with routes to the fastest `limit`. Candidates go sorted by id, so ties rank by id.
 */
async function timeCandidates(
  routing: Routing,
  graph: RoadGraph,
  profile: Profile,
  origin: Snap,
  candidates: readonly Candidate[],
  limit_s: number,
  limit: number,
): Promise<{ chosen: Timed[]; beyond: number }> {
  const sorted = [...candidates].sort((a, b) => a.row.id.localeCompare(b.row.id));
  const { times, best } = await routing.heavy.run(() =>
    routing.compute(graph, {
      kind: 'timesAndRoutes',
      profile,
      origin,
      targets: sorted.map((c) => c.snap),
      extra_s: sorted.map((c) => c.snap.distance_m / WALK_MPS),
      limit_s,
      routeCount: limit,
    }),
  );
  const beyond = sorted.filter((_, t) => !Number.isFinite(times[t])).length;
  return {
    beyond,
    chosen: best.map(({ target, route }) => ({ candidate: sorted[target]!, duration_s: times[target]!, route })),
  };
}

/** Each chosen station's time by `profile` along that profile's own streets; null when unreachable. */
async function otherProfileTimes(
  routing: Routing,
  graph: RoadGraph,
  profile: Profile,
  lng: number,
  lat: number,
  index: IndexedStations,
  chosen: readonly { candidate: Candidate }[],
  limit_s: number,
): Promise<(number | null)[]> {
  if (chosen.length === 0) return [];
  const from = snapPoint(graph, lng, lat, profile, MAX_SNAP_M);
  if (!from) return chosen.map(() => null);
  const targets = chosen.map((c) => stationSnap(index, graph, profile, c.candidate.i));
  const reachable = targets.flatMap((t, k) => (t ? [{ t, k }] : []));
  const times = await routing.compute(graph, {
    kind: 'travelTimes',
    profile,
    origins: [withAccessWalk(from)],
    targets: reachable.map((r) => r.t),
    limit_s,
  });
  const out: (number | null)[] = chosen.map(() => null);
  reachable.forEach(({ t, k }, j) => {
    const seconds = times[j]! + t.distance_m / WALK_MPS;
    out[k] = Number.isFinite(seconds) ? seconds : null;
  });
  return out;
}
