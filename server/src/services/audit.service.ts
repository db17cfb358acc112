/**
 * The coverage audit (issue 10): who no station reaches within the minutes, where exactly (gaps
 * split by community and grid, uncovered demand as H3 cells), the tables per child region and grid,
 * redundancy, and what every figure counts.
 *
 * Division of work, for speed (bench/audit.ts: a district, 300+ stations, 100k demand points):
 * - areas are polygon overlays in SQL (one statement: auditAreas);
 * - demand points are classified in JS. Each point's region and grid are looked up once per data
 *   version (a spatial join in SQL, cached here with the points); then a radius audit tests each
 *   point against the stations in a bucket grid (exact geodesic distance, GeographicLib, where the
 *   flat estimate is within a hair of the radius), and a network audit tests it against the traced
 *   cover with a strip-indexed point-in-polygon. Both are milliseconds for 100k points, where the same
 *   test in SQL takes 0.5 s or more.
 */
import geographiclib from 'geographiclib-geodesic';
import { cellToBoundary, cellToLatLng, latLngToCell } from 'h3-js';
import type { Kysely } from 'kysely';
import type { Feature, MultiPolygon, Polygon } from 'geojson';
import {
  AUDIT_H3_DEFAULT,
  type AuditDemandFigures,
  type AuditGapProps,
  type AuditHexProps,
  type AuditResponse,
  type AuditRow,
  type AuditStationLeftOut,
  type CandidateCover,
  type SiteCandidate,
  type CoverageMethod,
  type DemandKind,
  type RegionLevel,
  STATION_KINDS,
  type StationKind,
  type StationStatus,
  type TravelMode,
} from '../contracts';
import { withStatementTimeout } from '../db/client';
import type { DB } from '../db/schema';
import { HttpError, notFound } from '../errors';
import {
  type AuditCover,
  auditAreas,
  auditDataStamp,
  demandWithPlaces,
  gridList,
  jitOff,
  redundancyArea,
  redundancyFaceStatements,
  regionTree,
  type StationReaches,
  stationsInRegion,
} from '../queries/audit.queries';
import { listStations } from '../queries/stations.queries';
import { type RoadGraph, WALK_KMH, partialCost, profileCosts, search, snapPoint, withAccessWalk } from '../routing';
import { metresPerDegreeLat, metresPerDegreeLng, segmentLengthM } from '../routing/local-metric';
import type { Snap } from '../routing/types';
import type { Caller } from './caller';
import { COVERAGE_STATEMENT_TIMEOUT_MS, DEFAULT_NETWORK_REACH_M, SPEEDS_M_PER_MIN } from './coverage.service';
import { roundTo } from './geojson';
import { MAX_SNAP_M, type routingService } from './routing.service';

// The package is CommonJS; its named exports are not visible to ESM loaders.
const wgs84 = geographiclib.Geodesic.WGS84;

/** The snapshot's demand-point load: about 2–4 s for 100k points, once per data version. */
const SNAPSHOT_STATEMENT_TIMEOUT_MS = 120_000;

/** Times to the nearest station beyond this count as unreachable (the p90 is then null). */
export const P90_CAP_MINUTES = 60;

/**
 * The fastest any profile moves on the network, m/min: walking is 4.8 km/h everywhere, e-bikes are
 * capped at 25 km/h (routing/profiles.ts). A station farther than this × minutes (+ reach) from a
 * region cannot reach into it, which bounds the station accounting.
 */
const MAX_NETWORK_M_PER_MIN: Record<TravelMode, number> = { walk: (WALK_KMH * 1000) / 60, ebike: 25_000 / 60 };

/** The flat distance estimate is trusted unless it is this close (relative) to the radius. */
const FLAT_MARGIN = 1e-4;

export type AuditQuery = {
  regionId: number;
  minutes: number;
  mode: TravelMode;
  method: CoverageMethod;
  reach_m?: number | undefined;
  kinds?: StationKind[] | undefined;
  demand: DemandKind[];
  h3?: number | undefined;
  redundancy?: boolean | undefined;
  /** Count planned stations as if open: what the planned ones would add. */
  withPlanned?: boolean | undefined;
};

/** What decides the cover and each demand point's classification: the classify cache's key. */
const coverKey = (stamp: string, query: AuditQuery) => [
  stamp,
  query.regionId,
  query.minutes,
  query.mode,
  query.method,
  query.reach_m,
  query.kinds?.slice().sort(),
  query.withPlanned === true,
];

/** The station statuses whose reach counts. */
export const coveringStatuses = (query: Pick<AuditQuery, 'withPlanned'>): StationStatus[] =>
  query.withPlanned ? ['active', 'planned'] : ['active'];

type RegionRow = {
  id: number;
  parent_id: number | null;
  level: RegionLevel;
  code: string;
  name: string;
  area_m2: number;
};
type GridRow = { id: string; code: string; name: string; community_id: number };

/** Everything an audit reads that changes only with the data: the region tree, grids, demand points. */
type Snapshot = {
  stamp: string;
  regions: Map<number, RegionRow>;
  children: Map<number, number[]>;
  grids: GridRow[];
  gridIndex: Map<string, number>;
  count: number;
  /** 0 = household, 1 = worker. */
  kind: Uint8Array;
  weight: Float64Array;
  lng: Float64Array;
  lat: Float64Array;
  /** The deepest region holding the point, -1 outside every region. */
  regionId: Int32Array;
  /** Index into `grids`, -1 outside every grid. */
  grid: Int32Array;
  /** Per profile: each point snapped to the network (built on first network use). */
  snaps: Map<string, { graph: RoadGraph; edge: Int32Array; fraction: Float64Array; distance_m: Float64Array }>;
  /** Per H3 resolution: index into `cells` per point (-1 not computed yet). */
  h3: Map<number, { cell: Int32Array; cells: string[]; ids: Map<string, number> }>;
};

const KIND_CODE: Record<DemandKind, number> = { household: 0, worker: 1 };

const share = (part: number, whole: number) => (whole > 0 ? roundTo(part / whole, 6) : 0);

function emptyFigures(): AuditDemandFigures {
  return { total: 0, covered: 0, covered_share: 0, points: 0, covered_points: 0 };
}

function finishFigures(f: AuditDemandFigures): AuditDemandFigures {
  return {
    total: roundTo(f.total, 3),
    covered: roundTo(f.covered, 3),
    covered_share: share(f.covered, f.total),
    points: f.points,
    covered_points: f.covered_points,
  };
}

/**
 * Point-in-polygon against a (Multi)Polygon with many vertices: edges bucketed into horizontal
 * strips, then the even-odd ray test over the strip's edges only (~30 edges instead of 10k).
 */
export function polygonIndex(geometry: Polygon | MultiPolygon) {
  const polygons = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.coordinates;
  const x1: number[] = [];
  const y1: number[] = [];
  const x2: number[] = [];
  const y2: number[] = [];
  let minY = Infinity;
  let maxY = -Infinity;
  for (const rings of polygons) {
    for (const ring of rings) {
      for (let i = 0; i + 1 < ring.length; i++) {
        const a = ring[i]!;
        const b = ring[i + 1]!;
        if (a[1] === b[1]) continue; // horizontal edges never cross a horizontal ray
        x1.push(a[0]!);
        y1.push(a[1]!);
        x2.push(b[0]!);
        y2.push(b[1]!);
        minY = Math.min(minY, a[1]!, b[1]!);
        maxY = Math.max(maxY, a[1]!, b[1]!);
      }
    }
  }
  const edgeCount = x1.length;
  const strips = Math.max(1, Math.min(4096, Math.ceil(edgeCount / 8)));
  const height = (maxY - minY) / strips || 1;
  const stripOf = (y: number) => Math.min(strips - 1, Math.max(0, Math.floor((y - minY) / height)));
  const counts = new Int32Array(strips + 1);
  for (let e = 0; e < edgeCount; e++) {
    const lo = stripOf(Math.min(y1[e]!, y2[e]!));
    const hi = stripOf(Math.max(y1[e]!, y2[e]!));
    for (let s = lo; s <= hi; s++) counts[s + 1]!++;
  }
  for (let s = 0; s < strips; s++) counts[s + 1]! += counts[s]!;
  const slots = new Int32Array(counts[strips]!);
  const fill = counts.slice(0, strips);
  for (let e = 0; e < edgeCount; e++) {
    const lo = stripOf(Math.min(y1[e]!, y2[e]!));
    const hi = stripOf(Math.max(y1[e]!, y2[e]!));
    for (let s = lo; s <= hi; s++) slots[fill[s]!++] = e;
  }
  return {
    contains(x: number, y: number): boolean {
      if (!(y >= minY && y <= maxY)) return false;
      const s = stripOf(y);
      let inside = false;
      for (let k = counts[s]!; k < counts[s + 1]!; k++) {
        const e = slots[k]!;
        const ya = y1[e]!;
        const yb = y2[e]!;
        if (ya > y !== yb > y) {
          const xCross = x1[e]! + ((y - ya) / (yb - ya)) * (x2[e]! - x1[e]!);
          if (x < xCross) inside = !inside;
        }
      }
      return inside;
    },
  };
}

/**
 * Which points lie within `radius_m` (geodesic, on the WGS84 spheroid) of a set of sites, with a
 * bucket grid of cell = radius: only the 3 × 3 cells around a point can hold a site within reach.
 * A flat estimate (metres per degree of the ellipsoid at the query point's latitude: relative error
 * below tan φ · Δφ ≈ 1e-4 within 5 km) decides unless it is within FLAT_MARGIN of the radius;
 * GeographicLib decides those, so the answer is the exact geodesic one.
 */
export function siteBuckets(sites: { lng: number; lat: number }[], radius_m: number, lat0: number) {
  const n = sites.length;
  const siteLng = Float64Array.from(sites, (s) => s.lng);
  const siteLat = Float64Array.from(sites, (s) => s.lat);
  const ky0 = metresPerDegreeLat(lat0);
  const kx0 = metresPerDegreeLng(lat0);
  // Cells a little wider than the radius in degrees anywhere within ±3° of lat0.
  const cellLng = (radius_m * 1.01) / (kx0 * 0.9);
  const cellLat = (radius_m * 1.01) / (ky0 * 0.99);
  const buckets = new Map<number, number[]>();
  const key = (cx: number, cy: number) => cx * 1_000_003 + cy;
  for (let i = 0; i < n; i++) {
    const k = key(Math.floor(siteLng[i]! / cellLng), Math.floor(siteLat[i]! / cellLat));
    const list = buckets.get(k);
    if (list) list.push(i);
    else buckets.set(k, [i]);
  }
  const lower = radius_m * (1 - FLAT_MARGIN);
  const upper = radius_m * (1 + FLAT_MARGIN);
  const lower2 = lower * lower;
  const upper2 = upper * upper;
  return {
    /** Calls `visit(site, distance_m)` for each site within the radius (distance flat, or exact near the edge). */
    within(lng: number, lat: number, visit: (site: number, distance_m: number) => void) {
      const kx = metresPerDegreeLng(lat);
      const ky = metresPerDegreeLat(lat);
      const cx = Math.floor(lng / cellLng);
      const cy = Math.floor(lat / cellLat);
      for (let dx = -1; dx <= 1; dx++) {
        for (let dy = -1; dy <= 1; dy++) {
          const list = buckets.get(key(cx + dx, cy + dy));
          if (!list) continue;
          for (const i of list) {
            const ex = (siteLng[i]! - lng) * kx;
            const ey = (siteLat[i]! - lat) * ky;
            const d2 = ex * ex + ey * ey;
            if (d2 > upper2) continue;
            let d = Math.sqrt(d2);
            if (d2 >= lower2) {
              d = wgs84.Inverse(lat, lng, siteLat[i]!, siteLng[i]!, geographiclib.Geodesic.DISTANCE).s12!;
              if (d > radius_m) continue;
            }
            visit(i, d);
          }
        }
      }
    },
  };
}

/**
 * Weighted 90th percentiles of `times` for many groups at once: one sort of the points, then one
 * walk that closes each group where its running weight first reaches 90 % of its total. Each column
 * gives every point's group id in one grouping (-1: none).
 */
function groupP90(
  points: Int32Array,
  times: Float64Array,
  weight: Float64Array,
  columns: Int32Array[],
  groupCount: number,
): (number | null)[] {
  const totals = new Float64Array(groupCount);
  for (const i of points) {
    for (const column of columns) {
      const g = column[i]!;
      if (g >= 0) totals[g]! += weight[i]!;
    }
  }
  const order = Uint32Array.from(points).sort((a, b) => times[a]! - times[b]!);
  const running = new Float64Array(groupCount);
  const result: (number | null)[] = new Array<number | null>(groupCount).fill(null);
  const done = new Uint8Array(groupCount);
  for (const i of order) {
    for (const column of columns) {
      const g = column[i]!;
      if (g < 0 || done[g]) continue;
      running[g]! += weight[i]!;
      if (totals[g]! > 0 && running[g]! >= 0.9 * totals[g]! - 1e-9) {
        done[g] = 1;
        result[g] = Number.isFinite(times[i]!) ? roundTo(times[i]!, 2) : null;
      }
    }
  }
  return result;
}

type Classified = {
  snapshot: Snapshot;
  region: RegionRow;
  /** Demand points inside the target, of any kind. */
  inside: Int32Array;
  covered: Uint8Array;
  /** Minutes to the nearest station per point (Infinity beyond the cap); indexed like the snapshot. */
  minutes: Float64Array;
  cover: AuditCover;
  graph: RoadGraph | null;
  usedStations: { id: string; kind: StationKind; lng: number; lat: number; snap: Snap | null }[];
  offNetwork: Set<string>;
  stations: { id: string; kind: StationKind; status: string; name: string; lng: number; lat: number }[];
  radius_m: number;
  reach_m: number;
};

export function auditService(db: Kysely<DB>, routing: ReturnType<typeof routingService>) {
  let snapshot: { stamp: string; value: Promise<Snapshot> } | null = null;
  const results = new Map<string, Promise<AuditResponse>>();
  const classified = new Map<string, Promise<Classified>>();

  async function stampNow(): Promise<string> {
    const { rows } = await auditDataStamp().execute(db);
    return rows[0]?.stamp ?? '';
  }

  async function loadSnapshot(stamp: string): Promise<Snapshot> {
    const [regionRows, gridRows, demandRows] = await Promise.all([
      regionTree(db).execute(),
      gridList(db).execute(),
      // A first load scans every demand point; far more than the default statement timeout allows
      // under load (15 s), and it happens once per data version.
      withStatementTimeout(db, SNAPSHOT_STATEMENT_TIMEOUT_MS, async (trx) => {
        await jitOff().execute(trx);
        return (await demandWithPlaces().execute(trx)).rows;
      }),
    ]);
    const regions = new Map<number, RegionRow>(regionRows.map((r) => [r.id, { ...r, area_m2: Number(r.area_m2) }]));
    const children = new Map<number, number[]>();
    for (const r of regionRows) {
      if (r.parent_id === null) continue;
      const list = children.get(r.parent_id);
      if (list) list.push(r.id);
      else children.set(r.parent_id, [r.id]);
    }
    const gridIndex = new Map(gridRows.map((g, i) => [g.id, i]));
    const n = demandRows.length;
    const result: Snapshot = {
      stamp,
      regions,
      children,
      grids: gridRows,
      gridIndex,
      count: n,
      kind: new Uint8Array(n),
      weight: new Float64Array(n),
      lng: new Float64Array(n),
      lat: new Float64Array(n),
      regionId: new Int32Array(n),
      grid: new Int32Array(n),
      snaps: new Map(),
      h3: new Map(),
    };
    demandRows.forEach((row, i) => {
      result.kind[i] = KIND_CODE[row.kind];
      result.weight[i] = Number(row.weight);
      result.lng[i] = Number(row.lng);
      result.lat[i] = Number(row.lat);
      result.regionId[i] = row.region_id ?? -1;
      result.grid[i] = row.grid_id ? (gridIndex.get(row.grid_id) ?? -1) : -1;
    });
    return result;
  }

  async function currentSnapshot(): Promise<Snapshot> {
    const stamp = await stampNow();
    if (snapshot?.stamp !== stamp) {
      const value = loadSnapshot(stamp);
      snapshot = { stamp, value };
      value.catch(() => {
        if (snapshot?.value === value) snapshot = null;
      });
    }
    return snapshot.value;
  }

  /** Planners audit inside their scopes (a scope region or anything below it); officials and admins anywhere. */
  function checkScope(caller: Caller, snap: Snapshot, region: RegionRow) {
    if (caller.kind !== 'user') throw new HttpError(401, 'unauthenticated', 'Sign in first: this needs an account.');
    if (caller.role !== 'planner') return;
    for (
      let r: RegionRow | undefined = region;
      r;
      r = r.parent_id === null ? undefined : snap.regions.get(r.parent_id)
    ) {
      if (caller.scopes.includes(r.id)) return;
    }
    throw new HttpError(
      403,
      'outside_scope',
      `Region ${region.id} (${region.name}) lies outside the regions you may audit.`,
      { scopes: caller.scopes },
    );
  }

  function demandSnaps(snap: Snapshot, graph: RoadGraph, mode: TravelMode) {
    const existing = snap.snaps.get(mode);
    if (existing?.graph === graph) return existing;
    const edge = new Int32Array(snap.count).fill(-1);
    const fraction = new Float64Array(snap.count);
    const distance_m = new Float64Array(snap.count).fill(Infinity);
    for (let i = 0; i < snap.count; i++) {
      // Most points lie near a street: a small search box first, the full 500 m only when it fails.
      const found =
        snapPoint(graph, snap.lng[i]!, snap.lat[i]!, mode, 120) ??
        snapPoint(graph, snap.lng[i]!, snap.lat[i]!, mode, MAX_SNAP_M);
      if (!found) continue;
      edge[i] = found.edge;
      fraction[i] = found.fraction;
      distance_m[i] = found.distance_m;
    }
    const value = { graph, edge, fraction, distance_m };
    snap.snaps.set(mode, value);
    return value;
  }

  async function classify(
    query: AuditQuery,
    caller: Caller,
    onCover?: (cover: AuditCover) => void,
  ): Promise<Classified> {
    const snap = await currentSnapshot();
    const region = snap.regions.get(query.regionId);
    if (!region) throw notFound('Region', query.regionId);
    checkScope(caller, snap, region);
    const key = JSON.stringify(coverKey(snap.stamp, query));
    let pending = classified.get(key);
    if (!pending) {
      pending = classifyNow(snap, region, query, onCover);
      classified.set(key, pending);
      pending.catch(() => classified.delete(key));
      if (classified.size > 20) classified.delete(classified.keys().next().value!);
    }
    return pending;
  }

  async function classifyNow(
    snap: Snapshot,
    region: RegionRow,
    query: AuditQuery,
    onCover?: (cover: AuditCover) => void,
  ): Promise<Classified> {
    const speed = SPEEDS_M_PER_MIN[query.mode];
    const radius_m = speed * query.minutes;
    const reach_m = query.reach_m ?? DEFAULT_NETWORK_REACH_M;
    const stationRows = await listStations(db, { kinds: query.kinds }).execute();
    const stations = stationRows.map((s) => ({
      id: s.id,
      kind: s.kind,
      status: s.status,
      name: s.name,
      lng: s.geometry.coordinates[0]!,
      lat: s.geometry.coordinates[1]!,
    }));
    const covering = new Set<string>(coveringStatuses(query));
    const active = stations.filter((s) => covering.has(s.status));

    // The points of the target: those whose deepest region is the target or lies below it.
    const inTarget = new Set<number>();
    const stack = [region.id];
    while (stack.length) {
      const id = stack.pop()!;
      inTarget.add(id);
      stack.push(...(snap.children.get(id) ?? []));
    }
    const insideList: number[] = [];
    for (let i = 0; i < snap.count; i++) if (inTarget.has(snap.regionId[i]!)) insideList.push(i);
    const inside = Int32Array.from(insideList);
    const covered = new Uint8Array(snap.count);
    const minutes = new Float64Array(snap.count).fill(Infinity);
    const offNetwork = new Set<string>();

    if (query.method === 'radius') {
      const lat0 = inside.length ? snap.lat[inside[0]!]! : (active[0]?.lat ?? 0);
      const buckets = siteBuckets(active, radius_m, lat0);
      for (const i of inside) {
        let nearest = Infinity;
        buckets.within(snap.lng[i]!, snap.lat[i]!, (_site, d) => {
          if (d < nearest) nearest = d;
        });
        if (nearest <= radius_m) {
          covered[i] = 1;
          minutes[i] = nearest / speed;
        } else {
          // Beyond every circle: the nearest station by the flat estimate (good to 1e-6 for the p90).
          for (const s of active) {
            const d = segmentLengthM(snap.lng[i]!, snap.lat[i]!, s.lng, s.lat);
            if (d < nearest) nearest = d;
          }
          const m = nearest / speed;
          minutes[i] = m <= P90_CAP_MINUTES ? m : Infinity;
        }
      }
      return {
        snapshot: snap,
        region,
        inside,
        covered,
        minutes,
        cover: { method: 'radius', radius_m, kinds: query.kinds },
        graph: null,
        usedStations: active.map((s) => ({ ...s, snap: null })),
        offNetwork,
        stations,
        radius_m,
        reach_m,
      };
    }

    const graph = await routing.graph();
    const origins: Snap[] = [];
    const usedStations: Classified['usedStations'] = [];
    for (const s of active) {
      const found = snapPoint(graph, s.lng, s.lat, query.mode, MAX_SNAP_M);
      if (!found) {
        offNetwork.add(s.id);
        continue;
      }
      const withWalk = withAccessWalk(found);
      origins.push(withWalk);
      usedStations.push({ ...s, snap: withWalk });
    }
    // The same cover as GET /api/coverage?method=network: one multi-source isochrone, traced in a worker.
    const [{ geometry }] = await Promise.all([
      routing.compute(graph, {
        kind: 'coverGeoJson',
        profile: query.mode,
        points: active.map((s) => [s.lng, s.lat] as [number, number]),
        maxSnap_m: MAX_SNAP_M,
        minutes: query.minutes,
        options: { reachWidth_m: reach_m },
      }),
    ]);
    onCover?.({ method: 'network', geometry });
    const coverGeometry = JSON.parse(geometry) as MultiPolygon;
    const index = polygonIndex(coverGeometry);
    for (const i of inside) if (index.contains(snap.lng[i]!, snap.lat[i]!)) covered[i] = 1;

    // Time to the nearest station: one multi-source search from every station over the network,
    // then each point from its street (both ends of its edge), plus its walk to the street.
    const snaps = demandSnaps(snap, graph, query.mode);
    const limit_s = P90_CAP_MINUTES * 60;
    const tree = search(graph, query.mode, origins, limit_s);
    const costs = profileCosts(graph, query.mode);
    const walk_mps = WALK_KMH / 3.6;
    for (const i of inside) {
      const e = snaps.edge[i]!;
      if (e < 0) continue;
      const g = snaps.fraction[i]!;
      const t =
        Math.min(
          tree.arrival_s[graph.edgeFrom[e]!]! + partialCost(g, costs.forward_s[e]!),
          tree.arrival_s[graph.edgeTo[e]!]! + partialCost(1 - g, costs.backward_s[e]!),
        ) +
        snaps.distance_m[i]! / walk_mps;
      minutes[i] = t <= limit_s ? t / 60 : Infinity;
    }
    return {
      snapshot: snap,
      region,
      inside,
      covered,
      minutes,
      cover: { method: 'network', geometry },
      graph,
      usedStations,
      offNetwork,
      stations,
      radius_m,
      reach_m,
    };
  }

  function h3Cells(snap: Snapshot, resolution: number) {
    let entry = snap.h3.get(resolution);
    if (!entry) {
      entry = { cell: new Int32Array(snap.count).fill(-1), cells: [], ids: new Map() };
      snap.h3.set(resolution, entry);
    }
    return entry;
  }

  function defaultResolution(area_m2: number): number {
    if (area_m2 > 1_000e6) return 8;
    if (area_m2 < 5e6) return 10;
    return AUDIT_H3_DEFAULT;
  }

  /**
   * Where three stations or more reach: the reaches noded into faces in SQL, each face counted
   * here (a bucket grid for circles, a point-in-polygon per isochrone), the faces under three
   * subtracted in SQL. Counting in SQL took 0.5 s for a district's 6,000 faces (a subquery per face).
   */
  async function redundancy(query: AuditQuery, c: Classified) {
    let reaches: StationReaches;
    let count: (lng: number, lat: number, ids: Set<string>) => number;
    if (query.method === 'radius') {
      reaches = { method: 'radius', radius_m: c.radius_m, kinds: query.kinds, covering: coveringStatuses(query) };
      const sites = c.usedStations;
      const buckets = siteBuckets(sites, c.radius_m, sites[0]?.lat ?? 0);
      count = (lng, lat, ids) => {
        let n = 0;
        buckets.within(lng, lat, (i) => {
          if (ids.has(sites[i]!.id)) n++;
        });
        return n;
      };
    } else {
      const graph = c.graph ?? (await routing.graph());
      const bands = await Promise.all(
        c.usedStations.map((s) =>
          routing.compute(graph, {
            kind: 'isochrones',
            profile: query.mode,
            origins: [s.snap!],
            minutes: [query.minutes],
            options: { reachWidth_m: c.reach_m },
          }),
        ),
      );
      const geometries = bands.map((b) => b[0]?.geometry ?? { type: 'MultiPolygon' as const, coordinates: [] });
      reaches = { method: 'network', geometries: geometries.map((g) => JSON.stringify(g)) };
      const indexes = geometries.map((g) => {
        let [w, s, e, n] = [Infinity, Infinity, -Infinity, -Infinity];
        for (const polygon of g.coordinates)
          for (const [x, y] of polygon[0] ?? []) {
            w = Math.min(w, x!);
            e = Math.max(e, x!);
            s = Math.min(s, y!);
            n = Math.max(n, y!);
          }
        return { bbox: [w, s, e, n] as const, index: polygonIndex(g) };
      });
      count = (lng, lat, ids) => {
        let n = 0;
        indexes.forEach(({ bbox, index }, i) => {
          if (lng < bbox[0] || lng > bbox[2] || lat < bbox[1] || lat > bbox[3] || !ids.has(String(i))) return;
          if (index.contains(lng, lat)) n++;
        });
        return n;
      };
    }
    return withStatementTimeout(db, COVERAGE_STATEMENT_TIMEOUT_MS, async (trx) => {
      const statements = redundancyFaceStatements(c.region.id, reaches);
      await statements.reaches.execute(trx);
      await statements.faces.execute(trx);
      const ids = new Set((await statements.reachIds.execute(trx)).rows.map((r) => r.id));
      const { rows } = await statements.points.execute(trx);
      const low = rows.filter((r) => count(Number(r.lng), Number(r.lat), ids) < 3).map((r) => Number(r.id));
      const { rows: out } = await redundancyArea(c.region.id, low).execute(trx);
      return out[0] ?? null;
    });
  }

  async function computeAudit(query: AuditQuery, caller: Caller): Promise<AuditResponse> {
    const started = performance.now();
    const speed = SPEEDS_M_PER_MIN[query.mode];
    const reach_m = query.reach_m ?? DEFAULT_NETWORK_REACH_M;
    const nearby_m =
      query.method === 'radius' ? speed * query.minutes : MAX_NETWORK_M_PER_MIN[query.mode] * query.minutes + reach_m;
    const areasOf = (cover: AuditCover) =>
      withStatementTimeout(db, COVERAGE_STATEMENT_TIMEOUT_MS, (trx) =>
        auditAreas(trx, {
          regionId: query.regionId,
          cover,
          kinds: query.kinds,
          covering: coveringStatuses(query),
          nearby_m,
        }).execute(trx),
      );
    // The overlays run in the database while the points are classified here: as soon as the cover
    // is known (at once for the radius method), unless redundancy needs each station's reach first.
    let pendingAreas: ReturnType<typeof areasOf> | undefined;
    const startAreas = (cover: AuditCover) => {
      if (pendingAreas) return;
      pendingAreas = areasOf(cover);
      pendingAreas.catch(() => undefined); // awaited below; a failure must not go unhandled meanwhile
    };
    if (query.method === 'radius')
      startAreas({ method: 'radius', radius_m: speed * query.minutes, kinds: query.kinds });
    const c = await classify(query, caller, startAreas);
    const { snapshot: snap, region } = c;
    const chosen = new Set(query.demand.map((k) => KIND_CODE[k]));

    startAreas(c.cover);
    const pendingRedundancy = query.redundancy === true ? redundancy(query, c) : Promise.resolve(null);
    pendingRedundancy.catch(() => undefined); // awaited below
    // Per-point figures into rows (while the database still works on the areas): the target, each
    // child region, each community and each grid.
    const childOf = new Map<number, number>(); // region id → child of the target holding it
    for (const child of c.snapshot.children.get(region.id) ?? []) {
      const stack = [child];
      while (stack.length) {
        const id = stack.pop()!;
        childOf.set(id, child);
        stack.push(...(snap.children.get(id) ?? []));
      }
    }
    type Acc = { residents: AuditDemandFigures; workers: AuditDemandFigures; left: number; group: number };
    let groups = 0;
    const acc = (): Acc => ({ residents: emptyFigures(), workers: emptyFigures(), left: 0, group: groups++ });
    const total = acc();
    // Group ids per point for the p90s: the target, its child region, its grid (chosen demand only).
    const chosenPoints: number[] = [];
    const totalColumn = new Int32Array(snap.count).fill(-1);
    const childColumn = new Int32Array(snap.count).fill(-1);
    const gridColumn = new Int32Array(snap.count).fill(-1);
    const byChild = new Map<number, Acc>();
    const byCommunity = new Map<number, Acc>();
    const byGrid = new Map<number, Acc>();
    const resolution = query.h3 ?? defaultResolution(region.area_m2);
    const h3 = h3Cells(snap, resolution);
    const hexes = new Map<number, { residents: number; workers: number; people: number; points: number }>();
    const add = (a: Acc, i: number, isCovered: boolean) => {
      const f = snap.kind[i] === 0 ? a.residents : a.workers;
      const w = snap.weight[i]!;
      f.total += w;
      f.points++;
      if (isCovered) {
        f.covered += w;
        f.covered_points++;
      }
      if (chosen.has(snap.kind[i]!) && !isCovered) a.left += w;
    };
    const get = (m: Map<number, Acc>, k: number) => {
      let a = m.get(k);
      if (!a) m.set(k, (a = acc()));
      return a;
    };
    for (const i of c.inside) {
      const isCovered = c.covered[i] === 1;
      const isChosen = chosen.has(snap.kind[i]!);
      if (isChosen) {
        chosenPoints.push(i);
        totalColumn[i] = total.group;
      }
      add(total, i, isCovered);
      const child = childOf.get(snap.regionId[i]!);
      if (child !== undefined) {
        const a = get(byChild, child);
        add(a, i, isCovered);
        if (isChosen) childColumn[i] = a.group;
      }
      const regionOfPoint = snap.regions.get(snap.regionId[i]!);
      if (regionOfPoint?.level === 'community') add(get(byCommunity, regionOfPoint.id), i, isCovered);
      if (snap.grid[i]! >= 0) {
        const a = get(byGrid, snap.grid[i]!);
        add(a, i, isCovered);
        if (isChosen) gridColumn[i] = a.group;
      }
      if (!isCovered && chosen.has(snap.kind[i]!)) {
        let cell = h3.cell[i]!;
        if (cell < 0) {
          const id = latLngToCell(snap.lat[i]!, snap.lng[i]!, resolution);
          cell = h3.ids.get(id) ?? -1;
          if (cell < 0) {
            cell = h3.cells.length;
            h3.cells.push(id);
            h3.ids.set(id, cell);
          }
          h3.cell[i] = cell;
        }
        let hex = hexes.get(cell);
        if (!hex) hexes.set(cell, (hex = { residents: 0, workers: 0, people: 0, points: 0 }));
        if (snap.kind[i] === 0) hex.residents += snap.weight[i]!;
        else hex.workers += snap.weight[i]!;
        hex.people += snap.weight[i]!;
        hex.points++;
      }
    }

    const p90s = groupP90(
      Int32Array.from(chosenPoints),
      c.minutes,
      snap.weight,
      [totalColumn, childColumn, gridColumn],
      groups,
    );
    const p90 = (a: Acc | undefined) => (a ? (p90s[a.group] ?? null) : null);
    const chosenShare = (a: Acc | undefined) => {
      if (!a) return 0;
      const whole = (chosen.has(0) ? a.residents.total : 0) + (chosen.has(1) ? a.workers.total : 0);
      return share(whole - a.left, whole);
    };
    const { rows } = await pendingAreas!;
    const areas = rows[0];
    if (!areas?.target) throw notFound('Region', region.id);
    const redundant = await pendingRedundancy;

    const makeRow = (
      base: Pick<AuditRow, 'id' | 'code' | 'name' | 'level' | 'community'>,
      area_m2: number,
      gap_m2: number,
      a: Acc | undefined,
    ): AuditRow => {
      const covered_m2 = Math.max(0, area_m2 - gap_m2);
      return {
        ...base,
        area_m2: roundTo(area_m2, 0),
        covered_area_m2: roundTo(covered_m2, 0),
        area_covered_share: share(covered_m2, area_m2),
        residents: finishFigures(a?.residents ?? emptyFigures()),
        workers: finishFigures(a?.workers ?? emptyFigures()),
        people_left_out: roundTo(a?.left ?? 0, 3),
        covered_share: chosenShare(a),
        p90_minutes: p90(a),
      };
    };
    const worstFirst = (a: AuditRow, b: AuditRow) =>
      a.covered_share - b.covered_share || b.people_left_out - a.people_left_out || a.code.localeCompare(b.code);

    const byRegion = (areas.children ?? [])
      .map((child) => {
        const r = snap.regions.get(child.id)!;
        return makeRow(
          { id: r.id, code: r.code, name: r.name, level: r.level },
          child.area_m2,
          child.gap_area_m2,
          byChild.get(r.id),
        );
      })
      .sort(worstFirst);
    const gridGaps = areas.grids ?? [];
    const byGridRows = gridGaps
      .map((g) => {
        const index = snap.gridIndex.get(g.id)!;
        const grid = snap.grids[index]!;
        const community = snap.regions.get(grid.community_id);
        return makeRow(
          {
            id: grid.id,
            code: grid.code,
            name: grid.name,
            level: 'grid',
            ...(community ? { community: { id: community.id, code: community.code, name: community.name } } : {}),
          },
          g.area_m2,
          g.gap_area_m2,
          byGrid.get(index),
        );
      })
      .sort(worstFirst);

    // Gaps: one feature per community and per grid with an uncovered part, ranked by people left out.
    const gapFeature = (
      props: Omit<AuditGapProps, 'rank' | 'residents_left_out' | 'workers_left_out' | 'people_left_out'>,
      geometry: MultiPolygon,
      a: Acc | undefined,
    ): Feature<MultiPolygon, AuditGapProps> => ({
      type: 'Feature',
      geometry,
      properties: {
        ...props,
        residents_left_out: roundTo(a ? a.residents.total - a.residents.covered : 0, 3),
        workers_left_out: roundTo(a ? a.workers.total - a.workers.covered : 0, 3),
        people_left_out: roundTo(a?.left ?? 0, 3),
        rank: 0,
      },
    });
    const ranked = (features: Feature<MultiPolygon, AuditGapProps>[]) => {
      features.sort(
        (a, b) =>
          b.properties.people_left_out - a.properties.people_left_out ||
          b.properties.area_m2 - a.properties.area_m2 ||
          a.properties.code.localeCompare(b.properties.code),
      );
      features.forEach((f, i) => (f.properties.rank = i + 1));
      return features;
    };
    const communityGaps = ranked(
      (areas.communities ?? [])
        .filter((g) => g.gap && g.gap_area_m2 > 0.5)
        .map((g) => {
          const r = snap.regions.get(g.id)!;
          return gapFeature(
            { split: 'community', id: r.id, code: r.code, name: r.name, area_m2: roundTo(g.gap_area_m2, 0) },
            g.gap as MultiPolygon,
            byCommunity.get(r.id),
          );
        }),
    );
    const gridGapFeatures = ranked(
      gridGaps
        .filter((g) => g.gap && g.gap_area_m2 > 0.5)
        .map((g) => {
          const index = snap.gridIndex.get(g.id)!;
          const grid = snap.grids[index]!;
          const community = snap.regions.get(grid.community_id);
          return gapFeature(
            {
              split: 'grid',
              id: grid.id,
              code: grid.code,
              name: grid.name,
              ...(community ? { community_code: community.code, community_name: community.name } : {}),
              area_m2: roundTo(g.gap_area_m2, 0),
            },
            g.gap as MultiPolygon,
            byGrid.get(index),
          );
        }),
    );

    // Stations: used (active, of the kinds, reaching the region, on the network) and left out, with why.
    const coveringSet = new Set<string>(coveringStatuses(query));
    const covers = (status: string) => coveringSet.has(status);
    const nearby = areas.nearby_stations ?? [];
    const usedIds =
      query.method === 'radius'
        ? new Set(areas.circle_station_ids ?? [])
        : new Set(nearby.filter((s) => covers(s.status) && !c.offNetwork.has(s.id)).map((s) => s.id));
    const usedByKind: Partial<Record<StationKind, number>> = {};
    let insideRegion = 0;
    for (const s of nearby) {
      if (!usedIds.has(s.id)) continue;
      usedByKind[s.kind] = (usedByKind[s.kind] ?? 0) + 1;
      if (s.inside) insideRegion++;
    }
    const leftOut: AuditStationLeftOut[] = nearby
      .filter((s) => !covers(s.status) || c.offNetwork.has(s.id))
      .map((s) => ({
        id: s.id,
        name: s.name,
        kind: s.kind,
        status: s.status,
        reason: covers(s.status) ? 'off_network' : (s.status as 'planned' | 'suspended'),
      }));
    const reasons = { planned: 0, suspended: 0, off_network: 0 };
    for (const s of leftOut) reasons[s.reason]++;

    const residents = finishFigures(total.residents);
    const workers = finishFigures(total.workers);
    const chosenFigures = finishFigures({
      total: (chosen.has(0) ? total.residents.total : 0) + (chosen.has(1) ? total.workers.total : 0),
      covered: (chosen.has(0) ? total.residents.covered : 0) + (chosen.has(1) ? total.workers.covered : 0),
      covered_share: 0,
      points: (chosen.has(0) ? total.residents.points : 0) + (chosen.has(1) ? total.workers.points : 0),
      covered_points:
        (chosen.has(0) ? total.residents.covered_points : 0) + (chosen.has(1) ? total.workers.covered_points : 0),
    });
    const targetArea = areas.target.area_m2;
    const targetCovered = Math.max(0, targetArea - areas.target.gap_area_m2);
    const hexFeatures: Feature<Polygon, AuditHexProps>[] = [...hexes.entries()]
      .map(([cell, hex]) => {
        const id = h3.cells[cell]!;
        return {
          type: 'Feature' as const,
          id,
          geometry: { type: 'Polygon' as const, coordinates: [cellToBoundary(id, true)] },
          properties: {
            h3: id,
            resolution,
            residents: roundTo(hex.residents, 3),
            workers: roundTo(hex.workers, 3),
            people: roundTo(hex.people, 3),
            points: hex.points,
          },
        };
      })
      .sort((a, b) => b.properties.people - a.properties.people || a.properties.h3.localeCompare(b.properties.h3));

    const modeWord = query.mode === 'walk' ? '步行' : '电动车';
    const methodWord = query.method === 'radius' ? '按半径' : '按路网';
    const describe = query.demand
      .map((k) => (k === 'household' ? 'residents (household points)' : 'workers (worker points)'))
      .join(' and ');
    return {
      region: { id: region.id, code: region.code, name: region.name, level: region.level },
      minutes: query.minutes,
      mode: query.mode,
      method: query.method,
      reach_m: query.method === 'network' ? c.reach_m : null,
      speed_m_per_min: speed,
      radius_m: c.radius_m,
      title: `${query.minutes}分钟${modeWord}服务圈（${methodWord}）`,
      stations: {
        kinds: query.kinds?.length ? query.kinds : [...STATION_KINDS],
        used: usedIds.size,
        used_by_kind: usedByKind,
        inside_region: insideRegion,
        left_out: leftOut.length,
        left_out_by_reason: reasons,
        left_out_stations: leftOut,
      },
      demand: { kinds: query.demand, described: describe, residents, workers, chosen: chosenFigures },
      area: {
        area_m2: roundTo(targetArea, 0),
        covered_area_m2: roundTo(targetCovered, 0),
        covered_share: share(targetCovered, targetArea),
        redundant_area_m2: redundant ? roundTo(redundant.area_m2, 0) : null,
      },
      p90_minutes: p90(total),
      p90_cap_minutes: P90_CAP_MINUTES,
      reach: {
        type: 'FeatureCollection',
        features: areas.reach
          ? [
              {
                type: 'Feature',
                geometry: areas.reach as Polygon | MultiPolygon,
                properties: { minutes: query.minutes },
              },
            ]
          : [],
      },
      gaps: { type: 'FeatureCollection', features: [...communityGaps, ...gridGapFeatures] },
      hexagons: { type: 'FeatureCollection', features: hexFeatures },
      redundancy:
        redundant?.geometry && redundant.area_m2 > 0
          ? {
              type: 'Feature',
              geometry: redundant.geometry as MultiPolygon,
              properties: { min_stations: 3, area_m2: roundTo(redundant.area_m2, 0) },
            }
          : null,
      tables: { by_region: byRegion, by_grid: byGridRows },
      data_version: snap.stamp,
      computed_at: new Date().toISOString(),
      duration_ms: Math.round(performance.now() - started),
    };
  }

  const normalised = (query: AuditQuery): AuditQuery => ({
    ...query,
    minutes: Math.round(query.minutes),
    reach_m: query.reach_m === undefined ? undefined : Math.min(500, Math.max(0, Math.round(query.reach_m))),
  });

  return {
    /** The audit of one region for `caller` (planners: inside their scopes). Cached per data version. */
    async audit(request: AuditQuery, caller: Caller): Promise<AuditResponse> {
      const query = normalised(request);
      const snap = await currentSnapshot();
      const region = snap.regions.get(query.regionId);
      if (!region) throw notFound('Region', query.regionId);
      checkScope(caller, snap, region);
      // The cover's inputs, then what only the figures depend on.
      const key = JSON.stringify([
        ...coverKey(snap.stamp, query),
        query.demand.slice().sort(),
        query.h3,
        query.redundancy === true,
      ]);
      let pending = results.get(key);
      if (!pending) {
        pending = routing.heavy.run(() => computeAudit(query, caller));
        results.set(key, pending);
        pending.catch(() => results.delete(key));
        if (results.size > 20) results.delete(results.keys().next().value!);
      }
      return pending;
    },

    /**
     * Candidate sites for POST /api/audit/sites (to come) when the request names none: the public
     * buildings inside the region that are not yet stations the audit counts (党群服务中心 and
     * 便民服务站 of kinds the audit leaves out, or not active), and the centre of every H3 cell
     * holding uncovered demand, most people first.
     */
    async siteCandidates(request: AuditQuery, caller: Caller): Promise<SiteCandidate[]> {
      const query = normalised(request);
      const result = await this.audit(query, caller);
      const counted = new Set<StationKind>(query.kinds?.length ? query.kinds : STATION_KINDS);
      const c = await classify(query, caller);
      const insideIds = new Set<string>();
      const rows = await listStations(db, { kinds: ['party_service_centre', 'convenience_station'] }).execute();
      const inRegion = await stationsInRegion(
        db,
        c.region.id,
        rows.map((r) => r.id),
      ).execute();
      for (const row of inRegion) insideIds.add(row.id);
      const buildings: SiteCandidate[] = rows
        .filter((r) => insideIds.has(r.id) && (!counted.has(r.kind) || r.status !== 'active'))
        .map((r) => ({
          lng: r.geometry.coordinates[0]!,
          lat: r.geometry.coordinates[1]!,
          source: 'public_building',
          station_id: r.id,
          name: r.name,
        }));
      const hexagons: SiteCandidate[] = result.hexagons.features.map((f) => {
        const [lat, lng] = cellToLatLng(f.properties.h3);
        return { lng, lat, source: 'uncovered_hexagon', h3: f.properties.h3, people: f.properties.people };
      });
      return [...buildings, ...hexagons];
    },

    /**
     * For site selection (POST /api/audit/sites, to come): the demand points of the chosen kinds in
     * the region that no existing station covers, and for each candidate `[lng, lat]` the indices of
     * those it would cover within the minutes.
     *
     * Radius: the same rule as the audit (geodesic distance ≤ speed × minutes). Network: a candidate
     * covers a point when the point is within `reach_m` of its street and the candidate reaches that
     * street position within the minutes (one bounded search per candidate). The audit's own network
     * rule is the traced isochrone polygon, which also counts points within `reach_m` of any reached
     * street (not only their nearest one), so this can be slightly stricter near the edge of a reach.
     */
    async candidateCover(request: AuditQuery, candidates: [number, number][], caller: Caller): Promise<CandidateCover> {
      const query = normalised(request);
      const c = await classify(query, caller);
      const snap = c.snapshot;
      const chosen = new Set(query.demand.map((k) => KIND_CODE[k]));
      const uncovered: number[] = [];
      let coveredWeight = 0;
      let totalWeight = 0;
      for (const i of c.inside) {
        if (!chosen.has(snap.kind[i]!)) continue;
        totalWeight += snap.weight[i]!;
        if (c.covered[i]) coveredWeight += snap.weight[i]!;
        else uncovered.push(i);
      }
      const demand: CandidateCover['demand'] = {
        weight: Float64Array.from(uncovered, (i) => snap.weight[i]!),
        kind: uncovered.map((i) => (snap.kind[i] === 0 ? 'household' : 'worker')),
        lng: Float64Array.from(uncovered, (i) => snap.lng[i]!),
        lat: Float64Array.from(uncovered, (i) => snap.lat[i]!),
      };
      const covers: Int32Array[] = [];
      if (query.method === 'radius') {
        const points = uncovered.map((i) => ({ lng: snap.lng[i]!, lat: snap.lat[i]! }));
        const buckets = siteBuckets(points, c.radius_m, points[0]?.lat ?? 0);
        for (const [lng, lat] of candidates) {
          const hits: number[] = [];
          buckets.within(lng, lat, (site) => hits.push(site));
          covers.push(Int32Array.from(hits.sort((a, b) => a - b)));
        }
      } else {
        const graph = c.graph ?? (await routing.graph());
        const snaps = demandSnaps(snap, graph, query.mode);
        const costs = profileCosts(graph, query.mode);
        const limit_s = query.minutes * 60;
        let tree: ReturnType<typeof search> | undefined;
        for (const [lng, lat] of candidates) {
          const found = snapPoint(graph, lng, lat, query.mode, MAX_SNAP_M);
          if (!found) {
            covers.push(new Int32Array(0));
            continue;
          }
          tree = search(graph, query.mode, [withAccessWalk(found)], limit_s, tree);
          const hits: number[] = [];
          uncovered.forEach((i, k) => {
            const e = snaps.edge[i]!;
            if (e < 0 || snaps.distance_m[i]! > c.reach_m) return;
            const g = snaps.fraction[i]!;
            const t = Math.min(
              tree!.arrival_s[graph.edgeFrom[e]!]! + partialCost(g, costs.forward_s[e]!),
              tree!.arrival_s[graph.edgeTo[e]!]! + partialCost(1 - g, costs.backward_s[e]!),
            );
            if (t <= limit_s) hits.push(k);
          });
          covers.push(Int32Array.from(hits));
        }
      }
      return { demand, covers, covered_weight: coveredWeight, total_weight: totalWeight };
    },
  };
}
