import type { Geometry } from 'geojson';
import type { Queryable } from '../db/queryable';
import { asGeoJson, envelope, intersects } from '../db/postgis';
import type { Bbox } from './grids.queries';

/** Road segments (optionally in a bbox) for the offline basemap. */
export function listRoads(db: Queryable, bbox: Bbox | undefined) {
  return db
    .selectFrom('road')
    .select((eb) => [
      'road.id',
      'road.class',
      'road.name',
      'road.oneway',
      asGeoJson(eb.ref('road.geom')).as('geometry'),
    ])
    .$if(bbox !== undefined, (qb) => qb.where((eb) => intersects(eb.ref('road.geom'), envelope(bbox!))))
    .orderBy('road.id');
}

/** Lakes and rivers for the offline basemap. */
export function listWater(db: Queryable, bbox: Bbox | undefined) {
  return db
    .selectFrom('water')
    .select((eb) => ['water.id', 'water.kind', 'water.name', asGeoJson<Geometry>(eb.ref('water.geom')).as('geometry')])
    .$if(bbox !== undefined, (qb) => qb.where((eb) => intersects(eb.ref('water.geom'), envelope(bbox!))))
    .orderBy('water.id');
}
