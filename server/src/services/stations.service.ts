import type { Kysely } from 'kysely';
import type { Point } from 'geojson';
import type {
  Amenity,
  LngLat,
  ReachableStationCollection,
  ReachableStationProps,
  RoutingProfile,
  NearestStationCollection,
  NearestStationProps,
  StationCollection,
  StationProps,
} from '../contracts';
import type { DB } from '../db/schema';
import { listStations, nearestStationShortlist, type StationFilter } from '../queries/stations.queries';
import { roundTo, toFeature, toFeatureCollection } from './geojson';
import { isOpenAt } from './opening-hours';
import { WALK_KMH, snapPoint, travelTimes } from '../routing';
import { MAX_SNAP_M, type routingService } from './routing.service';

type StationRow = Awaited<ReturnType<ReturnType<typeof listStations>['execute']>>[number];

export const toStationProps = (row: StationRow, now: Date): StationProps => ({
  id: row.id,
  kind: row.kind,
  name: row.name,
  address: row.address,
  amenities: row.amenities as Amenity[],
  openingHours: row.opening_hours,
  openNow: row.status === 'active' && isOpenAt(row.opening_hours, now),
  operator: row.operator,
  phone: row.phone,
  status: row.status,
  communityId: row.community_id,
});

/**
 * Sphere and spheroid distances differ by at most ~0.56 % (the ellipsoid's flattening is 1/298),
 * so a shortlist ranked on the sphere is complete once its last sphere distance, shrunk by that
 * margin, is beyond the k-th spheroid distance.
 */
const SPHERE_ERROR = 0.006;

export type NearestQuery = LngLat & StationFilter & { limit: number; openNow?: boolean | undefined; now?: Date };

export type ReachableQuery = LngLat &
  StationFilter & { mode: RoutingProfile; minutes: number; limit: number; openNow?: boolean | undefined; now?: Date };

export function stationsService(db: Kysely<DB>, routing: ReturnType<typeof routingService>) {
  return {
    async list(filter: StationFilter, now = new Date()): Promise<StationCollection> {
      const rows = await listStations(db, filter).execute();
      return toFeatureCollection<StationRow, Point, StationProps>(rows, (row) => toStationProps(row, now));
    },

    /**
     * The `limit` nearest stations in true geodesic metres. A KNN shortlist (GiST, sphere) is
     * re-ranked by spheroid distance; when a filter such as "open now" drops candidates, or the
     * shortlist might miss a near-tie, the shortlist doubles and the search repeats.
     */
    async nearest(query: NearestQuery): Promise<NearestStationCollection> {
      const now = query.now ?? new Date();
      const filter: StationFilter = {
        kinds: query.kinds,
        amenities: query.amenities,
        statuses: query.statuses ?? ['active'],
      };
      let shortlist = Math.max(query.limit * 3, query.limit + 10);
      for (;;) {
        const rows = await nearestStationShortlist(db, query, filter, shortlist).execute();
        const candidates = rows
          .map((row) => ({ row, props: toStationProps(row, now) }))
          .filter((c) => !query.openNow || c.props.openNow)
          .sort((a, b) => a.row.distance_m - b.row.distance_m || a.row.id.localeCompare(b.row.id));
        const chosen = candidates.slice(0, query.limit);
        const exhausted = rows.length < shortlist;
        const lastSphere = rows.at(-1)?.sphere_m ?? Infinity;
        const kth = chosen.at(-1)?.row.distance_m ?? Infinity;
        const complete = exhausted || (chosen.length === query.limit && lastSphere * (1 - SPHERE_ERROR) > kth);
        if (complete) {
          return {
            type: 'FeatureCollection',
            origin: { lng: query.lng, lat: query.lat },
            features: chosen.map(({ row, props }) =>
              toFeature<StationRow, Point, NearestStationProps>(row, () => ({
                ...props,
                distance_m: roundTo(row.distance_m, 1),
              })),
            ),
          };
        }
        shortlist *= 2;
      }
    },

    /**
     * "Reachable from the N nearest stations in X min": the stations whose travel time *to* the
     * point is within the minutes, fastest first: along the street network, plus the walks between
     * each end and its street. Walking and e-bikes may
     * use streets both ways, so one search from the point gives every station's time; a car obeys
     * oneway streets, so each station is searched from (bounded by the minutes).
     */
    async reachable(query: ReachableQuery): Promise<ReachableStationCollection> {
      const now = query.now ?? new Date();
      const limit_s = query.minutes * 60;
      const { graph, snap: here } = await routing.snap(query.lng, query.lat, query.mode);
      const rows = (
        await listStations(db, {
          kinds: query.kinds,
          amenities: query.amenities,
          statuses: query.statuses ?? ['active'],
        }).execute()
      ).filter((row) => !query.openNow || toStationProps(row, now).openNow);
      const snapped = rows.flatMap((row) => {
        const [lng, lat] = row.geometry.coordinates as [number, number];
        const snap = snapPoint(graph, lng, lat, query.mode, MAX_SNAP_M);
        return snap ? [{ row, snap }] : [];
      });
      const symmetric = query.mode !== 'car';
      const times = symmetric
        ? travelTimes(
            graph,
            query.mode,
            [here],
            snapped.map((s) => s.snap),
            limit_s,
          )
        : travelTimes(
            graph,
            query.mode,
            snapped.map((s) => s.snap),
            [here],
            limit_s,
          );
      // Mapped streets stop at a compound's gate: the stretch between the street and the station's
      // door, and between the point and its street, is walked, whatever the mode, and counts too.
      const walkSpeed_mps = WALK_KMH / 3.6;
      const reached = snapped
        .map((s, i) => {
          const walk_m = s.snap.distance_m + here.distance_m;
          return { ...s, network_s: times[i]!, walk_m, duration_s: times[i]! + walk_m / walkSpeed_mps };
        })
        .filter((s) => s.duration_s <= limit_s)
        .sort((a, b) => a.duration_s - b.duration_s)
        .slice(0, query.limit);
      return {
        type: 'FeatureCollection',
        origin: { lng: query.lng, lat: query.lat },
        minutes: query.minutes,
        mode: query.mode,
        features: reached.map(({ row, duration_s, network_s, walk_m }) =>
          toFeature<StationRow, Point, ReachableStationProps>(row, () => ({
            ...toStationProps(row, now),
            duration_s: roundTo(duration_s, 0),
            network_s: roundTo(network_s, 0),
            walk_m: roundTo(walk_m, 0),
          })),
        ),
      };
    },
  };
}
