import { sql } from 'kysely';
import type { Queryable } from '../db/queryable';
import { asGeoJson } from '../db/postgis';

/**
 * Every road segment with its coordinates, for building the routing graph.
 * ```sql
 * SELECT id, class, oneway, ST_AsGeoJSON(geom, 7)::json -> 'coordinates' AS coordinates FROM road ORDER BY id
 * ```
 */
export function listRoadSegments(db: Queryable) {
  return db
    .selectFrom('road')
    .select((eb) => [
      sql<number>`road.id::float8`.as('id'),
      'road.class',
      'road.oneway',
      sql<[number, number][]>`(${asGeoJson(eb.ref('road.geom'))}) -> 'coordinates'`.as('coordinates'),
    ])
    .orderBy('road.id');
}

/**
 * Changes whenever a road is added, removed or edited, so the routing graph is rebuilt then. It runs
 * before every routing request, so it reads the road table's change counter (one row, bumped by a
 * trigger on every write; see migration 20261122T1809) rather than the table itself.
 * ```sql
 * SELECT version::text AS stamp FROM data_version WHERE table_name = 'road'
 * ```
 */
export function roadsStamp(db: Queryable) {
  return db
    .selectFrom('data_version')
    .select(sql<string>`version::text`.as('stamp'))
    .where('table_name', '=', 'road');
}

/**
 * Empties the road table before a replacing import. DELETE, not TRUNCATE: TRUNCATE takes an
 * exclusive lock that would block the server's readers until the import commits.
 */
export function deleteAllRoads(db: Queryable) {
  return db.deleteFrom('road');
}
