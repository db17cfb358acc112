import { type RawBuilder, sql } from 'kysely';
import type { Point } from 'geojson';
import type { Queryable } from '../db/queryable';
import type { DB, Geom } from '../db/schema';
import type { StationStatus } from '../contracts/enums';
import { asGeoJson, covers, envelope, intersects, metersBetween, point, sphereKnn } from '../db/postgis';
import type { Bbox } from './grids.queries';

export type StationKind = DB['station']['kind'];

export type StationFilter = {
  bbox?: Bbox | undefined;
  kinds?: StationKind[] | undefined;
  /** Every listed amenity must be present. */
  amenities?: string[] | undefined;
  statuses?: StationStatus[] | undefined;
};

function stationColumns(db: Queryable) {
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
      'station.version',
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
export function listStations(db: Queryable, filter: StationFilter) {
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
  db: Queryable,
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

/** One station by id, with who changed it last and when (for a 409's details). */
export function stationById(db: Queryable, id: string) {
  return stationColumns(db)
    .leftJoin('app_user as editor', 'editor.id', 'station.updated_by')
    .select(['station.updated_at', 'editor.username as updated_by_username'])
    .where('station.id', '=', id);
}

/**
 * Whether a point lies inside one of the regions (a scope: each region with everything below it).
 * ```sql
 * SELECT EXISTS (SELECT 1 FROM region WHERE id = ANY($1) AND ST_Covers(geom, ST_SetSRID(ST_MakePoint($2, $3), 4326)))
 * ```
 */
export function pointInRegions(regionIds: number[], lng: number, lat: number) {
  return sql<{ inside: boolean }>`
    SELECT EXISTS (SELECT 1 FROM region WHERE id = ANY(${sql.val(regionIds)}::int[])
      AND ${covers(sql.ref('geom'), point(lng, lat))}) AS inside`;
}

/** The community a point lies in, if any (ties on a shared edge go to the lowest code). */
export function communityAt(db: Queryable, lng: number, lat: number) {
  return db
    .selectFrom('region')
    .select('id')
    .where('level', '=', 'community')
    .where((eb) => covers(eb.ref('region.geom'), point(lng, lat)))
    .orderBy('code')
    .limit(1);
}

export type StationWrite = {
  kind: StationKind;
  name: string;
  address: string;
  lng: number;
  lat: number;
  amenities: string[];
  openingHours: string;
  operator: string;
  phone: string;
  status: StationStatus;
  communityId: number | null;
  updatedBy: number;
};

/**
 * `scopes`: null lets the write go anywhere (admins); else `geom` must lie inside one of the regions.
 * ```sql
 * EXISTS (SELECT 1 FROM region r WHERE r.id = ANY($1) AND ST_Covers(r.geom, geom))
 * ```
 */
const inScope = (scopes: number[] | null, geom: RawBuilder<Geom>) =>
  scopes === null
    ? sql<boolean>`true`
    : sql<boolean>`EXISTS (SELECT 1 FROM region r WHERE r.id = ANY(${sql.val(scopes)}::int[]) AND ${covers(sql.ref('r.geom'), geom)})`;

/** The columns a station write sets, from its fields (snake_case, the point built in SQL). */
const stationValues = (row: StationWrite) => ({
  kind: row.kind,
  name: row.name,
  address: row.address,
  geom: point(row.lng, row.lat),
  amenities: row.amenities,
  opening_hours: row.openingHours,
  operator: row.operator,
  phone: row.phone,
  status: row.status,
  community_id: row.communityId,
  updated_by: row.updatedBy,
});

export function insertStation(db: Queryable, row: StationWrite) {
  return db.insertInto('station').values(stationValues(row)).returning('id');
}

/**
 * Saves an edit based on `version`, only while the station still has that version and (for a
 * planner) both its current location and its new one lie inside their scope: the statement enforces
 * the scope itself, not only the checks before it. No row back means nothing was written.
 * ```sql
 * UPDATE station SET …, version = version + 1 WHERE id = $1 AND version = $2
 *   AND EXISTS (… ST_Covers(r.geom, station.geom)) AND EXISTS (… ST_Covers(r.geom, $new_point))
 * RETURNING id
 * ```
 */
export function updateStation(db: Queryable, id: string, version: number, row: StationWrite, scopes: number[] | null) {
  return db
    .updateTable('station')
    .set({ ...stationValues(row), version: sql<number>`version + 1`, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('version', '=', version)
    .where(inScope(scopes, sql.ref('station.geom') as RawBuilder<Geom>))
    .where(inScope(scopes, point(row.lng, row.lat)))
    .returning('id');
}

export function deleteStation(db: Queryable, id: string, version: number, scopes: number[] | null) {
  return db
    .deleteFrom('station')
    .where('id', '=', id)
    .where('version', '=', version)
    .where(inScope(scopes, sql.ref('station.geom') as RawBuilder<Geom>))
    .returning('id');
}

/**
 * Changes whenever a station is added, removed or edited (a trigger bumps it on every write; see
 * migration 20261122T1809), so the in-memory nearest index knows when to rebuild.
 * ```sql
 * SELECT version::text AS stamp FROM data_version WHERE table_name = 'station'
 * ```
 */
export function stationsStamp(db: Queryable) {
  return db
    .selectFrom('data_version')
    .select(sql<string>`version::text`.as('stamp'))
    .where('table_name', '=', 'station');
}
