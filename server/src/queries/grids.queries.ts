import type { MultiPolygon } from 'geojson';
import type { Queryable } from '../db/queryable';
import { asGeoJson, covers, envelope, intersects, point } from '../db/postgis';

export type Bbox = readonly [number, number, number, number];

function gridColumns(db: Queryable) {
  return db
    .selectFrom('grid')
    .innerJoin('region as community', 'community.id', 'grid.community_id')
    .select((eb) => [
      'grid.id',
      'grid.community_id',
      'community.name as community_name',
      'grid.code',
      'grid.name',
      'grid.kind',
      'grid.households',
      'grid.population',
      'grid.worker_name',
      'grid.worker_phone',
      'grid.version',
      'grid.updated_at',
      asGeoJson<MultiPolygon>(eb.ref('grid.geom')).as('geometry'),
    ]);
}

/**
 * Grids intersecting a bbox (all grids without one), in code order.
 * ```sql
 * SELECT grid.*, community.name, ST_AsGeoJSON(grid.geom, 7)::json FROM grid JOIN region community …
 * WHERE ST_Intersects(grid.geom, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY grid.code
 * ```
 */
export function listGrids(db: Queryable, filter: { bbox?: Bbox | undefined; communityId?: number | undefined }) {
  return gridColumns(db)
    .$if(filter.bbox !== undefined, (qb) => qb.where((eb) => intersects(eb.ref('grid.geom'), envelope(filter.bbox!))))
    .$if(filter.communityId !== undefined, (qb) => qb.where('grid.community_id', '=', filter.communityId!))
    .orderBy('grid.code');
}

/** The grid covering a point (grids do not overlap, so at most one; ties on a shared edge go to the lowest code). */
export function gridAt(db: Queryable, lng: number, lat: number) {
  return gridColumns(db)
    .where((eb) => covers(eb.ref('grid.geom'), point(lng, lat)))
    .orderBy('grid.code')
    .limit(1);
}
