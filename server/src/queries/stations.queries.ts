import { type Kysely, sql } from 'kysely';
import type { Point } from 'geojson';
import type { DB } from '../db/schema';
import type { StationStatus } from '../contracts';
import { asGeoJson, envelope, intersects, metersBetween, point, sphereKnn } from '../db/postgis';
import type { Bbox } from './grids.queries';

export type StationKind = DB['station']['kind'];

export type StationFilter = {
  bbox?: Bbox | undefined;
  kinds?: StationKind[] | undefined;
  /** Every listed amenity must be present. */
  amenities?: string[] | undefined;
  statuses?: StationStatus[] | undefined;
};

function stationColumns(db: Kysely<DB>) {
  return db
    .selectFrom('station')
    .select((eb) => [
      'station.id',
      'station.kind',
      'station.name',
      'station.address',
      'station.amenities',
      'station.opening_hours',
      'station.operator',
      'station.phone',
      'station.status',
      'station.community_id',
      asGeoJson<Point>(eb.ref('station.geom')).as('geometry'),
    ]);
}

function applyFilter<QB extends ReturnType<typeof stationColumns>>(qb: QB, filter: StationFilter): QB {
  return qb
    .$if(filter.bbox !== undefined, (q) => q.where((eb) => intersects(eb.ref('station.geom'), envelope(filter.bbox!))))
    .$if(!!filter.kinds?.length, (q) => q.where('station.kind', 'in', filter.kinds!))
    .$if(!!filter.statuses?.length, (q) => q.where('station.status', 'in', filter.statuses!))
    .$if(!!filter.amenities?.length, (q) =>
      q.where(sql<boolean>`station.amenities @> ${sql.val(filter.amenities!)}::text[]`),
    ) as QB;
}

/** Stations matching a filter, by kind then name. */
export function listStations(db: Kysely<DB>, filter: StationFilter) {
  return applyFilter(stationColumns(db), filter).orderBy('station.kind').orderBy('station.name');
}

/**
 * A KNN shortlist of stations nearest a point, with the true geodesic distance.
 *
 * The `ORDER BY geom::geography <-> here` uses the GiST index but ranks on a sphere; the caller
 * re-ranks the shortlist by `distance_m` (spheroid), which is why it asks for more rows than it
 * returns.
 * ```sql
 * SELECT …, ST_Distance(station.geom::geography, $here::geography) AS distance_m FROM station
 * WHERE … ORDER BY station.geom::geography <-> $here::geography LIMIT $n
 * ```
 */
export function nearestStationShortlist(
  db: Kysely<DB>,
  at: { lng: number; lat: number },
  filter: StationFilter,
  shortlist: number,
) {
  const here = point(at.lng, at.lat);
  return applyFilter(stationColumns(db), filter)
    .select((eb) => [
      sql<number>`${metersBetween(eb.ref('station.geom'), here)}::float8`.as('distance_m'),
      sql<number>`(${sphereKnn(eb.ref('station.geom'), here)})::float8`.as('sphere_m'),
    ])
    .orderBy((eb) => sphereKnn(eb.ref('station.geom'), here))
    .limit(shortlist);
}
