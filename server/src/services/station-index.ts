import geographiclib from 'geographiclib-geodesic';
import { around, distance as sphereDistanceKm } from 'geokdbush';
import KDBush from 'kdbush';
import type { Kysely } from 'kysely';
import type { StationKind, StationStatus } from '../contracts';
import type { DB } from '../db/schema';
import { listStations, stationsStamp } from '../queries/stations.queries';

// The package is CommonJS; its named exports are not visible to ESM loaders.
const wgs84 = geographiclib.Geodesic.WGS84;

export type StationRow = Awaited<ReturnType<ReturnType<typeof listStations>['execute']>>[number];

/** Geodesic metres on the WGS84 ellipsoid (Karney), as PostGIS's geography distance gives them. */
export function geodesicMetres(lng1: number, lat1: number, lng2: number, lat2: number): number {
  return wgs84.Inverse(lat1, lng1, lat2, lng2, geographiclib.Geodesic.DISTANCE).s12!;
}

/**
 * geokdbush ranks on a sphere of radius 6,371 km; the WGS84 geodesic differs from that by at most
 * ~0.56 % (the flattening is 1/298). A shortlist ranked on the sphere is complete once its last
 * sphere distance, shrunk by this margin, is beyond the k-th geodesic distance.
 */
const SPHERE_ERROR = 0.006;

export type IndexedStations = {
  stamp: string;
  rows: StationRow[];
  lng: Float64Array;
  lat: Float64Array;
  kdbush: KDBush;
  /** Typical metres between neighbouring stations (from the bounding box): the first search radius. */
  spacing_m: number;
  /** Caches keyed by the index (e.g. station snaps per routing graph); dropped with it. */
  memo: Map<unknown, unknown>;
};

export type StationPredicate = (row: StationRow) => boolean;

export type StationFilterSpec = {
  kinds?: readonly StationKind[] | undefined;
  amenities?: readonly string[] | undefined;
  statuses?: readonly StationStatus[] | undefined;
};

/** The filter as one predicate; `extra` (e.g. open at a time) runs last, being the dearest. */
export function stationPredicate(filter: StationFilterSpec, extra?: StationPredicate): StationPredicate {
  const kinds = filter.kinds?.length ? new Set<string>(filter.kinds) : null;
  const statuses = filter.statuses?.length ? new Set<string>(filter.statuses) : null;
  const amenities = filter.amenities?.length ? filter.amenities : null;
  return (row) =>
    (!kinds || kinds.has(row.kind)) &&
    (!statuses || statuses.has(row.status)) &&
    (!amenities || amenities.every((a) => row.amenities.includes(a))) &&
    (!extra || extra(row));
}

export type NearestHit = { index: number; row: StationRow; distance_m: number };

/** The smallest radius of curvature of the WGS84 ellipsoid (the meridian's, at the equator). */
const MIN_RADIUS_M = 6_335_439;
const RAD = Math.PI / 180;

/**
 * A lng/lat box holding every point within `radius_m` geodesic metres of (lng, lat), or null when
 * it would reach a pole or cross the antimeridian (the caller then scans everything). The angle
 * subtended at any radius of curvature ≥ MIN_RADIUS_M is at most radius_m / MIN_RADIUS_M.
 */
function boxAround(lng: number, lat: number, radius_m: number): [number, number, number, number] | null {
  const angle = radius_m / MIN_RADIUS_M;
  const dLat = angle / RAD;
  if (Math.abs(lat) + dLat >= 89) return null;
  // On a sphere, points within an angle a of latitude φ differ in longitude by at most
  // asin(sin a / cos φ'), φ' the box's latitude nearest a pole; the ellipsoid's parallels are wider.
  const cosEdge = Math.cos((Math.abs(lat) + dLat) * RAD);
  const s = Math.sin(Math.min(angle, Math.PI / 2)) / cosEdge;
  if (s >= 1) return null;
  const dLng = Math.asin(s) / RAD;
  if (lng - dLng < -180 || lng + dLng > 180) return null;
  return [lng - dLng, lat - dLat, lng + dLng, lat + dLat];
}

/**
 * The `limit` stations nearest (lng, lat) that pass `predicate`, in true geodesic metres, ties by
 * id: the stations in a box around the point are ranked on the sphere (cheap), the geodesic is
 * computed for those that could still rank, and the box doubles until `limit` lie within its
 * radius (everything outside it is farther). Typical cost: a range query and ~10 geodesics.
 */
export function nearestInIndex(
  index: IndexedStations,
  lng: number,
  lat: number,
  limit: number,
  predicate: StationPredicate,
): NearestHit[] {
  const n = index.rows.length;
  if (n === 0) return [];
  // A first radius whose circle holds about `limit` stations at the index's average density.
  let radius_m = Math.max(100, index.spacing_m * Math.sqrt(limit / Math.PI) * 1.5);
  for (;;) {
    const box = boxAround(lng, lat, radius_m);
    const ids = box ? index.kdbush.range(...box) : Array.from({ length: n }, (_, i) => i);
    const inside = rankWithin(index, ids, lng, lat, limit, predicate, box ? radius_m : Infinity);
    if (inside.length >= limit || !box) return inside.slice(0, limit);
    radius_m *= 2;
  }
}

/** The stations among `ids` within `radius_m` (geodesic), nearest first, at least the first `limit`. */
function rankWithin(
  index: IndexedStations,
  ids: readonly number[],
  lng: number,
  lat: number,
  limit: number,
  predicate: StationPredicate,
  radius_m: number,
): NearestHit[] {
  const sphere: { i: number; d: number }[] = [];
  for (const i of ids) {
    if (!predicate(index.rows[i]!)) continue;
    const d = sphereMetres(lng, lat, index.lng[i]!, index.lat[i]!);
    if (d * (1 - SPHERE_ERROR) <= radius_m) sphere.push({ i, d });
  }
  sphere.sort((a, b) => a.d - b.d);
  const hits: NearestHit[] = [];
  let kth = Infinity;
  for (const { i, d } of sphere) {
    // Sorted by sphere metres: once one is beyond the k-th geodesic by more than the margin, all are.
    if (hits.length >= limit && d * (1 - SPHERE_ERROR) > kth) break;
    const distance_m = geodesicMetres(lng, lat, index.lng[i]!, index.lat[i]!);
    if (distance_m > radius_m) continue;
    hits.push({ index: i, row: index.rows[i]!, distance_m });
    if (hits.length >= limit) {
      hits.sort((a, b) => a.distance_m - b.distance_m || a.row.id.localeCompare(b.row.id));
      kth = hits[limit - 1]!.distance_m;
    }
  }
  return hits.sort((a, b) => a.distance_m - b.distance_m || a.row.id.localeCompare(b.row.id));
}

/**
 * Every station passing `predicate`, nearest first on the sphere, lazily: the network search walks
 * this until the straight-line lower bound on travel time passes what it has found.
 */
export function* byStraightLine(
  index: IndexedStations,
  lng: number,
  lat: number,
  predicate: StationPredicate,
): Generator<NearestHit> {
  if (index.rows.length === 0) return;
  const passes = (i: number) => predicate(index.rows[i]!);
  let shortlist = 32;
  let emitted = 0;
  for (;;) {
    const ids = around(index.kdbush, lng, lat, shortlist, undefined, passes);
    for (; emitted < ids.length; emitted++) {
      const i = ids[emitted]!;
      yield { index: i, row: index.rows[i]!, distance_m: geodesicMetres(lng, lat, index.lng[i]!, index.lat[i]!) };
    }
    if (ids.length < shortlist) return;
    shortlist *= 4;
  }
}

/** Sphere metres: the order `byStraightLine` walks in, and within SPHERE_ERROR of the geodesic. */
export const sphereMetres = (lng1: number, lat1: number, lng2: number, lat2: number) =>
  sphereDistanceKm(lng1, lat1, lng2, lat2) * 1000;
export { SPHERE_ERROR };

/** The in-memory index of these rows (pure; the benchmarks build one without a database). */
export function indexStations(stamp: string, rows: StationRow[]): IndexedStations {
  const lng = new Float64Array(rows.length);
  const lat = new Float64Array(rows.length);
  const kdbush = new KDBush(Math.max(rows.length, 1));
  rows.forEach((row, i) => {
    const [x, y] = row.geometry.coordinates as [number, number];
    lng[i] = x;
    lat[i] = y;
    kdbush.add(x, y);
  });
  // KDBush needs at least one point; an empty table keeps one placeholder that no row backs.
  if (rows.length === 0) kdbush.add(0, 0);
  kdbush.finish();
  return { stamp, rows, lng, lat, kdbush, spacing_m: typicalSpacing_m(lng, lat), memo: new Map() };
}

/** √(area of the bounding box / count): the spacing of evenly spread points. */
function typicalSpacing_m(lng: Float64Array, lat: Float64Array): number {
  if (lng.length < 2) return 1000;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (let i = 0; i < lng.length; i++) {
    x0 = Math.min(x0, lng[i]!);
    x1 = Math.max(x1, lng[i]!);
    y0 = Math.min(y0, lat[i]!);
    y1 = Math.max(y1, lat[i]!);
  }
  const width_m = (x1 - x0) * 111_320 * Math.cos(((y0 + y1) / 2) * RAD);
  const height_m = (y1 - y0) * 110_574;
  return Math.max(50, Math.sqrt((Math.max(width_m, 1) * Math.max(height_m, 1)) / lng.length));
}

/**
 * Every station in memory, for nearest queries at thousands per second: a PostGIS KNN per request
 * costs a pool round trip and ~1 ms of database time, this costs microseconds.
 *
 * Freshness is exact, not "within a second": each query waits for a check of the station table's
 * change counter (`data_version`) that *started after the query arrived*, so a query sent after a
 * write commits sees it, whichever process wrote it. At most two checks run at once and queries
 * arriving meanwhile share the next, so under load there are about two small SELECTs per round trip,
 * not one per request. When the counter moved,
 * the stations are listed again and the index rebuilt (214 stations: ~5 ms; 10,000: ~150 ms).
 */
const MAX_CHECKS_IN_FLIGHT = 2;

export function stationIndex(db: Kysely<DB>) {
  let current: { stamp: string; index: Promise<IndexedStations> } | null = null;
  let inFlight = 0;
  /** The check that starts when one in flight ends, shared by everyone who arrives meanwhile. */
  let queued: { promise: Promise<string>; start: () => void } | null = null;

  function check(): Promise<string> {
    inFlight++;
    return stationsStamp(db)
      .executeTakeFirst()
      .then((row) => row?.stamp ?? '')
      .finally(() => {
        inFlight--;
        const next = queued;
        queued = null;
        next?.start();
      });
  }

  /** A stamp read that began after this call. */
  function freshStamp(): Promise<string> {
    // Up to two checks at once: a caller then waits about one round trip, not up to two, and under
    // load the checks stay a small share of the requests.
    if (inFlight < MAX_CHECKS_IN_FLIGHT) return check();
    if (!queued) {
      let start!: () => void;
      const promise = new Promise<void>((resolve) => (start = resolve)).then(check);
      queued = { promise, start };
    }
    return queued.promise;
  }

  async function build(stamp: string): Promise<IndexedStations> {
    return indexStations(stamp, await listStations(db, {}).execute());
  }

  return {
    /** The index as of now (see above). */
    async get(): Promise<IndexedStations> {
      const stamp = await freshStamp();
      if (current?.stamp !== stamp) {
        const building = build(stamp);
        current = { stamp, index: building };
        building.catch(() => {
          if (current?.index === building) current = null;
        });
      }
      return current.index;
    },
  };
}

export type StationIndex = ReturnType<typeof stationIndex>;
