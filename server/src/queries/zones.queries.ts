import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../db/queryable';
import { asGeoJson, covers, envelope, intersects, point } from '../db/postgis';
import type { Bbox } from './grids.queries';

function zoneColumns(db: Queryable) {
  return db
    .selectFrom('zone')
    .leftJoin('grid', 'grid.id', 'zone.grid_id')
    .select((eb) => [
      'zone.id',
      'zone.community_id',
      'zone.grid_id',
      'grid.code as grid_code',
      'zone.name',
      'zone.unit',
      'zone.version',
      asGeoJson<MultiPolygon>(eb.ref('zone.geom')).as('geometry'),
    ]);
}

/**
 * Zones intersecting a bbox (all zones without one).
 * ```sql
 * SELECT zone.*, grid.code, ST_AsGeoJSON(zone.geom, 7)::json FROM zone LEFT JOIN grid …
 * WHERE ST_Intersects(zone.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY grid.code, zone.name
 * ```
 */
export function listZones(db: Queryable, filter: { bbox?: Bbox | undefined; gridId?: string | undefined }) {
  return zoneColumns(db)
    .$if(filter.bbox !== undefined, (qb) => qb.where((eb) => intersects(eb.ref('zone.geom'), envelope(filter.bbox!))))
    .$if(filter.gridId !== undefined, (qb) => qb.where('zone.grid_id', '=', filter.gridId!))
    .orderBy('grid.code')
    .orderBy('zone.name');
}

/** The zone covering a point. */
export function zoneAt(db: Queryable, lng: number, lat: number) {
  return zoneColumns(db)
    .where((eb) => covers(eb.ref('zone.geom'), point(lng, lat)))
    .orderBy('zone.name')
    .limit(1);
}
