import { sql } from 'kysely';
import type { Queryable } from '../db/queryable';
import type { DB } from '../db/schema';
import { areaM2, asGeoJson, covers, extentBounds, intersects, point } from '../db/postgis';
import type { MultiPolygon } from 'geojson';

export type RegionLevel = DB['region']['level'];

/**
 * Regions with their geodesic area and resident population (household demand points inside).
 *
 * ```sql
 * SELECT region.id, …, ST_AsGeoJSON(region.geom, 7)::json AS geometry, ST_Area(region.geom::geography) AS area_m2,
 *   (SELECT coalesce(sum(weight), 0) FROM demand_point WHERE kind = 'household' AND ST_Intersects(region.geom, demand_point.geom)) AS population
 * FROM region WHERE level = $1 AND parent_id = $2 ORDER BY code
 * ```
 */
export function listRegions(
  db: Queryable,
  filter: { level?: RegionLevel | undefined; parentId?: number | undefined; ids?: number[] },
) {
  return db
    .selectFrom('region')
    .select((eb) => [
      'region.id',
      'region.parent_id',
      'region.level',
      'region.code',
      'region.name',
      asGeoJson<MultiPolygon>(eb.ref('region.geom')).as('geometry'),
      sql<number>`${areaM2(eb.ref('region.geom'))}::float8`.as('area_m2'),
      eb
        .selectFrom('demand_point')
        .select(sql<number>`coalesce(sum(demand_point.weight), 0)::float8`.as('population'))
        .where('demand_point.kind', '=', 'household')
        .where((inner) => intersects(inner.ref('region.geom'), inner.ref('demand_point.geom')))
        .as('population'),
    ])
    .$if(filter.level !== undefined, (qb) => qb.where('region.level', '=', filter.level!))
    .$if(filter.parentId !== undefined, (qb) => qb.where('region.parent_id', '=', filter.parentId!))
    .$if(filter.ids !== undefined, (qb) => qb.where('region.id', 'in', filter.ids!.length ? filter.ids! : [-1]))
    .orderBy('region.code');
}

/** One region by id, without geometry. */
export function findRegion(db: Queryable, id: number) {
  return db.selectFrom('region').select(['id', 'parent_id', 'level', 'code', 'name']).where('id', '=', id);
}

/**
 * Every region that covers a point, from district down to community.
 * ```sql
 * SELECT id, … FROM region WHERE ST_Covers(geom, ST_SetSRID(ST_MakePoint($1, $2), 4326))
 * ```
 */
export function regionsAt(db: Queryable, lng: number, lat: number) {
  return db
    .selectFrom('region')
    .select(['id'])
    .where((eb) => covers(eb.ref('region.geom'), point(lng, lat)));
}

/** The bounding box of all top-level regions, and the first district's id. */
export function districtExtent(db: Queryable) {
  return db
    .selectFrom('region')
    .select((eb) => [
      extentBounds(eb.ref('region.geom')).as('bounds'),
      sql<number | null>`min(region.id)`.as('first_id'),
    ])
    .where('region.parent_id', 'is', null);
}
