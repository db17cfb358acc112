import type { Kysely } from 'kysely';
import type { Point } from 'geojson';
import type {
  Amenity,
  LngLat,
  NearestStationCollection,
  NearestStationProps,
  StationCollection,
  StationProps,
} from '../contracts';
import type { DB } from '../db/schema';
import { listStations, nearestStationShortlist, type StationFilter } from '../queries/stations.queries';
import { roundTo, toFeature, toFeatureCollection } from './geojson';
import { isOpenAt } from './opening-hours';

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

export function stationsService(db: Kysely<DB>) {
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
  };
}
